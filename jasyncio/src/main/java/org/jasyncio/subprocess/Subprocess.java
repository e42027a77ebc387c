package org.jasyncio.subprocess;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.internal.subprocess.ProcessTransport;
import org.jasyncio.transports.SubprocessConnection;

/**
 * asyncio's subprocess functions, {@code create_subprocess_exec} and
 * {@code create_subprocess_shell}, and its constants {@code PIPE}, {@code STDOUT} and
 * {@code DEVNULL}. Import them statically next to {@link Asyncio}'s:
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 * import static org.jasyncio.subprocess.Subprocess.*;
 *
 * run(() -> {
 *     var proc = createSubprocessShell("ls -l | wc -l", SubprocessOptions.defaults().withStdout(PIPE));
 *     byte[] out = proc.communicate().stdout();
 *     System.out.println("ls printed " + new String(out).strip() + " lines, exit " + proc.returncode());
 * });
 * }</pre>
 *
 * <p>They are the plain calls asyncio's coroutines are here: each suspends the calling task
 * until the child runs and returns its {@link Process}. They live in this class, as
 * {@code openConnection} lives in {@link org.jasyncio.streams.Streams}, rather than in
 * {@link Asyncio}: the core does not depend on the areas built on it, and
 * {@code import static ...Subprocess.*} gives the same short names.
 *
 * @since 0.1
 */
public final class Subprocess {
    /** A pipe to the child; asyncio's {@code asyncio.subprocess.PIPE}. See {@link Stdio#PIPE}. */
    public static final Stdio PIPE = Stdio.PIPE;
    /** stderr merged into stdout; asyncio's {@code asyncio.subprocess.STDOUT}. See {@link Stdio#STDOUT}. */
    public static final Stdio STDOUT = Stdio.STDOUT;
    /** The null device; asyncio's {@code asyncio.subprocess.DEVNULL}. See {@link Stdio#DEVNULL}. */
    public static final Stdio DEVNULL = Stdio.DEVNULL;
    /** This process's own stream, inherited; asyncio's {@code None}. See {@link Stdio#INHERIT}. */
    public static final Stdio INHERIT = Stdio.INHERIT;

    private Subprocess() {}

    /**
     * Runs {@code program} with {@code args}, its three streams inherited from this process;
     * asyncio's {@code create_subprocess_exec(program, *args)}. The program is looked up in
     * {@code PATH} when its name has no slash.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param program the program
     * @param args its arguments
     * @return the running child
     * @throws IOException if the program cannot be started (for example "Cannot run program
     *         "nope": error=2, No such file or directory")
     * @throws IllegalArgumentException if {@code program} is empty or an argument contains NUL
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Process createSubprocessExec(String program, String... args) throws IOException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(Objects.requireNonNull(program, "program"));
        command.addAll(List.of(args));
        return createSubprocessExec(command, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code command} (the program, then its arguments) with {@code options}; asyncio's
     * {@code create_subprocess_exec(program, *args, stdin=..., stdout=..., stderr=..., cwd=...,
     * env=..., limit=...)}. The pipes become {@link Process#stdin()},
     * {@link Process#stdout()} and {@link Process#stderr()}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param command the program and its arguments; not empty
     * @param options redirections, working directory, environment, reader limit
     * @return the running child
     * @throws IOException if the program cannot be started, or the working directory does not
     *         exist
     * @throws IllegalArgumentException if {@code command} is empty, or an element is empty
     *         (the program) or contains NUL, or the options ask for both a new session
     *         and a process group, or a group to join that this session does not have
     * @throws UnsupportedOperationException if the options ask for a new session or process
     *         group and the program that makes it ({@code setsid}, Perl) is missing
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Process createSubprocessExec(List<String> command, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        int limit = options.limit();
        SubprocessConnection<SubprocessStreamProtocol> c = loop.subprocessExec(
                () -> new SubprocessStreamProtocol(limit), command, options);
        return new Process((ProcessTransport) c.transport(), c.protocol());
    }

    /**
     * Runs {@code cmd} with the shell ({@code /bin/sh -c cmd}), its three streams inherited;
     * asyncio's {@code create_subprocess_shell(cmd)}. Quote what comes from users (the shell
     * interprets {@code ;}, {@code |}, {@code $}...), or use {@link #createSubprocessExec}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param cmd the command line
     * @return the running shell
     * @throws IOException if the shell cannot be started
     * @throws IllegalArgumentException if {@code cmd} contains NUL
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Process createSubprocessShell(String cmd) throws IOException {
        return createSubprocessShell(cmd, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code cmd} with the shell and {@code options}; asyncio's
     * {@code create_subprocess_shell(cmd, stdin=..., ...)}. The process is the shell; the pid
     * and signals are the shell's (dash, Debian's {@code /bin/sh}, replaces itself with the last
     * simple command, so for {@code "sleep 10"} they are {@code sleep}'s).
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call leaves no child running.
     *
     * @param cmd the command line
     * @param options redirections, working directory, environment, reader limit
     * @return the running shell
     * @throws IOException if the shell cannot be started, or the working directory does not
     *         exist
     * @throws IllegalArgumentException if {@code cmd} contains NUL, or the options ask for both a
     *         new session and a process group, or a group to join that this session does not have
     * @throws UnsupportedOperationException if the options ask for a new session or process
     *         group and the program that makes it ({@code setsid}, Perl) is missing
     * @throws IllegalStateException if called outside a task
     * @throws CancelledError if the calling task is cancelled
     */
    public static Process createSubprocessShell(String cmd, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(cmd, "cmd");
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        int limit = options.limit();
        SubprocessConnection<SubprocessStreamProtocol> c = loop.subprocessShell(
                () -> new SubprocessStreamProtocol(limit), cmd, options);
        return new Process((ProcessTransport) c.transport(), c.protocol());
    }
}
