package org.jasyncio;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Several failures raised together by a {@link TaskGroup} whose children failed; Python's
 * {@code ExceptionGroup} / {@code BaseExceptionGroup} (PEP 654).
 *
 * <p>{@link #exceptions()} lists every child failure in the order the children failed;
 * each is also attached as a {@linkplain #getSuppressed() suppressed} exception so that a
 * printed stack trace shows them all. {@link #subgroup} and {@link #split} do what
 * {@code except*} does in Python.
 *
 * <p>It extends {@link CancelledError}: in the try-with-resources form of {@link TaskGroup},
 * when a child fails the group itself is delivered into the body as the body's cancellation,
 * so the body's {@code catch (CancelledError e)} clean-up runs and the group then leaves the
 * block (see the README's deviation table). A task that ends with an {@code ExceptionGroup}
 * has failed with it; it is not cancelled.
 *
 * <p>Thread-safe once thrown; not meant to be mutated by users.
 *
 * @since 0.1
 */
public class ExceptionGroup extends CancelledError {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The failures, in the order they happened. */
    private final List<Throwable> exceptions;
    /** Set when a TaskGroup threw this group into its body as the body's cancellation. */
    transient boolean deliveredToBody;

    /**
     * Creates a group.
     *
     * @param message what the failures have in common
     * @param exceptions the failures, at least one; none may be {@code null}
     * @throws IllegalArgumentException if {@code exceptions} is empty
     * @throws NullPointerException if {@code exceptions} or one of them is {@code null}
     */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message, null);
        if (exceptions.isEmpty()) {
            throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        }
        this.exceptions = new ArrayList<>(exceptions.size());
        for (Throwable t : exceptions) {
            add(t);
        }
    }

    /** A group that a TaskGroup fills in while its children finish. */
    ExceptionGroup(String message) {
        super(message);
        this.exceptions = new ArrayList<>();
    }

    final synchronized void add(Throwable t) {
        if (t == null) {
            throw new NullPointerException("exception");
        }
        exceptions.add(t);
        if (t != this) {
            addSuppressed(t);
        }
    }

    /**
     * Returns the failures in this group.
     *
     * @return an unmodifiable list of the failures, in the order they happened
     */
    public synchronized List<Throwable> exceptions() {
        return Collections.unmodifiableList(new ArrayList<>(exceptions));
    }

    /**
     * Returns a group of the failures (searched recursively through nested groups) that
     * match {@code condition}, keeping the nesting; Python's {@code eg.subgroup(condition)}.
     *
     * @param condition selects failures; it is also tried on nested groups as a whole
     * @return the matching subgroup, or {@code null} when nothing matches
     */
    public ExceptionGroup subgroup(Predicate<? super Throwable> condition) {
        return split(condition)[0];
    }

    /**
     * Returns a group of the failures of type {@code type}; Python's
     * {@code except* Type}.
     *
     * @param type the failure type to keep
     * @return the matching subgroup, or {@code null} when nothing matches
     */
    public ExceptionGroup subgroup(Class<? extends Throwable> type) {
        return subgroup(type::isInstance);
    }

    /**
     * Splits this group into the failures of type {@code type} and the rest; Python's
     * {@code eg.split(SomeError)}, what {@code except* SomeError} does.
     *
     * @param type the failures to select
     * @return a two-element array: the matching group and the rest, either {@code null}
     *         when empty
     */
    public ExceptionGroup[] split(Class<? extends Throwable> type) {
        return split(type::isInstance);
    }

    /**
     * Splits this group into the failures that match {@code condition} and those that do
     * not; Python's {@code eg.split(condition)}.
     *
     * @param condition selects failures
     * @return a two-element array: the matching group and the rest, either {@code null}
     *         when empty
     */
    public ExceptionGroup[] split(Predicate<? super Throwable> condition) {
        if (condition.test(this)) {
            return new ExceptionGroup[] {this, null};
        }
        List<Throwable> match = new ArrayList<>();
        List<Throwable> rest = new ArrayList<>();
        for (Throwable t : exceptions()) {
            if (t instanceof ExceptionGroup g) {
                ExceptionGroup[] parts = g.split(condition);
                if (parts[0] != null) {
                    match.add(parts[0]);
                }
                if (parts[1] != null) {
                    rest.add(parts[1]);
                }
            } else if (condition.test(t)) {
                match.add(t);
            } else {
                rest.add(t);
            }
        }
        return new ExceptionGroup[] {
            match.isEmpty() ? null : derive(match),
            rest.isEmpty() ? null : derive(rest)
        };
    }

    /**
     * Returns a group with the same message holding {@code exceptions}; used by
     * {@link #split}. Python's {@code eg.derive(excs)}.
     *
     * @param exceptions the failures of the new group, at least one
     * @return the new group
     */
    public ExceptionGroup derive(List<? extends Throwable> exceptions) {
        ExceptionGroup g = new ExceptionGroup(getMessage(), exceptions);
        g.setStackTrace(getStackTrace());
        return g;
    }

    @Override
    public String toString() {
        int n;
        synchronized (this) {
            n = exceptions.size();
        }
        return getClass().getName() + ": " + getMessage() + " (" + n + " sub-exception" + (n == 1 ? "" : "s") + ")";
    }
}
