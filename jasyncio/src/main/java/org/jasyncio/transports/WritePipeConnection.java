package org.jasyncio.transports;

import java.util.Objects;

/**
 * What {@link org.jasyncio.EventLoop#connectWritePipe connectWritePipe} returns: the transport
 * writing the pipe and the protocol made for it; asyncio's {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type
 * @param transport the pipe's transport
 * @param protocol the protocol the factory made
 * @since 0.1
 */
public record WritePipeConnection<P extends BaseProtocol>(WriteTransport transport, P protocol) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public WritePipeConnection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
