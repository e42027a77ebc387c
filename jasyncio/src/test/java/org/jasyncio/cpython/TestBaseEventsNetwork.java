package org.jasyncio.cpython;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.VoidCoroutine;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramOptions;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.NameInfo;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network tests of CPython's test_base_events.py ({@code BaseEventLoopWithSelectorTests} and
 * {@code TestSelectorUtils}): argument checks of {@code create_connection},
 * {@code create_server} and {@code create_datagram_endpoint}, and the socket options they set.
 * CPython mocks {@code socket} and {@code getaddrinfo} for most of them; here they use real
 * sockets on 127.0.0.1 (and ::1), so a failure to connect or bind is a real one.
 */
class TestBaseEventsNetwork {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    private void run(VoidCoroutine coro) throws Exception {
        loop.runUntilComplete(coro);
    }

    /** CPython's MyProto: records its state and completes {@code done} when the connection is lost. */
    static final class MyProto implements Protocol {
        String state = "INITIAL";
        final Future<Void> done;

        MyProto(EventLoop loop) {
            this.done = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            state = "CONNECTED";
        }

        @Override
        public void connectionLost(Exception exc) {
            state = "CLOSED";
            done.trySetResult(null);
        }
    }

    /** CPython's MyDatagramProto. */
    static final class MyDatagramProto implements DatagramProtocol {
        String state = "INITIAL";
        final Future<Void> done;

        MyDatagramProto(EventLoop loop) {
            this.done = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            state = "INITIALIZED";
        }

        @Override
        public void connectionLost(Exception exc) {
            state = "CLOSED";
            done.trySetResult(null);
        }
    }

