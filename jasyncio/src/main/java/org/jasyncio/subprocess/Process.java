package org.jasyncio.subprocess;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.Awaitable;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.Signal;
import org.jasyncio.internal.subprocess.ProcessTransport;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;

/**
 * A child process started by {@link Subprocess#createSubprocessExec createSubprocessExec} or
 * {@link Subprocess#createSubprocessShell createSubprocessShell}, with its pipes as streams;
 * asyncio's {@code asyncio.subprocess.Process}.
 *
 * <pre>{@code
 * Process proc = createSubprocessExec(List.of("sort"),
 *         SubprocessOptions.defaults().withStdin(PIPE).withStdout(PIPE));
 * CommunicateResult r = proc.communicate("b\na\n".getBytes());
 * // r.stdout() is "a\nb\n", proc.returncode() is 0
 * }</pre>
 *
 * <h2>Names</h2>
 * The class has asyncio's name, which is also {@link java.lang.Process}'s: import it by name
 * ({@code import org.jasyncio.subprocess.Process;}, which hides {@code java.lang.Process} in that
 * file) or use {@code var}; with {@code import org.jasyncio.subprocess.*} alone, the simple name
 * {@code Process} is ambiguous. asyncio's {@code wait()} is {@link #await()} here, as everywhere in
 * jasyncio ({@code Event.await()}, {@code Condition.await()}): {@code wait()} is a final method of
 * {@link Object}, and {@code await} is what the call does in Python ({@code await proc.wait()}).
 * asyncio's attributes {@code pid}, {@code returncode}, {@code stdin}, {@code stdout} and
 * {@code stderr} are methods of the same names.
 *
 * <h2>Deadlocks</h2>
 * As in asyncio, {@link #await()} can wait forever when the child writes more to a pipe than
 * the stream reader buffers (twice its limit) and nobody reads it: the child blocks in its write
 * and never exits. Read the pipes, or use {@link #communicate}, which reads both while it feeds
 * stdin.
 *
 * <p>Loop-affine: use it in tasks of the loop that started it.
 *
 * @since 0.1
 */
public final class Process {
    private static final Logger LOG = System.getLogger("org.jasyncio.subprocess");

    private final ProcessTransport transport;
    private final long pid;
    private final StreamWriter stdin;
    private final StreamReader stdout;
    private final StreamReader stderr;

    Process(ProcessTransport transport, SubprocessStreamProtocol protocol) {
        this.transport = transport;
        this.pid = transport.getPid();
        this.stdin = protocol.stdin;
        this.stdout = protocol.stdout;
        this.stderr = protocol.stderr;
    }

    /**
     * Returns the child's process id; asyncio's {@code pid}.
     *
     * @return the pid
     */
    public long pid() {
        return pid;
    }

    /**
     * Returns the child's return code; asyncio's {@code returncode}.
     *
     * <p>{@code null} while the child runs (more exactly, until the loop has processed its
     * exit). Then its exit status (0 to 255), or minus the signal number when it was killed by
     * a signal sent through this process ({@link #kill()} gives -9, {@link #terminate()} -15,
     * {@link #sendSignal}, and closing the transport or the loop). A child killed by a signal
     * from elsewhere (another process, the kernel) reports 128 + the signal number, as a shell
     * does: {@link java.lang.Process} cannot tell that apart from a normal exit with that status.
     *
     * @return the return code, or {@code null}
     */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /**
     * Returns the writer of the child's stdin; asyncio's {@code stdin}.
     *
     * @return the writer, or {@code null} unless stdin is {@link Stdio#PIPE}
     */
    public StreamWriter stdin() {
        return stdin;
    }

    /**
     * Returns the reader of the child's stdout; asyncio's {@code stdout}. With stderr
     * redirected to {@link Stdio#STDOUT}, it carries both.
     *
     * @return the reader, or {@code null} unless stdout is {@link Stdio#PIPE}
     */
    public StreamReader stdout() {
        return stdout;
    }

    /**
     * Returns the reader of the child's stderr; asyncio's {@code stderr}.
     *
     * @return the reader, or {@code null} unless stderr is {@link Stdio#PIPE}
     */
    public StreamReader stderr() {
        return stderr;
    }

    /**
     * Waits until the child exits and returns its {@link #returncode()}; asyncio's
     * {@code wait()} (see "Names" above for the name). Returns as soon as the child has exited,
     * even while its stdout or stderr is unread or still held open by a grandchild, as CPython
     * does since gh-119710 (and uvloop and Trio); what the pipes still hold stays readable.
     *
     * <p>To wait with a time limit: {@code Asyncio.waitFor(proc::await, 0.5)}; the child keeps
     * running when the limit passes, kill it if that is what you want.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: the child is not affected.
     *
     * @return the return code
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task of the loop that started the child
     */
    public int await() {
        return transport.waitForExit();
    }

