package org.jasyncio.transports;

/**
 * A stream protocol that receives data as byte arrays; asyncio's {@code asyncio.Protocol}.
 *
 * <pre>{@code
 * final class Echo implements Protocol {
 *     private Transport transport;
 *
 *     public void connectionMade(BaseTransport t) { transport = (Transport) t; }
 *
 *     public void dataReceived(byte[] data) { transport.write(data); }
 * }
 *
 * Server server = loop.createServer(Echo::new, "127.0.0.1", 8888);
 * }</pre>
 *
 * <p>Callbacks run on the loop thread; see {@link BaseProtocol} for the order of calls and
 * what happens when one throws.
 *
 * @since 0.1
 */
public interface Protocol extends BaseProtocol {
    /**
     * Called with bytes received; asyncio's {@code data_received(data)}. Message
     * boundaries are not kept: one write by the peer may arrive in several calls and several
     * writes in one.
     *
     * @param data the bytes, never empty; the array is the protocol's to keep
     */
    default void dataReceived(byte[] data) {}

    /**
     * Called when the peer closed its sending side (end of file); asyncio's
     * {@code eof_received()}.
     *
     * @return {@code false} to let the transport close itself (the default); {@code true}
     *         to keep it open, for example to finish writing a reply (the transport stops
     *         reading either way). Over TLS the transport closes whatever is returned.
     */
    default boolean eofReceived() {
        return false;
    }
}