    /** A TCP port on 127.0.0.1 where nobody listens. */
    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_getnameinfo
    @Test
    void testGetnameinfo() throws Exception {
        // Deviation: CPython mocks socket.getnameinfo and checks its result is passed through;
        // here the real one (run in the default executor) answers for 127.0.0.1
        run(() -> {
            NameInfo r = loop.getnameinfo(new InetSocketAddress("127.0.0.1", 123));
            assertNotNull(r.host());
            assertEquals("123", r.service());
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_connection_connect_err
    @Test
    void testCreateConnectionConnectErr() throws Exception {
        // Deviation: the all_errors=True half does not apply (createConnection has no all_errors:
        // the one IOException names every failed address)
        int port = refusedPort();
        run(() -> assertThrows(IOException.class,
                () -> loop.createConnection(() -> new MyProto(loop), "127.0.0.1", port)));
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_connection_ssl_server_hostname_errors
    @Test
    void testCreateConnectionSslServerHostnameErrors() throws Exception {
        // with TLS, the server host name may only be left out when the host is not empty (D1:
        // ValueError is IllegalArgumentException); the sock= case does not apply (no sock=)
        SSLContext ctx = SSLContext.getDefault();
        run(() -> {
            assertThrows(IllegalArgumentException.class, () -> loop.createConnection(() -> new MyProto(loop), "", 80,
                    ConnectionOptions.defaults().withSsl(ctx)));
            assertThrows(IllegalArgumentException.class, () -> loop.createConnection(() -> new MyProto(loop),
                    (String) null, 80, ConnectionOptions.defaults().withSsl(ctx)));
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_server_ipv6
    @Test
    void testCreateServerIpv6() throws Exception {
        run(() -> {
            Server srv;
            try {
                srv = loop.createServer(() -> new MyProto(loop), "::1", 0);
            } catch (IOException e) {
                // CPython skips when ::1 cannot be bound (EADDRNOTAVAIL)
                Assumptions.abort("failed to bind to ::1: " + e);
                return;
            }
            try {
                assertFalse(srv.sockets().isEmpty());
            } finally {
                srv.close();
                srv.waitClosed();
            }
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_server_empty_host
    @Test
    void testCreateServerEmptyHost() throws Exception {
        // an empty host means every interface, as None does (CPython checks getaddrinfo was
        // given None; here the server's address is the wildcard address)
        run(() -> {
            Server srv = loop.createServer(() -> new MyProto(loop), "", 0);
            try {
                assertFalse(srv.addresses().isEmpty());
                for (SocketAddress a : srv.addresses()) {
                    assertTrue(((InetSocketAddress) a).getAddress().isAnyLocalAddress(), a.toString());
                }
            } finally {
                srv.close();
                srv.waitClosed();
            }
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_server_cant_bind
    @Test
    void testCreateServerCantBind() throws Exception {
        // CPython makes bind() fail with a mock; here the port is taken by a listening socket
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            run(() -> assertThrows(BindException.class,
                    () -> loop.createServer(() -> new MyProto(loop), "127.0.0.1", port)));
        }
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_no_matching_family
    @Test
    void testCreateDatagramEndpointNoMatchingFamily() throws Exception {
        // D1: ValueError is IllegalArgumentException
        run(() -> assertThrows(IllegalArgumentException.class, () -> loop.createDatagramEndpoint(
                () -> new MyDatagramProto(loop), new InetSocketAddress("::1", 0), new InetSocketAddress("127.0.0.1", 1))));
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_noaddr_nofamily
    @Test
    void testCreateDatagramEndpointNoaddrNofamily() throws Exception {
        // D1: ValueError is IllegalArgumentException; there is no family argument
        run(() -> assertThrows(IllegalArgumentException.class,
                () -> loop.createDatagramEndpoint(() -> new MyDatagramProto(loop), (InetSocketAddress) null, null)));
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_allow_broadcast
    @Test
    void testCreateDatagramEndpointAllowBroadcast() throws Exception {
        run(() -> {
            MyDatagramProto protocol = new MyDatagramProto(loop);
            DatagramEndpoint<MyDatagramProto> ep = loop.createDatagramEndpoint(() -> protocol, null,
                    new InetSocketAddress("127.0.0.1", 1), DatagramOptions.defaults().withAllowBroadcast(true));
            DatagramChannel ch = (DatagramChannel) ep.transport().getExtraInfo("socket");
            assertFalse(ch.isConnected());
            ep.transport().close();
            protocol.done.await();
            assertEquals("CLOSED", protocol.state);
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_sockopts
    @Test
    void testCreateDatagramEndpointSockopts() throws Exception {
        // socket options are not applied unless asked for
        run(() -> {
            MyDatagramProto protocol = new MyDatagramProto(loop);
            DatagramEndpoint<MyDatagramProto> ep = loop.createDatagramEndpoint(() -> protocol,
                    new InetSocketAddress("127.0.0.1", 0), null);
            DatagramChannel sock = (DatagramChannel) ep.transport().getExtraInfo("socket");
            boolean reuseportSupported = sock.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
            if (reuseportSupported) {
                assertFalse(sock.getOption(StandardSocketOptions.SO_REUSEPORT));
            }
            assertFalse(sock.getOption(StandardSocketOptions.SO_BROADCAST));
            ep.transport().close();
            protocol.done.await();
            assertEquals("CLOSED", protocol.state);

            MyDatagramProto protocol2 = new MyDatagramProto(loop);
            DatagramEndpoint<MyDatagramProto> ep2 = loop.createDatagramEndpoint(() -> protocol2,
                    new InetSocketAddress("127.0.0.1", 0), null,
                    DatagramOptions.defaults().withReusePort(reuseportSupported).withAllowBroadcast(true));
            sock = (DatagramChannel) ep2.transport().getExtraInfo("socket");
            if (reuseportSupported) {
                assertTrue(sock.getOption(StandardSocketOptions.SO_REUSEPORT));
            }
            assertTrue(sock.getOption(StandardSocketOptions.SO_BROADCAST));
            ep2.transport().close();
            protocol2.done.await();
            assertEquals("CLOSED", protocol2.state);
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_cant_bind
    @Test
    void testCreateDatagramEndpointCantBind() throws Exception {
        // CPython makes bind() fail with a mock; here the UDP port is taken
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress addr = (InetSocketAddress) taken.getLocalAddress();
            run(() -> assertThrows(BindException.class,
                    () -> loop.createDatagramEndpoint(() -> new MyDatagramProto(loop), addr, null)));
        }
    }

    // CPython: test_base_events.py::TestSelectorUtils::test_set_nodelay
    @Test
    void testSetNodelay() throws Exception {
        // Deviation: _set_nodelay is private; the TCP transports it is for must have TCP_NODELAY on
        run(() -> {
            Server srv = loop.createServer(() -> new MyProto(loop), "127.0.0.1", 0);
            try {
                int port = ((InetSocketAddress) srv.addresses().get(0)).getPort();
                MyProto proto = new MyProto(loop);
                Connection<MyProto> c = loop.createConnection(() -> proto, "127.0.0.1", port);
                SocketChannel sock = (SocketChannel) c.transport().getExtraInfo("socket");
                assertTrue(sock.getOption(StandardSocketOptions.TCP_NODELAY));
                c.transport().close();
                proto.done.await();
            } finally {
                srv.close();
                srv.waitClosed();
            }
        });
    }
}
