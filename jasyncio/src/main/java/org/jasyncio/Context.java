package org.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A mapping of {@link ContextVar}s to values; Python's {@code contextvars.Context}.
 *
 * <p>Every task runs in its own context: a copy of its creator's context, taken when the
 * task is created (or the context given to {@code createTask}). Every callback scheduled
 * with {@code callSoon}, {@code callLater} or {@code callAt} runs in a copy of the context
 * current when it was scheduled (or the one given). Plain threads each have their own
 * context. So a value set in one task is never seen by a sibling task, but is seen by the
 * tasks and callbacks it creates afterwards.
 *
 * <p>Copying is O(1): the mapping is immutable and shared until one side sets a variable.
 *
 * <p>Thread-safety: a context may be read from any thread; it may be {@linkplain #run
 * entered} by one thread or task at a time.
 *
 * @since 0.1
 */
public final class Context {
    private static final Object[] EMPTY = new Object[0];
    private static final ThreadLocal<Context> THREAD_CONTEXT = ThreadLocal.withInitial(Context::new);

    /** Alternating ContextVar, value pairs; never mutated, replaced on set. */
    volatile Object[] entries;
    private boolean entered;

    /** Creates an empty context; Python's {@code contextvars.Context()}. */
    public Context() {
        this.entries = EMPTY;
    }

    Context(Object[] entries) {
        this.entries = entries;
    }

