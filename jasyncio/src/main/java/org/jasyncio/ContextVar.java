package org.jasyncio;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A context variable: a value that each task (and each callback) sees in its own
 * {@link Context}; Python's {@code contextvars.ContextVar}.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = new ContextVar<>("request_id");
 *
 * Asyncio.run(() -> {
 *     var token = REQUEST_ID.set("r-1");
 *     Task<String> child = Asyncio.createTask(() -> REQUEST_ID.get()); // sees "r-1"
 *     REQUEST_ID.reset(token);
 *     return child.await();
 * });
 * }</pre>
 *
 * <p>Thread-safe: {@code get}, {@code set} and {@code reset} act on the calling task's (or
 * callback's, or thread's) current context.
 *
 * @param <T> the value type
 * @since 0.1
 */
public final class ContextVar<T> {
    private static final Object NO_DEFAULT = new Object();
    /** The variables whose {@link #toString()} is running on this thread (recursion guard). */
    private static final ThreadLocal<Set<ContextVar<?>>> IN_TO_STRING =
            ThreadLocal.withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));

    private final String name;
    private final Object defaultValue;

    /**
     * Creates a variable with no default.
     *
     * @param name the variable's name, for {@link #toString()}; not {@code null}
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public ContextVar(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = NO_DEFAULT;
    }

    /**
     * Creates a variable with a default, returned by {@link #get()} where it is not set.
     *
     * @param name the variable's name; not {@code null}
     * @param defaultValue the default; may be {@code null}
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public ContextVar(String name, T defaultValue) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = defaultValue;
    }

    /**
     * Returns the variable's name.
     *
     * @return the name given at construction
     */
    public String name() {
        return name;
    }

    /**
     * Returns the value in the current context, else the variable's default; Python's
     * {@code var.get()}.
     *
     * @return the value
     * @throws NoSuchElementException (Python's {@code LookupError}) if the variable is not
     *         set in the current context and has no default
     */
    public T get() {
        Object[] e = Context.currentEntries();
        int i = Context.indexOf(e, this);
        if (i >= 0) {
            return cast(e[i + 1]);
        }
        if (defaultValue == NO_DEFAULT) {
            throw new NoSuchElementException("ContextVar '" + name + "' has no value in the current context");
        }
        return cast(defaultValue);
    }

    /**
     * Returns the value in the current context, else {@code fallback}; Python's
     * {@code var.get(default)}.
     *
     * @param fallback returned when the variable is not set; may be {@code null}
     * @return the value or {@code fallback}
     */
    public T get(T fallback) {
        Object[] e = Context.currentEntries();
        int i = Context.indexOf(e, this);
        return i >= 0 ? cast(e[i + 1]) : fallback;
    }

    /**
     * Sets the value in the current context; Python's {@code var.set(value)}.
     *
     * @param value the new value; may be {@code null}
     * @return a token that {@link #reset} takes to restore the previous value
     */
    public Token<T> set(T value) {
        Context c = Context.current();
        Object[] e = c.entries;
        int i = Context.indexOf(e, this);
        Token<T> token = new Token<>(c, this, i >= 0, i >= 0 ? e[i + 1] : null);
        c.put(this, value);
        return token;
    }

    /**
     * Restores the value the variable had before the {@link #set} that returned
     * {@code token}; Python's {@code var.reset(token)}.
     *
     * @param token from {@code set} on this variable, in the current context, not used yet
     * @throws IllegalStateException (Python's {@code RuntimeError}) if the token was used
     * @throws IllegalArgumentException (Python's {@code ValueError}) if the token belongs to
     *         another variable or was created in another context
     */
    public void reset(Token<T> token) {
        Objects.requireNonNull(token, "token");
        if (token.used) {
            throw new IllegalStateException(token + " has already been used once");
        }
        if (token.var != this) {
            throw new IllegalArgumentException(token + " was created by a different ContextVar");
        }
        Context c = Context.current();
        if (token.context != c) {
            throw new IllegalArgumentException(token + " was created in a different Context");
        }
        token.used = true;
        if (token.hadValue) {
            c.put(this, token.oldValue);
        } else {
            c.remove(this);
        }
    }

    @SuppressWarnings("unchecked")
    T cast(Object o) {
        return (T) o;
    }

    /**
     * Returns a description with the name and the default; a default that (directly or not)
     * contains this variable prints {@code ...} where the variable recurs, as Python's
     * {@code repr} does.
     *
     * @return {@code <ContextVar name='...' default=... at 0x...>}
     */
    @Override
    public String toString() {
        // Without this guard, a default such as a list holding this variable would recurse
        // until the stack overflows (CPython test_context.py::test_context_var_repr_1).
        Set<ContextVar<?>> active = IN_TO_STRING.get();
        if (!active.add(this)) {
            return "...";
        }
        try {
            return "<ContextVar name='" + name + "'" + (defaultValue == NO_DEFAULT ? "" : " default=" + defaultValue)
                    + " at 0x" + Integer.toHexString(System.identityHashCode(this)) + ">";
        } finally {
            active.remove(this);
        }
    }

    /**
     * What {@link ContextVar#set} returns: enough to undo that set; Python's
     * {@code contextvars.Token}.
     *
     * @param <T> the variable's type
     */
    public static final class Token<T> {
        private final Context context;
        private final ContextVar<T> var;
        private final boolean hadValue;
        private final Object oldValue;
        private boolean used;

        private Token(Context context, ContextVar<T> var, boolean hadValue, Object oldValue) {
            this.context = context;
            this.var = var;
            this.hadValue = hadValue;
            this.oldValue = oldValue;
        }

        /**
         * Returns the variable that was set.
         *
         * @return the variable
         */
        public ContextVar<T> var() {
            return var;
        }

        /**
         * Tells whether the variable had a value before the set; when it had none, Python's
         * {@code token.old_value} is {@code Token.MISSING}.
         *
         * @return {@code true} if there was a previous value
         */
        public boolean hadValue() {
            return hadValue;
        }

        /**
         * Returns the value the variable had before the set.
         *
         * @return the previous value, or {@code null} when {@link #hadValue()} is false
         */
        public T oldValue() {
            return var.cast(oldValue);
        }

        @Override
        public String toString() {
            return "<Token" + (used ? " used" : "") + " var=" + var + ">";
        }
    }
}
