package org.jasyncio.internal;

import java.util.function.Function;

import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BufferedProtocol;

/**
 * The buffered view of a stream protocol, for a transport that holds received bytes in a
 * buffer of its own (TLS holds the plaintext it decrypted).
 *
 * <p>A {@code StreamReaderProtocol} is an asyncio {@code Protocol}: a socket transport reads into
 * the loop's direct buffer and hands it one array of exactly the bytes read, which its reader
 * adopts without a copy. That is the cheapest way for a plain socket. A TLS transport instead
 * already has the plaintext in a buffer; through this view it copies it straight into the
 * reader's own buffer ({@code getBuffer}/{@code bufferUpdated}), with no array per record and
 * no regrowth while a message arrives record by record. The streams package registers the
 * view when its protocol class is initialised, which is before any instance exists.
 */
public final class ReceiveViews {
    private static volatile Function<BaseProtocol, BufferedProtocol> views = p -> null;

    private ReceiveViews() {}

    /**
     * Installs the function that finds a protocol's buffered view; called once by the streams
     * package.
     *
     * @param f returns the view, or {@code null} for a protocol that has none
     */
    public static void register(Function<BaseProtocol, BufferedProtocol> f) {
        views = f;
    }

    /**
     * The buffered view of {@code p}, or {@code null}.
     *
     * @param p an application protocol
     * @return its view, or {@code null} when it has none
     */
    public static BufferedProtocol of(BaseProtocol p) {
        return views.apply(p);
    }
}
