package org.jasyncio.transports;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * One datagram received by {@link org.jasyncio.EventLoop#sockRecvfrom sockRecvfrom}: its
 * payload and its sender; asyncio's {@code (data, address)} pair.
 *
 * @param data the payload (may be empty)
 * @param address the sender
 * @since 0.1
 */
public record Datagram(byte[] data, SocketAddress address) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public Datagram {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(address, "address");
    }
}
