package org.jasyncio.transports;

import java.util.Objects;

/**
 * What {@link org.jasyncio.EventLoop#subprocessExec subprocessExec} and
 * {@link org.jasyncio.EventLoop#subprocessShell subprocessShell} return: the transport and
 * the protocol made for the child; asyncio's {@code (transport, protocol)} pair.
 *
 * @param <P> the protocol type
 * @param transport the child's transport
 * @param protocol the protocol the factory made
 * @since 0.1
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public SubprocessConnection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }
}
