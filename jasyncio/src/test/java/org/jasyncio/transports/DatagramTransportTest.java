package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.junit.jupiter.api.Test;

/** UDP endpoints (CPython test_events.test_create_datagram_endpoint*, test_selector_events datagram tests). */
class DatagramTransportTest {

    /** Records datagrams and errors; answers "echo:" + data when asked to. */
    static final class Udp implements DatagramProtocol {
        final List<String> received = new ArrayList<>();
        final List<Exception> errors = new ArrayList<>();
        final Future<String> next;
        final Future<Exception> lost;
        final EventLoop loop = Asyncio.getRunningLoop();
        DatagramTransport transport;
        boolean echo;
        Future<Exception> error;

        Udp() {
            next = loop.createFuture();
            lost = loop.createFuture();
            error = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (DatagramTransport) t;
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress from) {
            received.add(new String(data));
            next.trySetResult(new String(data));
            if (echo) {
                transport.sendto(("echo:" + new String(data)).getBytes(), from);
            }
        }

        @Override
        public void errorReceived(Exception exc) {
            errors.add(exc);
            error.trySetResult(exc);
        }

        @Override
        public void connectionLost(Exception exc) {
            lost.trySetResult(exc);
        }
    }

    @Test
    void echoBetweenTwoEndpoints() throws Exception {
        // test_events.test_create_datagram_endpoint
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<Udp> server = loop.createDatagramEndpoint(Udp::new,
                    new InetSocketAddress("127.0.0.1", 0), null);
            server.protocol().echo = true;
            InetSocketAddress addr = (InetSocketAddress) server.transport().getExtraInfo("sockname");
            DatagramEndpoint<Udp> client = loop.createDatagramEndpoint(Udp::new, null, addr);
            assertEquals(addr, client.transport().getExtraInfo("peername"));
            client.transport().sendto("hello".getBytes());
            assertEquals("echo:hello", Asyncio.waitFor(client.protocol().next, 10));
            assertEquals(List.of("hello"), server.protocol().received);
            assertEquals(0, client.transport().getWriteBufferSize());
            client.transport().close();
            assertNull(Asyncio.waitFor(client.protocol().lost, 10));
            server.transport().close();
            assertNull(Asyncio.waitFor(server.protocol().lost, 10));
            assertTrue(server.transport().isClosing());
        });
    }

    @Test
    void addressesAreChecked() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertThrows(IllegalArgumentException.class, () -> loop.createDatagramEndpoint(Udp::new, (InetSocketAddress) null, null));
            DatagramEndpoint<Udp> server = loop.createDatagramEndpoint(Udp::new,
                    new InetSocketAddress("127.0.0.1", 0), null);
            InetSocketAddress addr = (InetSocketAddress) server.transport().getExtraInfo("sockname");
            assertThrows(IllegalArgumentException.class, () -> server.transport().sendto("x".getBytes()),
                    "an unconnected endpoint needs a destination");
            DatagramEndpoint<Udp> client = loop.createDatagramEndpoint(Udp::new, null, addr);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.transport().sendto("x".getBytes(), new InetSocketAddress("127.0.0.1", 9)));
            assertTrue(e.getMessage().startsWith("Invalid address"), e.getMessage());
            client.transport().sendto("to the remote".getBytes(), addr); // the remote address itself is fine
            assertEquals("to the remote", Asyncio.waitFor(server.protocol().next, 10));
            client.transport().close();
            client.transport().sendto("x".getBytes()); // dropped, as in asyncio
            server.transport().abort();
        });
    }

    @Test
    void portUnreachableGoesToErrorReceived() throws Exception {
        // test_events.test_create_datagram_endpoint_sock + error_received on a connected socket
        int deadPort;
        try (DatagramChannel d = DatagramChannel.open()) {
            d.bind(new InetSocketAddress("127.0.0.1", 0));
            deadPort = ((InetSocketAddress) d.getLocalAddress()).getPort();
        }
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<Udp> c = loop.createDatagramEndpoint(Udp::new, null,
                    new InetSocketAddress("127.0.0.1", deadPort));
            c.transport().sendto("anyone?".getBytes());
            Exception e = Asyncio.waitFor(c.protocol().error, 10);
            assertInstanceOf(PortUnreachableException.class, e);
            assertFalse(c.transport().isClosing(), "an ICMP error does not close the endpoint");
            c.transport().close();
        });
    }

    @Test
    void broadcastAndReusePortOptions() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramOptions o = DatagramOptions.defaults().withAllowBroadcast(true).withReusePort(true);
            DatagramEndpoint<Udp> a = loop.createDatagramEndpoint(Udp::new, new InetSocketAddress("127.0.0.1", 0), null, o);
            DatagramChannel ch = (DatagramChannel) a.transport().getExtraInfo("socket");
            assertTrue(ch.getOption(StandardSocketOptions.SO_BROADCAST));
            assertTrue(ch.getOption(StandardSocketOptions.SO_REUSEPORT));
            InetSocketAddress addr = (InetSocketAddress) a.transport().getExtraInfo("sockname");
            DatagramEndpoint<Udp> b = loop.createDatagramEndpoint(Udp::new, addr, null, o);
            b.transport().close();
            a.transport().close();
        });
    }

    @Test
    void manyDatagramsArriveIntact() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<Udp> server = loop.createDatagramEndpoint(Udp::new,
                    new InetSocketAddress("127.0.0.1", 0), null);
            InetSocketAddress addr = (InetSocketAddress) server.transport().getExtraInfo("sockname");
            DatagramEndpoint<Udp> client = loop.createDatagramEndpoint(Udp::new, null, addr);
            for (int i = 0; i < 200; i++) {
                client.transport().sendto(("d" + i).getBytes());
                if (i % 50 == 49) {
                    Asyncio.sleep(0.01);
                }
            }
            for (int i = 0; i < 100 && server.protocol().received.size() < 200; i++) {
                Asyncio.sleep(0.01);
            }
            assertEquals(200, server.protocol().received.size(), "loopback UDP drops nothing at this rate");
            assertEquals("d0", server.protocol().received.get(0));
            assertEquals("d199", server.protocol().received.get(199));
            client.transport().close();
            server.transport().close();
        });
    }
}
