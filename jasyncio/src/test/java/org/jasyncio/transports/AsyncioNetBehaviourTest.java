package org.jasyncio.transports;

import static org.jasyncio.transports.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamReaderProtocol;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Network behaviours where jasyncio once differed from asyncio: each test states asyncio's
 * behaviour and checks it over real sockets.
 */
class AsyncioNetBehaviourTest {
    private static boolean ipv6Loopback() {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SocketChannel connectBlocking(InetSocketAddress a) throws Exception {
        return Asyncio.toThread(() -> SocketChannel.open(a));
    }

    /** asyncio binds "0.0.0.0" to IPv4 only (getaddrinfo gives one AF_INET address). */
    @Test
    void theIpv4WildcardBindsIpv4Only() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "0.0.0.0", 0)) {
                assertEquals(1, s.sockets().size());
                InetSocketAddress a = (InetSocketAddress) s.addresses().get(0);
                assertInstanceOf(Inet4Address.class, a.getAddress());
                assertEquals("0.0.0.0", a.getAddress().getHostAddress());
                connectBlocking(new InetSocketAddress("127.0.0.1", a.getPort())).close();
                if (ipv6Loopback()) {
                    assertThrows(ConnectException.class,
                            () -> connectBlocking(new InetSocketAddress("::1", a.getPort())),
                            "an IPv4 socket does not accept IPv6 connections");
                }
            }
        });
    }

    /** "::" is an IPv6 socket (dual-stack as the OS makes it); null is every interface of both families. */
    @Test
    void theIpv6WildcardAndNullHost() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback: this test binds ::1");
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "::", 0)) {
                assertEquals(1, s.sockets().size());
                InetSocketAddress a = (InetSocketAddress) s.addresses().get(0);
                assertInstanceOf(Inet6Address.class, a.getAddress());
                connectBlocking(new InetSocketAddress("::1", a.getPort())).close();
            }
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, (String) null, 0)) {
                int port = port(s);
                connectBlocking(new InetSocketAddress("::1", port)).close();
                connectBlocking(new InetSocketAddress("127.0.0.1", port)).close();
            }
        });
    }

    /** asyncio's Server.close() closes the listening sockets at once: the port refuses before the loop runs again. */
    @Test
    void aClosedServerRefusesAtOnce() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0);
            InetSocketAddress a = (InetSocketAddress) s.addresses().get(0);
            ServerSocketChannel listening = (ServerSocketChannel) s.sockets().get(0);
            s.close();
            assertFalse(listening.isOpen());
            // a blocking connect in this very task: the loop has not run since close()
            assertThrows(ConnectException.class, () -> SocketChannel.open(a));
            s.waitClosed();
        });
    }

    /** asyncio does not connect a broadcast endpoint; without a remote address it must not try to. */
    @Test
    void broadcastWithoutRemoteAddressIsNotConnected() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<DatagramTransportTest.Udp> e = loop.createDatagramEndpoint(DatagramTransportTest.Udp::new,
                    new InetSocketAddress("127.0.0.1", 0), null, DatagramOptions.defaults().withAllowBroadcast(true));
            DatagramEndpoint<DatagramTransportTest.Udp> peer = loop.createDatagramEndpoint(
                    DatagramTransportTest.Udp::new, new InetSocketAddress("127.0.0.1", 0), null);
            assertNull(e.transport().getExtraInfo("peername"));
            e.transport().sendto("hi".getBytes(), (InetSocketAddress) peer.transport().getExtraInfo("sockname"));
            assertEquals("hi", Asyncio.waitFor(peer.protocol().next, 10));
            e.transport().close();
            peer.transport().close();
        });
    }

    /** asyncio: "error while attempting to bind on address ('127.0.0.1', N): address already in use". */
    @Test
    void addressInUseNamesTheAddress() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0)) {
                int port = port(s);
                String name = "127.0.0.1:" + port;
                BindException e = assertThrows(BindException.class, () -> loop.createServer(
                        SocketTransportTest.Echo::new, "127.0.0.1", port, ServerOptions.defaults()
                                .withReuseAddress(false)));
                assertTrue(e.getMessage().contains(name), e.getMessage());
                e = assertThrows(BindException.class, () -> loop.createConnection(Recorder::new, "127.0.0.1", port,
                        ConnectionOptions.defaults().withLocalAddress(new InetSocketAddress("127.0.0.1", port))));
                assertTrue(e.getMessage().contains(name), e.getMessage());
                DatagramEndpoint<DatagramTransportTest.Udp> u = loop.createDatagramEndpoint(
                        DatagramTransportTest.Udp::new, new InetSocketAddress("127.0.0.1", 0), null);
                InetSocketAddress taken = (InetSocketAddress) u.transport().getExtraInfo("sockname");
                e = assertThrows(BindException.class, () -> loop.createDatagramEndpoint(
                        DatagramTransportTest.Udp::new, taken, null));
                assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getPort()), e.getMessage());
                u.transport().close();
            }
        });
    }

    /** A Unix socket path over the kernel's limit: the error names the path and the limit. */
    @Test
    void aUnixPathTooLongNamesThePathAndTheLimit() throws Exception {
        Path dir = Files.createTempDirectory("jasyncio-long");
        Path path = dir.resolve("x".repeat(120) + ".sock");
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                IOException e = assertThrows(IOException.class,
                        () -> loop.createUnixServer(SocketTransportTest.Echo::new, path));
                assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
                assertTrue(e.getMessage().contains("108"), e.getMessage());
                e = assertThrows(IOException.class, () -> loop.createUnixConnection(Recorder::new, path));
                assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
                assertTrue(e.getMessage().contains("108"), e.getMessage());
            });
        } finally {
            Files.delete(dir);
        }
    }

    /** asyncio's StreamReaderProtocol tolerates being told twice; nothing reaches the exception handler. */
    @Test
    void aSecondConnectionLostOnAStreamProtocolIsHarmless() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<ExceptionContext> reported = new ArrayList<>();
            loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
            try (Server s = loop.createServer(SocketTransportTest.Echo::new, "127.0.0.1", 0)) {
                StreamReader reader = new StreamReader();
                StreamReaderProtocol p = new StreamReaderProtocol(reader);
                Connection<StreamReaderProtocol> c = loop.createConnection(() -> p, "127.0.0.1", port(s));
                c.transport().close();
                Asyncio.sleep(0.01);
                p.connectionLost(null);
                p.connectionLost(new IOException("again"));
                assertEquals(0, reader.read(10).length, "end of file from the first report");
                Asyncio.sleep(0);
                assertEquals(List.of(), reported);
            }
        });
    }

    /**
     * asyncio's write() after close() with an empty buffer drops the data (a warning from the
     * fifth), with data still buffered it queues it behind; it never raises.
     */
    @Test
    void writeAfterCloseIsDroppedAsInAsyncio() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                c.transport().write("before".getBytes());
                c.transport().close();
                for (int i = 0; i < 7; i++) {
                    c.transport().write("late".getBytes());
                }
                assertNull(c.protocol().awaitLost());
                c.transport().write("after lost".getBytes());
                while (accepted.isEmpty()) {
                    Asyncio.sleep(0.01);
                }
                Recorder server = accepted.get(0);
                assertNull(server.awaitLost());
                assertEquals("before", server.received.toString(), "the buffer was empty at close(): all dropped");
            }
        });
    }

    /** asyncio's write() while close() still flushes: the data joins the buffer and is sent before the close. */
    @Test
    void writeWhileCloseFlushesIsSentFirst() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                byte[] big = new byte[16 << 20]; // more than the kernel takes at once
                c.transport().write(big);
                assertTrue(c.transport().getWriteBufferSize() > 0, "the precondition: data still buffered");
                c.transport().close();
                c.transport().write("tail".getBytes());
                while (accepted.isEmpty()) {
                    Asyncio.sleep(0.01);
                }
                Recorder server = accepted.get(0);
                byte[] got = server.awaitBytes(big.length + 4);
                assertEquals(big.length + 4, got.length);
                assertEquals("tail", new String(got, big.length, 4));
                assertNull(server.awaitLost());
            }
        });
    }
}
