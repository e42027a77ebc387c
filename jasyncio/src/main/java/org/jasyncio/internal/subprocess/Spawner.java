package org.jasyncio.internal.subprocess;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.subprocess.Stdio;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;

/**
 * Starts child processes for the loop's {@code subprocessExec} and {@code subprocessShell}:
 * asyncio's {@code _make_subprocess_transport} and {@code _connect_pipes}.
 *
 * <p>{@link ProcessBuilder#start()} blocks for the whole fork and exec (1.5 to 2 ms here: the JDK
 * starts its {@code jspawnhelper}, which then executes the program), so it runs on a small pool
 * of platform threads while the calling task waits and the loop keeps running; asyncio calls
 * {@code Popen} on the loop thread and freezes it for that time. Measured on 2 cores: starting on
 * the loop thread saves about 50 us for one child but takes 225 ms for 200 concurrent children,
 * against 186 ms with this pool. A caller cancelled during the start kills the child as soon as
 * it exists.
 */
public final class Spawner {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadPoolExecutor POOL;

    static {
        // A start is mostly waiting for the kernel and the JDK's spawn helper: twice as many
        // threads as cores overlap them best (measured: 200 children in 186 ms with 4 threads on
        // 2 cores, 205 ms with 2, 225 ms starting them on the loop thread).
        int n = Math.min(16, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        POOL = new ThreadPoolExecutor(n, n, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().daemon().name("jasyncio-spawn-" + THREADS.incrementAndGet()).unstarted(r));
        POOL.allowCoreThreadTimeOut(true);
    }

    private Spawner() {}

    /**
     * Tells whether a child process of {@code loop} has not finished, or a pipe connected with
     * {@code connectReadPipe}/{@code connectWritePipe} is open: their pumps and exits will still
     * post events to the loop (a virtual clock waits for them a little before it jumps).
     *
     * @param loop the loop
     * @return {@code true} while a child started on {@code loop} runs or its pipes are open, or
     *         one of its own pipes is not lost
     */
    public static boolean hasRunningChildren(EventLoop loop) {
        return LoopChildren.anyRunning(loop);
    }

    /**
     * Starts {@code command} and connects a new protocol to it; the loop's
     * {@code subprocessExec}. Must be called in a task of {@code loop}.
     *
     * @param <P> the protocol type
     * @param loop the loop
     * @param protocolFactory makes the protocol
     * @param command the program and its arguments
     * @param options the redirections, directory and environment
     * @return the transport and the protocol
     * @throws IOException if the program cannot be started
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> exec(EventLoop loop,
            Supplier<? extends P> protocolFactory, List<String> command, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command is empty: give at least the program to run");
        }
        for (String a : command) {
            Objects.requireNonNull(a, "command element");
            if (a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command element contains a NUL character: " + a);
            }
        }
        if (command.get(0).isEmpty()) {
            throw new IllegalArgumentException("the program name is empty");
        }
        return start(loop, protocolFactory, List.copyOf(command), command.get(0), options);
    }

    /**
     * Runs {@code cmd} with {@code /bin/sh -c}; the loop's {@code subprocessShell}.
     *
     * @param <P> the protocol type
     * @param loop the loop
     * @param protocolFactory makes the protocol
     * @param cmd the shell command line
     * @param options the redirections, directory and environment
     * @return the transport and the protocol
     * @throws IOException if the shell cannot be started
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> shell(EventLoop loop,
            Supplier<? extends P> protocolFactory, String cmd, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(cmd, "cmd");
        if (cmd.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the command line contains a NUL character");
        }
        return start(loop, protocolFactory, List.of("/bin/sh", "-c", cmd), cmd, options);
    }

    private static <P extends SubprocessProtocol> SubprocessConnection<P> start(EventLoop loop,
            Supplier<? extends P> protocolFactory, List<String> command, String program, SubprocessOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        ProcessBuilder pb = builder(command, options);
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        PipeChannels.Taken proc = startProcess(pb, loop.getDebug());
        ProcessTransport transport;
        try {
            transport = new ProcessTransport(loop, protocol, proc, program, options.stdin().isPipe(),
                    options.stdout().isPipe(), options.stderr().isPipe());
        } catch (Throwable t) {
            discard(proc);
            throw t;
        }
        Future<Void> connected = loop.createFuture();
        loop.callSoon(() -> {
            transport.connect();
            connected.trySetResult(null);
        });
        try {
            connected.await();
        } catch (Throwable t) {
            // cancelled while connecting: asyncio's "Exception during subprocess creation, kill the subprocess"
            transport.close();
            throw rethrow(t);
        }
        return new SubprocessConnection<>(transport, protocol);
    }

    /**
     * Maps the options onto a ProcessBuilder; a new session or process group prefixes the
     * command ({@link SessionLaunch}).
     */
    static ProcessBuilder builder(List<String> command, SubprocessOptions options) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(SessionLaunch.command(command, options));
        pb.redirectInput(redirect(options.stdin(), true));
        pb.redirectOutput(redirect(options.stdout(), false));
        if (options.stderr().kind() == Stdio.Kind.STDOUT) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(redirect(options.stderr(), false));
        }
        if (options.cwd() != null) {
            pb.directory(options.cwd().toFile());
        }
        Map<String, String> env = options.env();
        if (env != null) {
            Map<String, String> e = pb.environment();
            e.clear();
            e.putAll(env);
        }
        return pb;
    }

    private static ProcessBuilder.Redirect redirect(Stdio s, boolean input) {
        return switch (s.kind()) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            case DEVNULL -> input ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.DISCARD;
            case FROM_FILE -> ProcessBuilder.Redirect.from(s.file().toFile());
            case TO_FILE -> ProcessBuilder.Redirect.to(s.file().toFile());
            case APPEND_FILE -> ProcessBuilder.Redirect.appendTo(s.file().toFile());
            case STDOUT -> throw new IllegalArgumentException("STDOUT is only for stderr");
        };
    }

    /** Starts the process on the spawner pool; the calling task waits, cancel-safe. */
    private static PipeChannels.Taken startProcess(ProcessBuilder pb, boolean debug) throws IOException {
        CompletableFuture<PipeChannels.Taken> cf = new CompletableFuture<>();
        POOL.execute(() -> {
            PipeChannels.Taken p;
            try {
                p = PipeChannels.takeAll(pb.start()); // at once: see PipeChannels
            } catch (Throwable e) {
                cf.completeExceptionally(e);
                return;
            }
            if (!cf.complete(p)) {
                if (debug) {
                    ProcessTransport.LOG.log(Level.DEBUG, "subprocess creation was cancelled: kill pid " + p.proc().pid());
                }
                discard(p);
            }
        });
        try {
            return Asyncio.await(cf);
        } catch (Throwable t) {
            if (!cf.cancel(false) && !cf.isCompletedExceptionally()) {
                discard(cf.getNow(null)); // started, but the caller is gone
            }
            throw rethrow(t);
        }
    }

    /** Kills a process nobody will own and releases its pipes; the JDK reaps it. */
    static void discard(PipeChannels.Taken taken) {
        taken.proc().toHandle().destroyForcibly();
        try {
            taken.proc().getOutputStream().close();
        } catch (IOException ignored) {
            // nothing to release
        }
        taken.close();
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException e) {
            return e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IOException(t);
    }
}
