package org.jasyncio;

import java.io.Serial;

/**
 * Thrown inside the body of an {@link AsyncGenerator}, at the {@code yield} where it is
 * suspended, when the generator is closed ({@link AsyncGenerator#close()}, the consumer's
 * try-with-resources, garbage collection, or the end of {@link Asyncio#run}); Python's
 * {@code GeneratorExit}.
 *
 * <p>The body's {@code finally} blocks run (and may suspend) while it propagates; the body
 * should let it propagate. Catching it and yielding again is a bug that
 * {@code close()} reports ("async generator ignored GeneratorExit").
 *
 * <p>It extends {@link Error}, as Python's extends {@code BaseException}: closing a
 * generator is not a failure, and a {@code catch (Exception e)} in the body must not
 * swallow it.
 *
 * @since 0.1
 */
public class GeneratorExit extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates the signal. */
    public GeneratorExit() {
        super("generator closed");
    }
}
