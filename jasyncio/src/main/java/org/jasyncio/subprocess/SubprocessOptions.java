package org.jasyncio.subprocess;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

import org.jasyncio.streams.StreamReader;

/**
 * The optional arguments of {@link Subprocess#createSubprocessExec createSubprocessExec},
 * {@link Subprocess#createSubprocessShell createSubprocessShell} and the loop's
 * {@code subprocessExec}/{@code subprocessShell}: where the child's stdin, stdout and stderr
 * go, its working directory and environment, and the buffer limit of its stream readers
 * (asyncio's {@code stdin=}, {@code stdout=}, {@code stderr=}, {@code cwd=}, {@code env=} and
 * {@code limit=}). Immutable; each {@code with...} method returns a modified copy.
 *
 * <pre>{@code
 * var options = SubprocessOptions.defaults()
 *         .withStdout(Stdio.PIPE)
 *         .withStderr(Stdio.STDOUT)            // 2>&1
 *         .withCwd(Path.of("/tmp"))
 *         .withEnv(Map.of("LANG", "C"));       // the whole environment, as asyncio's env=
 * }</pre>
 *
 * <p>{@code start_new_session} and {@code process_group} are there
 * ({@link #withStartNewSession}, {@link #withProcessGroup}): {@link java.lang.ProcessBuilder}
 * cannot do them, so the child is started through a small program that does them and then
 * executes the command in the same process. {@code pass_fds} and {@code close_fds=False} are
 * refused with an {@link UnsupportedOperationException} ({@link #withPassFds},
 * {@link #withCloseFds}): the JDK always closes every descriptor but 0, 1 and 2 in the child.
 * Not supported at all: {@code preexec_fn}, {@code user}/{@code group}, {@code extra_groups} and
 * {@code umask}. Text mode does not exist here either, as in asyncio: pipes carry bytes; decode
 * them yourself.
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class SubprocessOptions {
    /** {@link #processGroup} when the child stays in this process's group (asyncio's {@code None}). */
    private static final int NO_GROUP = -1;
    private static final SubprocessOptions DEFAULTS = new SubprocessOptions(Stdio.INHERIT, Stdio.INHERIT,
            Stdio.INHERIT, null, null, StreamReader.DEFAULT_LIMIT, false, NO_GROUP);
    private static final SubprocessOptions PIPES = new SubprocessOptions(Stdio.PIPE, Stdio.PIPE, Stdio.PIPE, null,
            null, StreamReader.DEFAULT_LIMIT, false, NO_GROUP);

    private final Stdio stdin;
    private final Stdio stdout;
    private final Stdio stderr;
    private final Path cwd;
    private final Map<String, String> env;
    private final int limit;
    private final boolean startNewSession;
    /** {@link #NO_GROUP}, 0 for a new group, or the group to join. */
    private final int processGroup;

    private SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Path cwd, Map<String, String> env,
            int limit, boolean startNewSession, int processGroup) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.cwd = cwd;
        this.env = env;
        this.limit = limit;
        this.startNewSession = startNewSession;
        this.processGroup = processGroup;
    }

    /**
     * Returns the defaults of {@code createSubprocessExec} and {@code createSubprocessShell}:
     * the three streams inherited from this process, its working directory and environment, and
     * readers limited to 64 KiB ({@link StreamReader#DEFAULT_LIMIT}).
     *
     * @return the defaults
     */
    public static SubprocessOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns the defaults of the loop's {@code subprocessExec} and {@code subprocessShell}:
     * the three streams are {@link Stdio#PIPE pipes}; otherwise as {@link #defaults()}.
     *
     * @return the options with three pipes
     */
    public static SubprocessOptions pipes() {
        return PIPES;
    }

    /**
     * Returns a copy where the child's stdin is {@code stdin}; asyncio's {@code stdin=}.
     *
     * @param stdin {@link Stdio#PIPE}, {@link Stdio#DEVNULL}, {@link Stdio#INHERIT} or
     *        {@link Stdio#from(Path)}
     * @return the copy
     * @throws IllegalArgumentException for {@link Stdio#STDOUT} or a redirection to a file
     * @throws NullPointerException if {@code stdin} is {@code null}
     */
    public SubprocessOptions withStdin(Stdio stdin) {
        Objects.requireNonNull(stdin, "stdin");
        if (stdin.kind() == Stdio.Kind.STDOUT || stdin.writesFile()) {
            throw new IllegalArgumentException(stdin + " cannot be the child's stdin; use PIPE, DEVNULL, INHERIT or "
                    + "Stdio.from(file)");
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy where the child's stdout is {@code stdout}; asyncio's {@code stdout=}.
     *
     * @param stdout {@link Stdio#PIPE}, {@link Stdio#DEVNULL}, {@link Stdio#INHERIT},
     *        {@link Stdio#to(Path)} or {@link Stdio#appendTo(Path)}
     * @return the copy
     * @throws IllegalArgumentException for {@link Stdio#STDOUT} (only stderr can go to stdout)
     *         or {@link Stdio#from(Path)}
     * @throws NullPointerException if {@code stdout} is {@code null}
     */
    public SubprocessOptions withStdout(Stdio stdout) {
        Objects.requireNonNull(stdout, "stdout");
        if (stdout.kind() == Stdio.Kind.STDOUT || stdout.readsFile()) {
            throw new IllegalArgumentException(stdout + " cannot be the child's stdout; use PIPE, DEVNULL, INHERIT, "
                    + "Stdio.to(file) or Stdio.appendTo(file)");
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy where the child's stderr is {@code stderr}; asyncio's {@code stderr=}.
     *
     * @param stderr {@link Stdio#PIPE}, {@link Stdio#DEVNULL}, {@link Stdio#INHERIT},
     *        {@link Stdio#STDOUT} (merged into stdout, {@code 2>&1}), {@link Stdio#to(Path)} or
     *        {@link Stdio#appendTo(Path)}
     * @return the copy
     * @throws IllegalArgumentException for {@link Stdio#from(Path)}
     * @throws NullPointerException if {@code stderr} is {@code null}
     */
    public SubprocessOptions withStderr(Stdio stderr) {
        Objects.requireNonNull(stderr, "stderr");
        if (stderr.readsFile()) {
            throw new IllegalArgumentException(stderr + " cannot be the child's stderr; use PIPE, DEVNULL, INHERIT, "
                    + "STDOUT, Stdio.to(file) or Stdio.appendTo(file)");
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy where the child starts in {@code cwd}; asyncio's {@code cwd=}.
     *
     * @param cwd the working directory, or {@code null} for this process's
     * @return the copy
     */
    public SubprocessOptions withCwd(Path cwd) {
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy where the child's environment is exactly {@code env}; asyncio's
     * {@code env=}. To add to this process's environment, copy {@link System#getenv()} first.
     *
     * @param env the variables (copied), or {@code null} to inherit this process's environment
     * @return the copy
     * @throws NullPointerException if a name or value is {@code null}
     * @throws IllegalArgumentException if a name is empty or contains {@code '='}, or a name or
     *         value contains a NUL character
     */
    public SubprocessOptions withEnv(Map<String, String> env) {
        Map<String, String> copy = null;
        if (env != null) {
            copy = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : env.entrySet()) {
                String k = Objects.requireNonNull(e.getKey(), "environment variable name");
                String v = Objects.requireNonNull(e.getValue(), "value of environment variable " + k);
                if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("invalid environment variable: " + k);
                }
                copy.put(k, v);
            }
            copy = Collections.unmodifiableMap(copy);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, copy, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy whose stdout and stderr readers hold at most about {@code limit} bytes
     * before they pause reading the pipe, and refuse longer lines; asyncio's {@code limit=}.
     * Only {@code createSubprocessExec} and {@code createSubprocessShell} use it.
     *
     * @param limit bytes, at least 1
     * @return the copy
     * @throws IllegalArgumentException if {@code limit < 1}
     */
    public SubprocessOptions withLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy where the child does or does not start a new session; asyncio's
     * {@code start_new_session=} (POSIX {@code setsid()} in the child before the program runs).
     * The child is then the leader of a new session and of a new process group, both numbered
     * by its pid, and has no controlling terminal: a signal sent to this process's group (Ctrl-C
     * at a terminal) does not reach it, and one sent to its group ({@code kill -TERM -PID})
     * reaches it and its descendants.
     *
     * <p>{@link ProcessBuilder} cannot call {@code setsid()}, so the child is started through
     * util-linux's {@code setsid} program, which calls it and then executes the program in the
     * same process: the pid, the exit status and the pipes are the program's own; its
     * {@code argv[0]} is the path the program was found at ({@code /usr/bin/sleep} for
     * {@code sleep}). The start fails with an {@link UnsupportedOperationException} naming the
     * path looked at when {@code /usr/bin/setsid} (or {@code /bin/setsid}) is missing.
     *
     * @param startNewSession {@code true} for a new session; {@code false} (the default) to stay
     *        in this process's session
     * @return the copy
     */
    public SubprocessOptions withStartNewSession(boolean startNewSession) {
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Returns a copy where the child joins the process group {@code processGroup}, or starts a
     * new one numbered by its pid if it is 0; asyncio's {@code process_group=} (Python 3.11,
     * POSIX {@code setpgid(0, processGroup)} in the child before the program runs). The child
     * stays in this process's session.
     *
     * <p>{@link ProcessBuilder} cannot call {@code setpgid()}, so the child is started through
     * Perl ({@code /usr/bin/perl}, present on nearly every Linux and macOS system), which calls
     * it and then executes the program in the same process: the pid, the exit status and the
     * pipes are the program's own. The start fails with an {@link UnsupportedOperationException}
     * naming the path when Perl is missing. A group to join must exist in this process's
     * session: the start fails with an {@link IllegalArgumentException} naming the group when no
     * process of this session belongs to it (where {@code setpgid} fails with {@code EPERM}).
     *
     * @param processGroup 0 for a new group, or the number of a group of this session to join
     * @return the copy
     * @throws IllegalArgumentException if {@code processGroup} is negative
     */
    public SubprocessOptions withProcessGroup(int processGroup) {
        if (processGroup < 0) {
            throw new IllegalArgumentException("processGroup must be 0 (a new group) or a group number, got "
                    + processGroup);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    /**
     * Asks that the child inherit the descriptors {@code fds}; asyncio's {@code pass_fds=}.
     * Only the empty list (asyncio's default) is accepted: the JDK starts every child with only
     * the descriptors 0, 1 and 2 and closes all others, and offers no way to keep one open.
     *
     * @param fds the descriptors to pass; must be empty
     * @return this (unchanged) for an empty list
     * @throws UnsupportedOperationException for any descriptor, naming it and the JDK's limit
     * @throws NullPointerException if {@code fds} is {@code null}
     */
    public SubprocessOptions withPassFds(int... fds) {
        if (fds.length > 0) {
            throw new UnsupportedOperationException("passFds " + Arrays.toString(fds)
                    + ": the JDK's ProcessBuilder closes every descriptor but 0, 1 and 2 in the child and cannot "
                    + "pass others; share data through stdin/stdout/stderr pipes, a file or a socket instead");
        }
        return this;
    }

    /**
     * Asks whether the child should have every descriptor but 0, 1 and 2 closed; asyncio's
     * {@code close_fds=} (Python's default is {@code true}). The JDK always closes them, so
     * only {@code true} is accepted.
     *
     * @param closeFds must be {@code true}
     * @return this (unchanged) for {@code true}
     * @throws UnsupportedOperationException for {@code false}, naming the JDK's limit
     */
    public SubprocessOptions withCloseFds(boolean closeFds) {
        if (!closeFds) {
            throw new UnsupportedOperationException("closeFds=false: the JDK's ProcessBuilder always closes every "
                    + "descriptor but 0, 1 and 2 in the child; it cannot let the child inherit the others");
        }
        return this;
    }

    /**
     * Returns whether the child starts a new session ({@link #withStartNewSession}).
     *
     * @return {@code true} for a new session
     */
    public boolean startNewSession() {
        return startNewSession;
    }

    /**
     * Returns the process group the child joins ({@link #withProcessGroup}).
     *
     * @return empty to stay in this process's group, 0 for a new group, or the group to join
     */
    public OptionalInt processGroup() {
        return processGroup == NO_GROUP ? OptionalInt.empty() : OptionalInt.of(processGroup);
    }

    /**
     * Returns where the child's stdin comes from.
     *
     * @return the redirection
     */
    public Stdio stdin() {
        return stdin;
    }

    /**
     * Returns where the child's stdout goes.
     *
     * @return the redirection
     */
    public Stdio stdout() {
        return stdout;
    }

    /**
     * Returns where the child's stderr goes.
     *
     * @return the redirection
     */
    public Stdio stderr() {
        return stderr;
    }

    /**
     * Returns the child's working directory.
     *
     * @return the directory, or {@code null} for this process's
     */
    public Path cwd() {
        return cwd;
    }

    /**
     * Returns the child's environment.
     *
     * @return an unmodifiable map, or {@code null} to inherit this process's environment
     */
    public Map<String, String> env() {
        return env;
    }

    /**
     * Returns the limit of the stdout and stderr readers.
     *
     * @return bytes
     */
    public int limit() {
        return limit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubprocessOptions s && s.stdin.equals(stdin) && s.stdout.equals(stdout)
                && s.stderr.equals(stderr) && Objects.equals(s.cwd, cwd) && Objects.equals(s.env, env)
                && s.limit == limit && s.startNewSession == startNewSession && s.processGroup == processGroup;
    }

    @Override
    public int hashCode() {
        return Objects.hash(stdin, stdout, stderr, cwd, env, limit, startNewSession, processGroup);
    }

    @Override
    public String toString() {
        return "SubprocessOptions[stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr + ", cwd=" + cwd
                + ", env=" + (env == null ? "inherited" : env.size() + " variables") + ", limit=" + limit
                + (startNewSession ? ", startNewSession" : "") + (processGroup == NO_GROUP ? "" : ", processGroup="
                        + processGroup) + "]";
    }
}