    /**
     * Two contexts are equal when they hold the same variables with equal values, as
     * Python's {@code Context.__eq__} compares contents.
     *
     * @param o another object
     * @return {@code true} if {@code o} is a context with the same variables and values
     */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Context c && asMap(entries).equals(asMap(c.entries));
    }

    @Override
    public int hashCode() {
        return asMap(entries).hashCode();
    }

    private static java.util.Map<Object, Object> asMap(Object[] e) {
        java.util.Map<Object, Object> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < e.length; i += 2) {
            m.put(e[i], e[i + 1]);
        }
        return m;
    }

    /**
     * Returns a copy of the current context; Python's {@code contextvars.copy_context()}.
     *
     * @return a new context holding the same variables as the current one
     */
    public static Context copyContext() {
        return current().copy();
    }

    /**
     * Returns a shallow copy of this context; Python's {@code Context.copy()}.
     *
     * @return a new context with the same variables; setting a variable in either does not
     *         affect the other
     */
    public Context copy() {
        return new Context(entries);
    }

    /**
     * Runs {@code body} with this context as the current context and returns its result;
     * variables it sets are set in this context. Python's {@code Context.run(callable)}.
     *
     * @param <T> the result type
     * @param body the code to run; not {@code null}
     * @return what {@code body} returns
     * @throws IllegalStateException if this context is already entered somewhere
     * @throws Exception whatever {@code body} throws
     */
    public <T> T run(Callable<T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        Context previous = enter();
        try {
            return body.call();
        } finally {
            exit(previous);
        }
    }

    /**
     * Runs {@code body} with this context as the current context.
     *
     * @param body the code to run; not {@code null}
     * @throws IllegalStateException if this context is already entered somewhere
     */
    public void run(Runnable body) {
        Objects.requireNonNull(body, "body");
        Context previous = enter();
        try {
            body.run();
        } finally {
            exit(previous);
        }
    }

    private Context enter() {
        synchronized (this) {
            if (entered) {
                throw new IllegalStateException("cannot enter context: " + this + " is already entered");
            }
            entered = true;
        }
        return swapCurrent(this);
    }

    private void exit(Context previous) {
        swapCurrent(previous);
        synchronized (this) {
            entered = false;
        }
    }

    /**
     * Returns the value of {@code var} in this context, ignoring its default.
     *
     * @param <T> the variable's type
     * @param var the variable; not {@code null}
     * @return its value
     * @throws NoSuchElementException if {@code var} has no value in this context
     */
    public <T> T get(ContextVar<T> var) {
        Object[] e = entries;
        int i = indexOf(e, var);
        if (i < 0) {
            throw new NoSuchElementException(var.toString());
        }
        return var.cast(e[i + 1]);
    }

    /**
     * Tells whether {@code var} has a value in this context.
     *
     * @param var the variable
     * @return {@code true} if it was set in this context (or the context it was copied from)
     */
    public boolean containsKey(ContextVar<?> var) {
        return indexOf(entries, var) >= 0;
    }

    /**
     * Returns the number of variables set in this context.
     *
     * @return the number of variables
     */
    public int size() {
        return entries.length / 2;
    }

    /**
     * Returns the variables of this context and their values.
     *
     * @return an unmodifiable snapshot, in the order the variables were first set
     */
    public Map<ContextVar<?>, Object> toMap() {
        Object[] e = entries;
        Map<ContextVar<?>, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < e.length; i += 2) {
            m.put((ContextVar<?>) e[i], e[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Returns the variables set in this context.
     *
     * @return the variables, in the order they were first set
     */
    public List<ContextVar<?>> vars() {
        Object[] e = entries;
        List<ContextVar<?>> l = new ArrayList<>(e.length / 2);
        for (int i = 0; i < e.length; i += 2) {
            l.add((ContextVar<?>) e[i]);
        }
        return Collections.unmodifiableList(l);
    }

    @Override
    public String toString() {
        return "<Context vars=" + size() + " at 0x" + Integer.toHexString(System.identityHashCode(this)) + ">";
    }

    // ---- internals -----------------------------------------------------------------

    static int indexOf(Object[] e, ContextVar<?> var) {
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == var) {
                return i;
            }
        }
        return -1;
    }

    /** Sets a value, copying the entries; returns the index it had or -1. */
    void put(ContextVar<?> var, Object value) {
        Object[] e = entries;
        int i = indexOf(e, var);
        Object[] n;
        if (i >= 0) {
            n = e.clone();
            n[i + 1] = value;
        } else {
            n = new Object[e.length + 2];
            System.arraycopy(e, 0, n, 0, e.length);
            n[e.length] = var;
            n[e.length + 1] = value;
        }
        entries = n;
    }

    void remove(ContextVar<?> var) {
        Object[] e = entries;
        int i = indexOf(e, var);
        if (i < 0) {
            return;
        }
        Object[] n = new Object[e.length - 2];
        System.arraycopy(e, 0, n, 0, i);
        System.arraycopy(e, i + 2, n, i, e.length - i - 2);
        entries = n;
    }

    /**
     * Returns the current context: the running task's, the running callback's, or the
     * calling thread's own.
     */
    static Context current() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            Task<?> task = Task.current();
            if (task != null) {
                return task.context();
            }
        } else {
            BaseEventLoop loop = RunningLoops.onThisThread();
            if (loop != null && loop.handleContext != null) {
                return loop.handleContext;
            }
        }
        return THREAD_CONTEXT.get();
    }

    /** The current context's variables, without making a Context for a task that has none yet. */
    static Object[] currentEntries() {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            Task<?> task = Task.current();
            if (task != null) {
                return task.contextEntries();
            }
        } else {
            BaseEventLoop loop = RunningLoops.onThisThread();
            if (loop != null && loop.handleContext != null) {
                return loop.handleContext.entries;
            }
        }
        return THREAD_CONTEXT.get().entries;
    }

    /** Makes {@code c} the current context and returns the one it replaces. */
    private static Context swapCurrent(Context c) {
        Thread t = Thread.currentThread();
        if (t.isVirtual()) {
            Task<?> task = Task.current();
            if (task != null) {
                Context previous = task.context();
                task.setContext(c);
                return previous;
            }
        } else {
            BaseEventLoop loop = RunningLoops.onThisThread();
            if (loop != null && loop.handleContext != null) {
                Context previous = loop.handleContext;
                loop.handleContext = c;
                return previous;
            }
        }
        Context previous = THREAD_CONTEXT.get();
        THREAD_CONTEXT.set(c);
        return previous;
    }
}
