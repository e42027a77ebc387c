/**
 * Subprocesses: asyncio's {@code asyncio.subprocess} ({@code create_subprocess_exec},
 * {@code create_subprocess_shell}, {@code Process}, {@code PIPE}, {@code STDOUT},
 * {@code DEVNULL}); the loop-level API beneath is {@link org.jasyncio.EventLoop#subprocessExec
 * loop.subprocessExec} with a {@link org.jasyncio.transports.SubprocessProtocol}.
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 * import static org.jasyncio.subprocess.Subprocess.*;
 *
 * run(() -> {
 *     var proc = createSubprocessExec(List.of("grep", "-c", "x"),
 *             SubprocessOptions.defaults().withStdin(PIPE).withStdout(PIPE));
 *     CommunicateResult r = proc.communicate("x\ny\nx\n".getBytes(UTF_8));
 *     System.out.println(new String(r.stdout(), UTF_8).strip() + " lines, exit " + proc.returncode());
 * });
 * }</pre>
 *
 * <h2>Which way to talk to a child</h2>
 * <table class="striped">
 * <caption>Ways to use a child's pipes</caption>
 * <tr><th>call</th><th>when</th></tr>
 * <tr><td>{@link org.jasyncio.subprocess.Process#communicate(byte[]) proc.communicate(input)}</td>
 *     <td>give all the input, get all the output: stdin is fed while stdout and stderr are read,
 *     so nothing deadlocks however much each side writes</td></tr>
 * <tr><td>{@code for (byte[] line : proc.stdout())}, {@code proc.stdout().readline()}</td>
 *     <td>act on the output as it comes (a log, a progress line)</td></tr>
 * <tr><td>{@code proc.stdin().write(data); proc.stdin().drain()}</td><td>feed a long-running
 *     child; {@code drain()} waits while the child reads slower than you write</td></tr>
 * <tr><td>{@link org.jasyncio.EventLoop#subprocessExec loop.subprocessExec} with a
 *     {@link org.jasyncio.transports.SubprocessProtocol}</td><td>callbacks instead of a task per
 *     child; the transport's {@code getPipeTransport(fd)} writes to stdin</td></tr>
 * </table>
 *
 * <h2>How it works</h2>
 * Children are {@link java.lang.Process}es. The start (the JDK's fork and exec, 1 to 2 ms) runs
 * on a small pool of jasyncio threads, so the loop keeps running; the pipes are blocking streams,
 * moved to and from the loop by platform threads that never run your code (one per stdout or
 * stderr pipe, one for stdin while there is something to write); the exit comes from
 * {@link java.lang.Process#onExit()}. Everything the protocol or a stream sees happens on the loop
 * thread. Closing the loop, or the end of {@link org.jasyncio.Asyncio#run}, kills the children
 * still running and reaps them (with a warning in debug mode).
 *
 * <h2>Differences from asyncio</h2>
 * <ul>
 * <li>{@link org.jasyncio.subprocess.Process#returncode()} is minus the signal number only for
 *     signals sent through jasyncio (kill, terminate, sendSignal, close): the JDK reports any
 *     other death by signal N as 128 + N, like a shell.</li>
 * <li>asyncio's {@code wait()} is {@link org.jasyncio.subprocess.Process#await()}.</li>
 * <li>{@code communicate(input)} with stdin not a pipe is an error (asyncio drops the input).</li>
 * <li>After the child exited, {@code stdin().drain()} raises
 *     {@link org.jasyncio.subprocess.BrokenPipeError} (asyncio: {@code ConnectionResetError}).</li>
 * <li>The stdin pipe is known closed by the child when a write fails or the child exits (asyncio
 *     also watches it with the selector).</li>
 * <li>{@link org.jasyncio.subprocess.Process#await()} returns as soon as the child has exited, its
 *     pipes open or not, as CPython does since gh-119710 (older asyncio waited for the pipes).</li>
 * <li>{@code sendSignal} of a signal other than SIGTERM and SIGKILL uses libc's {@code kill(2)}
 *     when native access is enabled ({@code --enable-native-access=ALL-UNNAMED}, or
 *     {@code =org.jasyncio} on the module path), else runs {@code kill(1)}, which delivers it a
 *     moment after the call returns.</li>
 * <li>Not available ({@link java.lang.ProcessBuilder} has no way): {@code pass_fds},
 *     {@code preexec_fn}, {@code start_new_session}, {@code process_group}, {@code user},
 *     {@code group}, {@code umask}, {@code close_fds=False}.</li>
 * </ul>
 *
 * <p>Loop-affine: use a {@link org.jasyncio.subprocess.Process} in tasks of the loop that
 * started it. {@link org.jasyncio.subprocess.SubprocessOptions} and
 * {@link org.jasyncio.subprocess.Stdio} are immutable and thread-safe.
 *
 * @since 0.1
 */
package org.jasyncio.subprocess;
