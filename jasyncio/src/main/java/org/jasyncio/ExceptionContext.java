package org.jasyncio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link ExceptionHandler} is told about an error the loop could not raise to
 * anyone: asyncio's exception-handler {@code context} dict, with its keys as accessors.
 *
 * <p>{@code message} is always set; the other fields are {@code null} when they do not
 * apply. {@link #extra()} holds the keys that only some sources set, such as
 * {@code "transport"}, {@code "protocol"} and {@code "socket"}.
 *
 * @param message what happened, for example {@code "Task exception was never retrieved"}
 * @param exception the error, or {@code null}
 * @param future the future or task concerned, or {@code null}
 * @param handle the callback concerned, or {@code null}
 * @param sourceTraceback where the future, task or callback was created (debug mode), or {@code null}
 * @param extra further keys; never {@code null}, unmodifiable
 * @since 0.1
 */
public record ExceptionContext(
        String message,
        Throwable exception,
        Future<?> future,
        Handle handle,
        StackTraceElement[] sourceTraceback,
        Map<String, Object> extra) {

    /**
     * Validates and freezes the fields.
     *
     * @throws NullPointerException if {@code message} is {@code null}
     */
    public ExceptionContext {
        Objects.requireNonNull(message, "message");
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * Returns the task concerned: {@link #future()} when it is a task.
     *
     * @return the task, or {@code null}
     */
    public Task<?> task() {
        return future instanceof Task<?> t ? t : null;
    }

    /**
     * Returns one of the {@link #extra()} keys.
     *
     * @param key for example {@code "transport"}
     * @return its value, or {@code null}
     */
    public Object get(String key) {
        return extra.get(key);
    }

    /**
     * Starts building a context.
     *
     * @param message what happened; not {@code null}
     * @return a builder
     */
    public static Builder builder(String message) {
        return new Builder(message);
    }

    /**
     * Returns the context as asyncio's dict: keys {@code message}, {@code exception},
     * {@code future}, {@code task}, {@code handle}, {@code source_traceback} where set,
     * then the extra keys.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", message);
        if (exception != null) {
            m.put("exception", exception);
        }
        if (future != null) {
            m.put(future instanceof Task<?> ? "task" : "future", future);
        }
        if (handle != null) {
            m.put("handle", handle);
        }
        if (sourceTraceback != null) {
            m.put("source_traceback", sourceTraceback);
        }
        m.putAll(extra);
        return Collections.unmodifiableMap(m);
    }

    /** Builds an {@link ExceptionContext}. Not thread-safe. */
    public static final class Builder {
        private final String message;
        private Throwable exception;
        private Future<?> future;
        private Handle handle;
        private StackTraceElement[] sourceTraceback;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(String message) {
            this.message = Objects.requireNonNull(message, "message");
        }

        /**
         * Sets the error.
         *
         * @param exception the error, or {@code null}
         * @return this builder
         */
        public Builder exception(Throwable exception) {
            this.exception = exception;
            return this;
        }

        /**
         * Sets the future or task concerned.
         *
         * @param future the future, or {@code null}
         * @return this builder
         */
        public Builder future(Future<?> future) {
            this.future = future;
            return this;
        }

        /**
         * Sets the callback concerned.
         *
         * @param handle the handle, or {@code null}
         * @return this builder
         */
        public Builder handle(Handle handle) {
            this.handle = handle;
            return this;
        }

        /**
         * Sets where the object concerned was created.
         *
         * @param trace the creation stack, or {@code null}
         * @return this builder
         */
        public Builder sourceTraceback(StackTraceElement[] trace) {
            this.sourceTraceback = trace;
            return this;
        }

        /**
         * Adds an extra key such as {@code "transport"}.
         *
         * @param key the key; not {@code null}
         * @param value the value; {@code null} values are skipped
         * @return this builder
         */
        public Builder put(String key, Object value) {
            if (value != null) {
                extra.put(Objects.requireNonNull(key, "key"), value);
            }
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         */
        public ExceptionContext build() {
            return new ExceptionContext(message, exception, future, handle, sourceTraceback, extra);
        }
    }
}
