package org.jasyncio.internal.net;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import java.util.function.Supplier;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramOptions;
import org.jasyncio.transports.DatagramProtocol;

/** asyncio's {@code create_datagram_endpoint}. */
public final class DatagramEndpoints {
    private DatagramEndpoints() {}

    /**
     * asyncio's {@code create_datagram_endpoint(protocol_factory, local_addr, remote_addr, ...)}.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param local the address to bind, or null
     * @param remote the address to connect to, or null
     * @param options the options
     * @return the transport and the protocol
     * @throws IOException if binding or connecting fails
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> create(IoLoop io, Supplier<? extends P> factory,
            InetSocketAddress local, InetSocketAddress remote, DatagramOptions options) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        if (local == null && remote == null) {
            throw new IllegalArgumentException("a local address, a remote address, or both are needed");
        }
        EventLoop loop = io.eventLoop();
        if (local != null) {
            local = SockOps.resolve(loop, local);
        }
        if (remote != null) {
            remote = SockOps.resolve(loop, remote);
        }
        if (local != null && remote != null
                && (local.getAddress() instanceof Inet6Address) != (remote.getAddress() instanceof Inet6Address)) {
            // one socket cannot bind to one family and connect to the other; asyncio finds no
            // address pair of one family and raises ValueError('can not get address information')
            throw new IllegalArgumentException("can not get address information: the local address " + local
                    + " and the remote address " + remote + " are of different address families");
        }
        InetSocketAddress model = local != null ? local : remote;
        DatagramChannel ch = DatagramChannel.open(model.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        P protocol;
        DatagramSocketTransport transport;
        Future<Void> waiter = loop.createFuture();
        try {
            ch.configureBlocking(false);
            if (options.reusePort()) {
                if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform");
                }
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (options.allowBroadcast()) {
                ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            if (local != null) {
                try {
                    ch.bind(local);
                } catch (BindException e) {
                    // Name the address, as asyncio's "error while attempting to bind on address".
                    BindException b = new BindException("error while attempting to bind on address " + local + ": "
                            + e.getMessage());
                    b.initCause(e);
                    throw b;
                }
            }
            if (remote != null && !options.allowBroadcast()) {
                // asyncio does not connect a broadcast socket: replies may come from any host
                ch.connect(remote);
            }
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            transport = new DatagramSocketTransport(io, ch, protocol, remote, waiter);
        } catch (Throwable t) {
            Connector.closeQuietly(ch);
            throw t;
        }
        try {
            SockOps.awaitIo(waiter);
        } catch (Throwable t) {
            transport.close();
            throw t;
        }
        return new DatagramEndpoint<>(transport, protocol);
    }
}
