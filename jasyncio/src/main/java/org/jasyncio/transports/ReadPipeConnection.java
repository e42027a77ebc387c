package org.jasyncio.transports;

import java.util.Objects;

/**
 * What {@link org.jasyncio.EventLoop#connectReadPipe connectReadPipe} returns: the transport
 * reading the pipe and the protocol made for it; asyncio's {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type
 * @param transport the pipe's transport
 * @param protocol the protocol the factory made
 * @since 0.1
 */
public record ReadPipeConnection<P extends Protocol>(ReadTransport transport, P protocol) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public ReadPipeConnection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
