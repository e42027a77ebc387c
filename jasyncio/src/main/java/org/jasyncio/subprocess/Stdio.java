package org.jasyncio.subprocess;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one of a child's standard streams goes: a pipe to the parent, {@code /dev/null}, the
 * parent's own stream, stderr merged into stdout, or a file; the values asyncio takes for
 * {@code stdin=}, {@code stdout=} and {@code stderr=} ({@code subprocess.PIPE},
 * {@code DEVNULL}, {@code None}, {@code STDOUT}, a file).
 *
 * <table class="striped">
 * <caption>Choices</caption>
 * <tr><th>value</th><th>asyncio</th><th>for</th><th>the child's stream</th></tr>
 * <tr><td>{@link #PIPE}</td><td>{@code PIPE}</td><td>all three</td><td>a pipe the parent writes
 *     ({@link Process#stdin()}) or reads ({@link Process#stdout()}, {@link Process#stderr()})</td></tr>
 * <tr><td>{@link #DEVNULL}</td><td>{@code DEVNULL}</td><td>all three</td><td>{@code /dev/null}</td></tr>
 * <tr><td>{@link #INHERIT}</td><td>{@code None}</td><td>all three</td><td>the parent's own
 *     stdin, stdout or stderr</td></tr>
 * <tr><td>{@link #STDOUT}</td><td>{@code STDOUT}</td><td>stderr only</td><td>the same as the
 *     child's stdout, whatever that is</td></tr>
 * <tr><td>{@link #from(Path)}</td><td>an open file</td><td>stdin only</td><td>the file, read</td></tr>
 * <tr><td>{@link #to(Path)}</td><td>an open file</td><td>stdout, stderr</td><td>the file,
 *     created or truncated</td></tr>
 * <tr><td>{@link #appendTo(Path)}</td><td>a file opened with {@code "a"}</td><td>stdout,
 *     stderr</td><td>the file, created or appended to</td></tr>
 * </table>
 *
 * <p>Thread-safe (immutable).
 *
 * @see SubprocessOptions
 * @since 0.1
 */
public final class Stdio {
    /** The kinds of redirection, one per factory or constant. */
    public enum Kind {
        /** {@link Stdio#PIPE}. */
        PIPE,
        /** {@link Stdio#DEVNULL}. */
        DEVNULL,
        /** {@link Stdio#INHERIT}. */
        INHERIT,
        /** {@link Stdio#STDOUT}. */
        STDOUT,
        /** {@link Stdio#from(Path)}. */
        FROM_FILE,
        /** {@link Stdio#to(Path)}. */
        TO_FILE,
        /** {@link Stdio#appendTo(Path)}. */
        APPEND_FILE
    }

    /** A pipe between the child and this process; asyncio's {@code subprocess.PIPE}. */
    public static final Stdio PIPE = new Stdio(Kind.PIPE, null);
    /** The null device; asyncio's {@code subprocess.DEVNULL}. */
    public static final Stdio DEVNULL = new Stdio(Kind.DEVNULL, null);
    /** The parent's own stream, inherited; asyncio's {@code None} (the default of
     *  {@code create_subprocess_exec}). */
    public static final Stdio INHERIT = new Stdio(Kind.INHERIT, null);
    /** For stderr only: the same destination as stdout; asyncio's {@code subprocess.STDOUT}. */
    public static final Stdio STDOUT = new Stdio(Kind.STDOUT, null);

    private final Kind kind;
    private final Path file;

    private Stdio(Kind kind, Path file) {
        this.kind = kind;
        this.file = file;
    }

    /**
     * Returns a redirection of the child's stdin from {@code file}.
     *
     * @param file the file to read; it must exist when the child starts
     * @return the redirection
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static Stdio from(Path file) {
        return new Stdio(Kind.FROM_FILE, Objects.requireNonNull(file, "file"));
    }

    /**
     * Returns a redirection of the child's stdout or stderr to {@code file}, created or
     * truncated when the child starts.
     *
     * @param file the file to write
     * @return the redirection
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static Stdio to(Path file) {
        return new Stdio(Kind.TO_FILE, Objects.requireNonNull(file, "file"));
    }

    /**
     * Returns a redirection of the child's stdout or stderr to the end of {@code file},
     * created if missing.
     *
     * @param file the file to append to
     * @return the redirection
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static Stdio appendTo(Path file) {
        return new Stdio(Kind.APPEND_FILE, Objects.requireNonNull(file, "file"));
    }

    /**
     * Returns the kind of redirection.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the file of a file redirection.
     *
     * @return the file, or {@code null} for {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT}
     *         and {@link #STDOUT}
     */
    public Path file() {
        return file;
    }

    /**
     * Tells whether this is {@link #PIPE}.
     *
     * @return {@code true} for a pipe
     */
    public boolean isPipe() {
        return kind == Kind.PIPE;
    }

    boolean readsFile() {
        return kind == Kind.FROM_FILE;
    }

    boolean writesFile() {
        return kind == Kind.TO_FILE || kind == Kind.APPEND_FILE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Stdio s && s.kind == kind && Objects.equals(s.file, file);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Objects.hashCode(file);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FROM_FILE -> "Stdio.from(" + file + ")";
            case TO_FILE -> "Stdio.to(" + file + ")";
            case APPEND_FILE -> "Stdio.appendTo(" + file + ")";
            default -> "Stdio." + kind;
        };
    }
}
