package org.jasyncio;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * A producer that yields values lazily to a consumer task; Python's asynchronous generator
 * ({@code async def} with {@code yield}), consumed with a plain for-each: Python's
 * {@code async for}.
 *
 * <pre>{@code
 * AsyncGenerator<Integer> ticks = AsyncGenerator.of(out -> {
 *     try {
 *         for (int i = 0; ; i++) {
 *             Asyncio.sleep(1);
 *             out.yield(i);
 *         }
 *     } finally {
 *         System.out.println("ticker closed");   // runs when the consumer stops early
 *     }
 * });
 * try (ticks) {
 *     for (int tick : ticks) {          // inside a task: each step suspends until the next value
 *         if (tick == 3) break;
 *     }
 * }                                      // closing it runs the producer's finally blocks
 * }</pre>
 *
 * <h2>asyncio's async-generator rules</h2>
 * <ul>
 * <li>The producer runs only when the consumer asks: nothing runs before the first
 *     {@code hasNext()}, and each {@code hasNext()} runs the body to its next
 *     {@link Yield#yield yield} (or its end), where it stays suspended.</li>
 * <li>An exception thrown by the body reaches the consumer at that {@code hasNext()} (or
 *     {@link #anext()}); the generator is then finished.</li>
 * <li>A consumer that stops early closes the generator with try-with-resources (or
 *     {@link #close()}): {@link GeneratorExit} is thrown into the body at its
 *     {@code yield}, and its {@code finally} blocks run (they may suspend) before
 *     {@code close()} returns. Python's {@code aclose()} / {@code contextlib.aclosing}.</li>
 * <li>A generator left suspended is closed anyway: when its handle is garbage-collected
 *     (in a new task, as asyncio's finalizer hook), and when {@link Asyncio#run} or
 *     {@link Runner#close()} shuts the loop down (asyncio's {@code shutdown_asyncgens});
 *     a failure there goes to the loop's exception handler.</li>
 * <li>If the consumer is cancelled while the body runs for it, the cancellation is passed
 *     into the body (its finally blocks run) before the consumer's {@link CancelledError}
 *     propagates, and the generator is finished. If the body had already yielded, the
 *     value is kept for the next {@code hasNext()}: nothing is lost.</li>
 * </ul>
 *
 * <h2>Async iteration in jasyncio</h2>
 * Every "async for" in jasyncio reads the same way: an {@link Iterable} whose iterator's
 * {@code hasNext()} (or {@code next()}) suspends the calling task, iterated with a plain
 * for-each inside a task; {@link Asyncio#asCompleted} is one. Because {@link Iterator}
 * methods cannot throw checked exceptions, a checked exception from the body reaches a
 * for-each wrapped in {@link CompletionException} (as {@code CompletableFuture.join()}
 * does); unchecked exceptions and errors arrive as they are, and {@link #anext()} throws
 * the body's exception unwrapped.
 *
 * <h2>How it runs</h2>
 * The body runs in a task of its own on the consumer's loop, in lockstep with the consumer
 * (never both at once) and in the consumer's context, so context variables read and set in
 * the body are the consumer's, as in Python. That task is internal: it is not listed by
 * {@link Asyncio#allTasks()}, but {@link Asyncio#currentTask()} inside the body returns it
 * rather than the consumer's task.
 *
 * <p>Loop-affine: the generator binds to the loop of the first task that iterates it;
 * iterate and close it from tasks of that loop, one task at a time (a second task calling
 * {@code hasNext()} while one is waiting gets {@link IllegalStateException}, asyncio's
 * "already running").
 *
 * @param <T> the type of the values
 * @since 0.1
 */
public final class AsyncGenerator<T> implements Iterable<T>, AutoCloseable {
    /**
     * The body of an async generator: code that calls {@code out.yield(value)} for each
     * value and may suspend anywhere (await futures, sleep, take locks).
     *
     * @param <T> the type of the values
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs the generator's body; returning ends the generator.
         *
         * @param out hands each value to the consumer
         * @throws Exception anything, which reaches the consumer
         */
        void run(Yield<T> out) throws Exception;
    }

    /**
     * The body's {@code yield}: hands a value to the consumer and suspends the body until
     * the consumer asks for the next one.
     *
     * @param <T> the type of the values
     */
    public static final class Yield<T> {
        private final AsyncGenState<T> state;

        Yield(AsyncGenState<T> state) {
            this.state = state;
        }

        /**
         * Hands {@code value} to the consumer and suspends until it asks for the next value;
         * Python's {@code yield value} in an async generator.
         *
         * <h4>Cancellation</h4>
         * If the generator is closed while suspended here, {@link GeneratorExit} is thrown;
         * if the consumer is cancelled, nothing happens here (the value was delivered).
         *
         * @param value the value; may be {@code null}
         * @throws GeneratorExit if the generator is being closed; let it propagate
         * @throws CancelledError if the generator's task is cancelled (the loop shuts down)
         * @throws IllegalStateException if called by anything but the generator's own body
         */
        public void yield(T value) {
            state.yield(value);
        }
    }

    private final AsyncGenState<T> state;

    private AsyncGenerator(String name, Body<T> body) {
        this.state = new AsyncGenState<>(name, Objects.requireNonNull(body, "body"));
    }

    /**
     * Creates a generator from its body. Nothing runs until the first {@code hasNext()}.
     *
     * @param <T> the type of the values
     * @param body the producer; not {@code null}
     * @return a new generator
     * @throws NullPointerException if {@code body} is {@code null}
     */
    public static <T> AsyncGenerator<T> of(Body<T> body) {
        return new AsyncGenerator<>(null, body);
    }

    /**
     * Creates a named generator; the name appears in {@link #toString()} and on the body's
     * task.
     *
     * @param <T> the type of the values
     * @param name the name, or {@code null} for {@code AsyncGenerator-N}
     * @param body the producer; not {@code null}
     * @return a new generator
     * @throws NullPointerException if {@code body} is {@code null}
     */
    public static <T> AsyncGenerator<T> of(String name, Body<T> body) {
        return new AsyncGenerator<>(name, body);
    }

    /**
     * Returns an iterator over the values still to come: a for-each over a generator is
     * {@code async for}. Every iterator of a generator continues where the previous one
     * stopped, as in Python.
     *
     * <p>The iterator's {@code hasNext()} suspends the calling task until the body yields
     * or ends; it throws what the body threw (checked exceptions wrapped in
     * {@link CompletionException}), {@link CancelledError} if the calling task is
     * cancelled, and {@link IllegalStateException} outside a task, from another loop, or
     * while another task iterates the generator. {@code next()} returns the value.
     *
     * @return an iterator
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return AsyncGenerator.this.hasNext();
            }

            @Override
            public T next() {
                if (!AsyncGenerator.this.hasNext()) {
                    throw new NoSuchElementException("the async generator is exhausted: " + state);
                }
                return state.takeBuffered();
            }
        };
    }

    private boolean hasNext() {
        if (state.fetch(this, "AsyncGenerator.hasNext()")) {
            return true;
        }
        Throwable f = state.takeFailure();
        if (f == null) {
            return false;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new CompletionException(f);
    }

    /**
     * Returns the next value, suspending the calling task until the body yields it;
     * Python's {@code await anext(gen)}. Unlike the iterator, throws the body's exception
     * unwrapped.
     *
     * <h4>Cancellation</h4>
     * If the calling task is cancelled while the body runs, the cancellation is passed into
     * the body (which then usually ends); a value the body had already yielded is kept for
     * the next call.
     *
     * @return the next value
     * @throws NoSuchElementException if the generator is exhausted or closed (Python's
     *         {@code StopAsyncIteration})
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task, from another loop, or while
     *         another task iterates the generator
     * @throws Exception whatever the body threw
     */
    public T anext() throws Exception {
        if (state.fetch(this, "AsyncGenerator.anext()")) {
            return state.takeBuffered();
        }
        Throwable f = state.takeFailure();
        if (f != null) {
            throw Throwables.asException(f);
        }
        throw new NoSuchElementException("the async generator is exhausted: " + state);
    }

    /**
     * Closes the generator, waiting until its body has finished; Python's {@code aclose()}.
     * If the body is suspended at a {@code yield}, {@link GeneratorExit} is thrown there and
     * its {@code finally} blocks run (they may suspend). Closing a generator that never
     * started, or is already finished, only marks it closed. Afterwards iteration ends at once.
     *
     * <h4>Cancellation</h4>
     * If the calling task is cancelled while waiting, the body goes on closing on its own.
     *
     * @throws IllegalStateException if the body yielded again instead of finishing (asyncio's
     *         "async generator ignored GeneratorExit"; it stays suspended and a later close
     *         tries again), if called outside a task or from another loop, or while another
     *         task iterates the generator
     * @throws CompletionException wrapping a checked exception the body threw while closing;
     *         unchecked ones are thrown as they are
     * @throws CancelledError if the calling task is cancelled while waiting
     */
    @Override
    public void close() {
        state.close("AsyncGenerator.close()");
        Throwable f = state.takeFailure();
        if (f == null) {
            return;
        }
        if (f instanceof RuntimeException e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new CompletionException(f);
    }

    /**
     * Tells whether the generator is finished: its body returned, failed or was closed (or
     * it was closed before it started).
     *
     * @return {@code true} once no value can come any more
     */
    public boolean isClosed() {
        return state.finished;
    }

    /**
     * Returns the generator's name and state: {@code created}, {@code suspended},
     * {@code running}, {@code closing} or {@code closed}.
     */
    @Override
    public String toString() {
        return state.toString();
    }
}
