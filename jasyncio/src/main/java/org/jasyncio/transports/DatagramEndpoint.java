package org.jasyncio.transports;

import java.util.Objects;

/**
 * What {@link org.jasyncio.EventLoop#createDatagramEndpoint createDatagramEndpoint}
 * returns: the transport and the protocol made for it; asyncio's
 * {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type
 * @param transport the endpoint's transport
 * @param protocol the protocol the factory made
 * @since 0.1
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public DatagramEndpoint {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
