package org.jasyncio.transports;

import org.jasyncio.Signal;

/**
 * A child process and its pipes, as the loop sees them; asyncio's
 * {@code asyncio.SubprocessTransport}. Made by
 * {@link org.jasyncio.EventLoop#subprocessExec subprocessExec} and
 * {@link org.jasyncio.EventLoop#subprocessShell subprocessShell}; reports to a
 * {@link SubprocessProtocol}.
 *
 * <h2>Pipes</h2>
 * {@link #getPipeTransport(int) getPipeTransport(0)} is a {@link WriteTransport} to the child's
 * stdin (writes never suspend, with flow control through the protocol's
 * {@code pauseWriting}/{@code resumeWriting}); {@code getPipeTransport(1)} and {@code (2)} are
 * {@link ReadTransport}s of its stdout and stderr ({@code pauseReading} stops reading the pipe,
 * so a child that writes more blocks in its write; closing one closes the pipe at once, so the
 * child's next write to it fails with a broken pipe).
 *
 * <h2>Closing</h2>
 * {@link #close()} kills the child (SIGKILL) if it is still running, then closes the pipes, as
 * asyncio does (killed first, the child cannot exit on a broken pipe with a status of its own); in debug mode it logs "Close running child process: kill ...". Closing the event
 * loop closes every subprocess transport of that loop the same way, and waits (up to five
 * seconds) for the killed children to be reaped, so that none outlives the loop.
 *
 * <h2>Extra information</h2>
 * {@code getExtraInfo("subprocess")} is the {@link java.lang.Process} (asyncio's
 * {@code Popen}); do not read or write its streams, the transport owns them.
 *
 * <p>Loop-affine, as {@link BaseTransport}.
 *
 * @since 0.1
 */
public interface SubprocessTransport extends BaseTransport {
    /**
     * Returns the child's process id; asyncio's {@code get_pid()}.
     *
     * @return the pid
     */
    long getPid();

    /**
     * Returns the child's return code; asyncio's {@code get_returncode()}.
     *
     * @return {@code null} until the loop learns that the child exited; then its exit status, or
     *         minus the signal number when it was killed by a signal this transport sent (for
     *         example -9 after {@link #kill()}); see {@link org.jasyncio.subprocess.Process#returncode()}
     *         for signals sent by others
     */
    Integer getReturncode();

    /**
     * Returns the transport of one of the child's pipes; asyncio's
     * {@code get_pipe_transport(fd)}.
     *
     * @param fd 0 (stdin), 1 (stdout) or 2 (stderr)
     * @return a {@link WriteTransport} for 0, a {@link ReadTransport} for 1 and 2, or
     *         {@code null} when that stream is not a pipe (inherited, DEVNULL, a file, or stderr
     *         redirected to stdout)
     */
    BaseTransport getPipeTransport(int fd);

    /**
     * Sends {@code sig} to the child; asyncio's {@code send_signal(signal)}. Does nothing if
     * the child already exited but the loop has not processed its exit yet. Never suspends.
     *
     * @param sig the signal; not {@code null}
     * @throws org.jasyncio.subprocess.ProcessLookupError if the transport already reported
     *         {@code connectionLost} (the process is gone)
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    void sendSignal(Signal sig);

    /**
     * Asks the child to terminate (SIGTERM); asyncio's {@code terminate()}.
     *
     * @throws org.jasyncio.subprocess.ProcessLookupError as {@link #sendSignal}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    void terminate();

    /**
     * Kills the child (SIGKILL); asyncio's {@code kill()}.
     *
     * @throws org.jasyncio.subprocess.ProcessLookupError as {@link #sendSignal}
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    void kill();

    /**
     * Kills the child if it is still running, then closes the pipes; asyncio's {@code close()}.
     * The protocol still receives {@code processExited} and {@code connectionLost}. Closing
     * twice does nothing. Never suspends.
     */
    @Override
    void close();
}
