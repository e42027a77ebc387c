package org.jasyncio.subprocess;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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
 * <p>Not supported, because {@link java.lang.ProcessBuilder} cannot do them: asyncio's
 * {@code pass_fds}, {@code preexec_fn}, {@code start_new_session}, {@code process_group},
 * {@code user}/{@code group}, {@code umask} and {@code close_fds=False} (the JDK always closes
 * every other descriptor in the child). Text mode does not exist here either, as in asyncio:
 * pipes carry bytes; decode them yourself.
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class SubprocessOptions {
    private static final SubprocessOptions DEFAULTS = new SubprocessOptions(Stdio.INHERIT, Stdio.INHERIT,
            Stdio.INHERIT, null, null, StreamReader.DEFAULT_LIMIT);
    private static final SubprocessOptions PIPES = new SubprocessOptions(Stdio.PIPE, Stdio.PIPE, Stdio.PIPE, null,
            null, StreamReader.DEFAULT_LIMIT);

    private final Stdio stdin;
    private final Stdio stdout;
    private final Stdio stderr;
    private final Path cwd;
    private final Map<String, String> env;
    private final int limit;

    private SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Path cwd, Map<String, String> env,
            int limit) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.cwd = cwd;
        this.env = env;
        this.limit = limit;
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
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
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
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
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
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
    }

    /**
     * Returns a copy where the child starts in {@code cwd}; asyncio's {@code cwd=}.
     *
     * @param cwd the working directory, or {@code null} for this process's
     * @return the copy
     */
    public SubprocessOptions withCwd(Path cwd) {
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
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
        return new SubprocessOptions(stdin, stdout, stderr, cwd, copy, limit);
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
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, limit);
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
                && s.limit == limit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(stdin, stdout, stderr, cwd, env, limit);
    }

    @Override
    public String toString() {
        return "SubprocessOptions[stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr + ", cwd=" + cwd
                + ", env=" + (env == null ? "inherited" : env.size() + " variables") + ", limit=" + limit + "]";
    }
}
