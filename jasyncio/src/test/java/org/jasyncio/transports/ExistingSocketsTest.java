package org.jasyncio.transports;

import static org.jasyncio.transports.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * asyncio's {@code sock=} (channels the caller made) and {@code connect_accepted_socket}, over
 * real sockets on 127.0.0.1 and Unix sockets.
 */
class ExistingSocketsTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        TestCerts certs = TestCerts.get();
        serverCtx = certs.serverContext();
        clientCtx = certs.clientContext();
    }

    private static final InetSocketAddress ANY_LOCAL = new InetSocketAddress("127.0.0.1", 0);

    /** A connected blocking channel, connected off the loop. */
    private static SocketChannel connectedChannel(int port) throws Exception {
        return Asyncio.toThread(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
    }

    @Test
    void connectionOverAConnectedChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0)) {
                SocketChannel ch = connectedChannel(port(s));
                assertTrue(ch.isBlocking());
                Connection<Recorder> c = loop.createConnection(Recorder::new, ch, ConnectionOptions.defaults());
                assertEquals(List.of("made"), c.protocol().events);
                assertFalse(ch.isBlocking(), "set non-blocking, as asyncio's sock.setblocking(False)");
                assertTrue(ch.getOption(StandardSocketOptions.TCP_NODELAY));
                assertEquals(ch.getRemoteAddress(), c.transport().getExtraInfo("peername"));
                assertSame(ch, c.transport().getExtraInfo("socket"));
                c.transport().write("over sock=".getBytes());
                assertEquals("over sock=", new String(c.protocol().awaitBytes(10)));
                c.transport().close();
                assertNull(c.protocol().awaitLost());
                assertFalse(ch.isOpen(), "the transport owns the channel");
            }
        });
    }

    @Test
    void channelsThatCannotServeAreRefusedAndLeftOpen() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0);
                    SocketChannel unconnected = SocketChannel.open();
                    SocketChannel ch = connectedChannel(port(s))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createConnection(Recorder::new, unconnected, ConnectionOptions.defaults()));
                assertTrue(e.getMessage().contains("must be connected"), e.getMessage());
                assertTrue(unconnected.isOpen());
                e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(Recorder::new, ch,
                        ConnectionOptions.defaults().withLocalAddress(ANY_LOCAL)));
                assertTrue(e.getMessage().contains("localAddress and sock"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(Recorder::new, ch,
                        ConnectionOptions.defaults().withHappyEyeballsDelay(0.25)));
                assertTrue(e.getMessage().contains("happyEyeballsDelay"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> loop.createConnection(Recorder::new, ch,
                        ConnectionOptions.defaults().withSsl(clientCtx)));
                assertTrue(e.getMessage().contains("serverHostname"), e.getMessage());
                // as CPython's test_create_unix_connection_path_inetsock (ported in cpython.TestEventsSock)
                e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createUnixConnection(Recorder::new, ch, ConnectionOptions.defaults()));
                assertTrue(e.getMessage().matches("A UNIX Domain Stream.*was expected.*"), e.getMessage());
                assertTrue(ch.isOpen() && ch.isBlocking(), "a refused channel is left as it was");
                // and it still works
                Connection<Recorder> c = loop.createConnection(Recorder::new, ch, ConnectionOptions.defaults());
                c.transport().close();
                c.protocol().awaitLost();
                SocketChannel closed = SocketChannel.open();
                closed.close();
                e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createConnection(Recorder::new, closed, ConnectionOptions.defaults()));
                assertTrue(e.getMessage().contains("closed"), e.getMessage());
            }
        });
    }

    @Test
    void tlsOverAConnectedChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0,
                    ServerOptions.defaults().withSsl(serverCtx))) {
                SocketChannel ch = connectedChannel(port(s));
                Connection<Recorder> c = loop.createConnection(Recorder::new, ch, ConnectionOptions.defaults()
                        .withTls(TlsOptions.of(clientCtx).withServerHostname("localhost")));
                assertNotNull(c.transport().getExtraInfo("peercert"), "the handshake ran, certificate checked");
                c.transport().write("secret".getBytes());
                assertEquals("secret", new String(c.protocol().awaitBytes(6)));
                c.transport().close();
                c.protocol().awaitLost();
                assertFalse(ch.isOpen());
            }
        });
    }

    // as CPython's test_create_server_sock (ported in cpython.TestEventsSock)
    @Test
    void serverOverABoundChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOCAL);
            List<Recorder> accepted = new ArrayList<>();
            Server s = loop.createServer(Recorder.into(accepted), ssc, ServerOptions.defaults());
            assertSame(ssc, s.sockets().get(0), "the server uses that very channel");
            assertEquals(ssc.getLocalAddress(), s.addresses().get(0));
            assertTrue(s.isServing());
            int port = ((InetSocketAddress) ssc.getLocalAddress()).getPort();
            Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port);
            c.transport().write("xxx".getBytes());
            while (accepted.isEmpty()) {
                Asyncio.sleep(0.01); // the server side's protocol is made when the loop accepts
            }
            assertEquals("xxx", new String(accepted.get(0).awaitBytes(3)));
            c.transport().close();
            s.close();
            assertFalse(ssc.isOpen(), "the server owns the channel");
            assertThrows(ConnectException.class, () -> loop.createConnection(Recorder::new, "127.0.0.1", port));
            s.waitClosed();
        });
    }

    // as CPython's test_create_unix_server_path_inetsock (ported in cpython.TestEventsSock)
    @Test
    void serverChannelsThatCannotServeAreRefusedAndLeftOpen() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel unbound = ServerSocketChannel.open();
                    ServerSocketChannel bound = ServerSocketChannel.open().bind(ANY_LOCAL)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createServer(Recorder::new, unbound, ServerOptions.defaults()));
                assertTrue(e.getMessage().contains("must be bound"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createUnixServer(Recorder::new, unbound, ServerOptions.defaults()));
                assertTrue(e.getMessage().matches("A UNIX Domain Stream.*was expected.*"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createUnixServer(Recorder::new, bound, ServerOptions.defaults()));
                assertTrue(e.getMessage().matches("A UNIX Domain Stream.*was expected.*"), e.getMessage());
                assertTrue(unbound.isOpen() && bound.isOpen() && bound.isBlocking());
            }
        });
    }

    @Test
    void unixServerAndConnectionOverChannels() throws Exception {
        Path dir = Files.createTempDirectory("jasyncio-sock");
        Path path = dir.resolve("s.sock");
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                ServerSocketChannel ssc = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        .bind(UnixDomainSocketAddress.of(path));
                Server s = loop.createUnixServer(SocketTransportTest.Echo::new, ssc, ServerOptions.defaults());
                SocketChannel ch = Asyncio.toThread(() -> SocketChannel.open(UnixDomainSocketAddress.of(path)));
                Connection<Recorder> c = loop.createUnixConnection(Recorder::new, ch, ConnectionOptions.defaults());
                c.transport().write("unix".getBytes());
                assertEquals("unix", new String(c.protocol().awaitBytes(4)));
                c.transport().close();
                c.protocol().awaitLost();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createUnixConnection(Recorder::new, path,
                                ConnectionOptions.defaults().withHappyEyeballsDelay(0.25)));
                assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
                s.close();
                s.waitClosed();
                assertFalse(ssc.isOpen());
                assertFalse(Files.exists(path), "the socket file is removed at close, as cleanup_socket");
            });
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    // as CPython's test_create_datagram_endpoint_sock (ported in cpython.TestEventsSock)
    @Test
    void datagramEndpointOverABoundChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramChannel dc = DatagramChannel.open().bind(ANY_LOCAL);
            DatagramEndpoint<DatagramTransportTest.Udp> e = loop.createDatagramEndpoint(DatagramTransportTest.Udp::new,
                    dc, DatagramOptions.defaults());
            assertFalse(dc.isBlocking());
            DatagramEndpoint<DatagramTransportTest.Udp> peer = loop.createDatagramEndpoint(
                    DatagramTransportTest.Udp::new, null, (InetSocketAddress) dc.getLocalAddress());
            peer.transport().sendto("ping".getBytes());
            assertEquals("ping", Asyncio.waitFor(e.protocol().next, 10));
            e.transport().close();
            assertNull(Asyncio.waitFor(e.protocol().lost, 10));
            assertFalse(dc.isOpen());
            peer.transport().close();
        });
    }

    @Test
    void datagramEndpointOverAConnectedChannelKeepsItsPeer() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<DatagramTransportTest.Udp> peer = loop.createDatagramEndpoint(
                    DatagramTransportTest.Udp::new, ANY_LOCAL, null);
            InetSocketAddress peerAddr = (InetSocketAddress) peer.transport().getExtraInfo("sockname");
            DatagramChannel dc = DatagramChannel.open().bind(ANY_LOCAL).connect(peerAddr);
            DatagramEndpoint<DatagramTransportTest.Udp> e = loop.createDatagramEndpoint(DatagramTransportTest.Udp::new,
                    dc, DatagramOptions.defaults());
            assertEquals(peerAddr, e.transport().getExtraInfo("peername"));
            e.transport().sendto("to the peer".getBytes());
            assertEquals("to the peer", Asyncio.waitFor(peer.protocol().next, 10));
            e.transport().close();
            peer.transport().close();
        });
    }

    // as CPython's test_create_datagram_endpoint_sock_sockopts (ported in cpython.TestEventsSock)
    @Test
    void datagramSocketModifiersAreRefusedWithAChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (DatagramChannel dc = DatagramChannel.open()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.createDatagramEndpoint(DatagramTransportTest.Udp::new, dc,
                                DatagramOptions.defaults().withAllowBroadcast(true)));
                assertTrue(e.getMessage().contains("allowBroadcast=true"), e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> loop.createDatagramEndpoint(DatagramTransportTest.Udp::new, dc,
                                DatagramOptions.defaults().withReusePort(true)));
                assertTrue(dc.isOpen() && dc.isBlocking());
            }
        });
    }

    // as CPython's test_connect_accepted_socket (ported in cpython.TestEventsSock)
    @Test
    void connectAcceptedSocket() throws Exception {
        acceptedSocketRoundTrip(false);
    }

    // as CPython's test_ssl_connect_accepted_socket (ported in cpython.TestEventsSock)
    @Test
    void sslConnectAcceptedSocket() throws Exception {
        acceptedSocketRoundTrip(true);
    }

    /** CPython's test: a blocking client thread sends, the accepted side answers "roger". */
    private static void acceptedSocketRoundTrip(boolean tls) throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel lsock = ServerSocketChannel.open().bind(ANY_LOCAL, 1)) {
                InetSocketAddress addr = (InetSocketAddress) lsock.getLocalAddress();
                Task<String> client = loop.createTask(() -> Asyncio.toThread(() -> {
                    try (Socket cs = tls ? clientCtx.getSocketFactory().createSocket("localhost", addr.getPort())
                            : new Socket("127.0.0.1", addr.getPort())) {
                        cs.getOutputStream().write("test data".getBytes());
                        byte[] buf = new byte[99];
                        int n = cs.getInputStream().read(buf);
                        return new String(buf, 0, n);
                    }
                }));
                SocketChannel conn = Asyncio.toThread(lsock::accept);
                Connection<Recorder> c = loop.connectAcceptedSocket(() -> new Recorder() {
                    @Override
                    public void dataReceived(byte[] data) {
                        super.dataReceived(data);
                        transport.write("roger".getBytes());
                    }
                }, conn, tls ? TlsOptions.of(serverCtx) : null);
                assertEquals(tls, c.transport().getExtraInfo("ssl_object") != null);
                assertEquals("roger", Asyncio.waitFor(client, 10));
                assertEquals("test data", new String(c.protocol().awaitBytes(9)));
                c.protocol().awaitLost();
                assertEquals("CLOSED", c.protocol().state);
                c.transport().close();
                assertFalse(conn.isOpen());
            }
        });
    }

    @Test
    void connectAcceptedSocketRefusesAClientSideTlsOption() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0);
                    SocketChannel ch = connectedChannel(port(s))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.connectAcceptedSocket(Recorder::new, ch,
                                TlsOptions.of(serverCtx).withServerHostname("localhost")));
                assertTrue(e.getMessage().contains("serverHostname"), e.getMessage());
                assertTrue(ch.isOpen());
            }
        });
    }

    /** A server-side handshake with a peer that never speaks: cancelling it closes the channel. */
    @Test
    void cancelledAcceptedTlsHandshakeClosesTheChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel lsock = ServerSocketChannel.open().bind(ANY_LOCAL, 1);
                    SocketChannel silent = SocketChannel.open(lsock.getLocalAddress())) {
                SocketChannel conn = Asyncio.toThread(lsock::accept);
                Task<Connection<Recorder>> t = loop.createTask(
                        () -> loop.connectAcceptedSocket(Recorder::new, conn, TlsOptions.of(serverCtx)));
                Asyncio.sleep(0.05);
                t.cancel();
                assertThrows(CancelledError.class, t::await);
                assertFalse(conn.isOpen(), "no channel is left open by a cancelled call");
            }
        });
    }

    @Test
    void tlsServerOverABoundChannelWithAHappyEyeballsClient() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOCAL);
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, ssc,
                    ServerOptions.defaults().withSsl(serverCtx))) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "localhost", port(s),
                        ConnectionOptions.defaults().withSsl(clientCtx).withHappyEyeballsDelay(0.25));
                c.transport().write("tls".getBytes());
                assertEquals("tls", new String(c.protocol().awaitBytes(3)));
                assertNotNull(c.transport().getExtraInfo("peercert"));
                c.transport().close();
                c.protocol().awaitLost();
            }
            assertFalse(ssc.isOpen());
        });
    }

    @Test
    void connectAcceptedUnixSocket() throws Exception {
        Path dir = Files.createTempDirectory("jasyncio-accepted");
        Path path = dir.resolve("a.sock");
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                try (ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        .bind(UnixDomainSocketAddress.of(path))) {
                    Task<SocketChannel> accepting = loop.createTask(() -> Asyncio.toThread(l::accept));
                    Connection<Recorder> client = loop.createUnixConnection(Recorder::new, path);
                    Connection<SocketTransportTest.Echo> server = loop.connectAcceptedSocket(
                            SocketTransportTest.Echo::new, accepting.await());
                    client.transport().write("unix accepted".getBytes());
                    assertEquals("unix accepted", new String(client.protocol().awaitBytes(13)));
                    client.transport().close();
                    client.protocol().awaitLost();
                    server.transport().close();
                }
            });
        } finally {
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    @Test
    void datagramEndpointOverAnUnboundChannel() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<DatagramTransportTest.Udp> peer = loop.createDatagramEndpoint(
                    DatagramTransportTest.Udp::new, ANY_LOCAL, null);
            peer.protocol().echo = true;
            InetSocketAddress peerAddr = (InetSocketAddress) peer.transport().getExtraInfo("sockname");
            DatagramChannel unbound = DatagramChannel.open(StandardProtocolFamily.INET);
            DatagramEndpoint<DatagramTransportTest.Udp> e = loop.createDatagramEndpoint(DatagramTransportTest.Udp::new,
                    unbound, DatagramOptions.defaults());
            e.transport().sendto("bound by the first send".getBytes(), peerAddr);
            assertEquals("echo:bound by the first send", Asyncio.waitFor(e.protocol().next, 10), "the echo came back");
            e.transport().close();
            peer.transport().close();
        });
    }

    @Test
    void streamsOverChannels() throws Exception {
        Asyncio.run(() -> {
            ServerSocketChannel ssc = ServerSocketChannel.open().bind(ANY_LOCAL);
            try (Server s = Streams.startServer((r, w) -> {
                w.write(r.readline());
                w.drain();
                w.close();
            }, ssc)) {
                SocketChannel ch = connectedChannel(((InetSocketAddress) ssc.getLocalAddress()).getPort());
                StreamPair p = Streams.openConnection(ch);
                p.writer().write("line\n".getBytes());
                assertEquals("line\n", new String(p.reader().readline()));
                assertEquals(0, p.reader().read(10).length, "the server closed after its answer");
                p.writer().close();
                p.writer().waitClosed();
                assertFalse(ch.isOpen());
            }
            assertFalse(ssc.isOpen());
        });
    }
}
