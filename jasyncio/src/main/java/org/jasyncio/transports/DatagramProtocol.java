package org.jasyncio.transports;

import java.net.SocketAddress;

/**
 * A UDP protocol; asyncio's {@code asyncio.DatagramProtocol}. Its
 * {@link #connectionMade connectionMade} receives a {@link DatagramTransport}.
 *
 * <pre>{@code
 * final class EchoUdp implements DatagramProtocol {
 *     private DatagramTransport transport;
 *
 *     public void connectionMade(BaseTransport t) { transport = (DatagramTransport) t; }
 *
 *     public void datagramReceived(byte[] data, SocketAddress from) { transport.sendto(data, from); }
 * }
 * }</pre>
 *
 * <p>Callbacks run on the loop thread; see {@link BaseProtocol}.
 *
 * @since 0.1
 */
public interface DatagramProtocol extends BaseProtocol {
    /**
     * Called with each datagram received; asyncio's {@code datagram_received(data, addr)}.
     *
     * @param data the payload (may be empty); the array is the protocol's to keep
     * @param address the sender
     */
    default void datagramReceived(byte[] data, SocketAddress address) {}

    /**
     * Called when sending or receiving failed without closing the endpoint, for example an
     * ICMP "port unreachable" on a connected endpoint
     * ({@link java.net.PortUnreachableException}); asyncio's {@code error_received(exc)}.
     *
     * @param exc the error
     */
    default void errorReceived(Exception exc) {}
}
