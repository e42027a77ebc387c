package org.jasyncio.streams;

import java.io.EOFException;
import java.util.OptionalInt;

/**
 * Thrown by {@link StreamReader#readExactly} and {@link StreamReader#readUntil} when the
 * stream ends before the requested bytes or separator arrived; asyncio's
 * {@code asyncio.IncompleteReadError}. It extends {@link EOFException}, as asyncio's extends
 * {@code EOFError}: it is an end of stream, and carries what was read before it.
 *
 * @since 0.1
 */
public final class IncompleteReadError extends EOFException {
    private static final long serialVersionUID = 1L;

    /**
     * The bytes read before the end of the stream. Serialized (not transient), as asyncio's
     * survives pickling.
     */
    private final byte[] partial;
    /** The number of bytes wanted, or -1 when unknown. */
    private final int expected;

    /**
     * Makes the error.
     *
     * @param partial the bytes read before the end of the stream; not {@code null}
     * @param expected how many bytes were wanted, or -1 when unknown (a separator was
     *        searched)
     */
    public IncompleteReadError(byte[] partial, int expected) {
        super(partial.length + " bytes read on a total of " + (expected < 0 ? "undefined" : Integer.toString(expected))
                + " expected bytes");
        this.partial = partial.clone();
        this.expected = expected;
    }

    /**
     * Returns the bytes read before the stream ended; asyncio's {@code partial}. The reader
     * no longer holds them.
     *
     * @return a copy of the partial data
     */
    public byte[] partial() {
        return partial.clone();
    }

    /**
     * Returns how many bytes were wanted; asyncio's {@code expected}.
     *
     * @return the count, or empty for {@link StreamReader#readUntil} (asyncio's {@code None})
     */
    public OptionalInt expected() {
        return expected < 0 ? OptionalInt.empty() : OptionalInt.of(expected);
    }
}
