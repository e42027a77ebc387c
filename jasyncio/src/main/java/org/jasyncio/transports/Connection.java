package org.jasyncio.transports;

import java.util.Objects;

/**
 * What {@link org.jasyncio.EventLoop#createConnection createConnection} returns: the
 * transport and the protocol made for it; asyncio's {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type
 * @param transport the connection's transport
 * @param protocol the protocol the factory made
 * @since 0.1
 */
public record Connection<P extends BaseProtocol>(Transport transport, P protocol) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public Connection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