    /**
     * Reads stdout and stderr to their end, waits for the child to exit, and returns what
     * was read; asyncio's {@code communicate()}. Stdin, if it is a pipe, is closed first (the
     * child reads end of file), as Python 3.12 does.
     *
     * <h4>Cancellation</h4>
     * If cancelled, what was read so far is lost and the child keeps running.
     *
     * @return the bytes from stdout and stderr ({@code null} for a stream that is not a pipe)
     * @throws IOException if reading a pipe fails
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task of the loop that started the
     *         child, or while another task reads stdout or stderr
     */
    public CommunicateResult communicate() throws IOException {
        return communicate(null);
    }

    /**
     * Writes {@code input} to the child's stdin and closes it, reads stdout and stderr to their
     * end meanwhile, waits for the child to exit, and returns what was read; asyncio's
     * {@code communicate(input)}. Feeding and reading go on together, so a child that writes
     * megabytes to stdout and stderr while it reads its input does not deadlock. A child that
     * exits or closes its stdin before reading all of {@code input} is not an error (the broken
     * pipe is ignored, as in asyncio).
     *
     * <h4>Cancellation</h4>
     * If cancelled, what was read so far is lost, part of {@code input} may have been written,
     * and the child keeps running.
     *
     * @param input the bytes for stdin, or {@code null} to write nothing
     * @return the bytes from stdout and stderr ({@code null} for a stream that is not a pipe)
     * @throws IOException if reading a pipe fails
     * @throws IllegalStateException if {@code input} is given but stdin is not a pipe (asyncio
     *         silently drops it), or if stdin was closed already; if called outside a task of the
     *         loop that started the child, or while another task reads stdout or stderr
     * @throws CancelledError if the calling task is cancelled
     */
    public CommunicateResult communicate(byte[] input) throws IOException {
        if (input != null && stdin == null) {
            throw new IllegalStateException("communicate(input) needs the child's stdin to be a pipe "
                    + "(SubprocessOptions.withStdin(PIPE)): the input would be lost");
        }
        boolean debug = Asyncio.getRunningLoop().getDebug();
        List<Awaitable<?>> parts = new ArrayList<>(3);
        if (stdin != null) {
            parts.add((Coroutine<Void>) () -> {
                feedStdin(input, debug);
                return null;
            });
        }
        if (stdout != null) {
            parts.add((Coroutine<byte[]>) () -> readStream(1, debug));
        }
        if (stderr != null) {
            parts.add((Coroutine<byte[]>) () -> readStream(2, debug));
        }
        List<Object> results;
        try {
            results = Asyncio.gather(parts, false).await();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        int i = stdin != null ? 1 : 0;
        byte[] out = stdout != null ? (byte[]) results.get(i++) : null;
        byte[] err = stderr != null ? (byte[]) results.get(i) : null;
        await();
        return new CommunicateResult(out, err);
    }

    private void feedStdin(byte[] input, boolean debug) {
        if (input != null) {
            stdin.write(input);
            if (debug) {
                LOG.log(Level.DEBUG, this + " communicate: feed stdin (" + input.length + " bytes)");
            }
        }
        try {
            stdin.drain();
        } catch (IOException e) {
            // communicate() ignores BrokenPipeError and ConnectionResetError, as asyncio's does
            if (debug) {
                LOG.log(Level.DEBUG, this + " communicate: stdin got " + e);
            }
        }
        if (debug) {
            LOG.log(Level.DEBUG, this + " communicate: close stdin");
        }
        stdin.close();
    }

    private byte[] readStream(int fd, boolean debug) throws IOException {
        StreamReader stream = fd == 1 ? stdout : stderr;
        String name = fd == 1 ? "stdout" : "stderr";
        if (debug) {
            LOG.log(Level.DEBUG, this + " communicate: read " + name);
        }
        byte[] output = stream.read();
        if (debug) {
            LOG.log(Level.DEBUG, this + " communicate: close " + name);
        }
        transport.getPipeTransport(fd).close();
        return output;
    }

    /**
     * Sends {@code sig} to the child; asyncio's {@code send_signal()}. Does nothing if the child
     * has exited but the loop has not processed the exit yet. Never suspends.
     *
     * @param sig the signal; not {@code null}
     * @throws ProcessLookupError if the child exited and its exit was processed
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void sendSignal(Signal sig) {
        transport.sendSignal(sig);
    }

    /**
     * Asks the child to stop: SIGTERM; asyncio's {@code terminate()}. Never suspends.
     *
     * @throws ProcessLookupError if the child exited and its exit was processed
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void terminate() {
        transport.terminate();
    }

    /**
     * Kills the child: SIGKILL; asyncio's {@code kill()}. Never suspends; follow with
     * {@link #await()} to reap it.
     *
     * @throws ProcessLookupError if the child exited and its exit was processed
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    public void kill() {
        transport.kill();
    }

    @Override
    public String toString() {
        return "<Process " + pid + ">";
    }
}
