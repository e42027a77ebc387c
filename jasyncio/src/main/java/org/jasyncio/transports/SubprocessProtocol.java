package org.jasyncio.transports;

/**
 * The callbacks of a child process started by
 * {@link org.jasyncio.EventLoop#subprocessExec subprocessExec} or
 * {@link org.jasyncio.EventLoop#subprocessShell subprocessShell}; asyncio's
 * {@code asyncio.SubprocessProtocol}.
 *
 * <pre>{@code
 * final class Collect implements SubprocessProtocol {
 *     final ByteArrayOutputStream out = new ByteArrayOutputStream();
 *     final Future<Integer> exited = Asyncio.getRunningLoop().createFuture();
 *     private SubprocessTransport transport;
 *
 *     public void connectionMade(BaseTransport t) { transport = (SubprocessTransport) t; }
 *     public void pipeDataReceived(int fd, byte[] data) { out.writeBytes(data); }
 *     public void connectionLost(Exception exc) { exited.setResult(transport.getReturncode()); }
 * }
 *
 * var c = loop.subprocessExec(Collect::new, List.of("ls", "-l"));
 * int rc = c.protocol().exited.await();
 * }</pre>
 *
 * <h2>Order of calls</h2>
 * {@link #connectionMade connectionMade(transport)} once, with the
 * {@link SubprocessTransport}, before anything else; then, in any order across pipes,
 * {@link #pipeDataReceived} for each chunk a pipe delivers (in order within one pipe), one
 * {@link #pipeConnectionLost} per pipe when it closes, and {@link #processExited()} once when
 * the child exits; finally {@link #connectionLost connectionLost(null)} once, after the child
 * exited <em>and</em> every pipe closed. {@link #pauseWriting()} and {@link #resumeWriting()}
 * report the child's stdin pipe, as for a stream transport. The child may exit before its
 * pipes deliver their last bytes, as in asyncio.
 *
 * <p>Callbacks run on the loop thread, outside any task, and must not suspend. One that throws
 * is reported to the loop's exception handler; the process and its pipes go on.
 *
 * <p>File descriptor numbers: 0 is the child's stdin, 1 its stdout, 2 its stderr. Only
 * pipes ({@code PIPE}) report; with stderr redirected to stdout, both come as 1.
 *
 * @since 0.1
 */
public interface SubprocessProtocol extends BaseProtocol {
    /**
     * Called with bytes the child wrote to its stdout or stderr pipe; asyncio's
     * {@code pipe_data_received(fd, data)}. Write boundaries are not kept.
     *
     * @param fd 1 for stdout, 2 for stderr
     * @param data the bytes, never empty; the array is the protocol's to keep
     */
    default void pipeDataReceived(int fd, byte[] data) {}

    /**
     * Called once when one of the child's pipes closes; asyncio's
     * {@code pipe_connection_lost(fd, exc)}. For stdout and stderr that is end of file (the
     * child closed its end, usually by exiting) or a read error; for stdin, the pipe was closed
     * by us ({@code close()}, {@code writeEof()}) or broken by the child (it exited or closed
     * its stdin).
     *
     * @param fd 0, 1 or 2
     * @param exc {@code null} for a regular close; otherwise what broke the pipe, for example a
     *        {@link org.jasyncio.subprocess.BrokenPipeError} when the child stopped reading its
     *        stdin with bytes still to write
     */
    default void pipeConnectionLost(int fd, Exception exc) {}

    /**
     * Called once when the child process exits; asyncio's {@code process_exited()}. The
     * return code is {@link SubprocessTransport#getReturncode()}.
     */
    default void processExited() {}
}
