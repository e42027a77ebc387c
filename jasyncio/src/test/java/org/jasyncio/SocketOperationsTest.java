package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jasyncio.transports.Datagram;
import org.jasyncio.transports.NameInfo;
import org.junit.jupiter.api.Test;

/** The sock_* coroutines and name resolution (CPython test_sock_lowlevel, test_base_events getaddrinfo). */
class SocketOperationsTest {

    private static ServerSocketChannel listener() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        s.configureBlocking(false);
        return s;
    }

    private static SocketChannel client() throws IOException {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        return c;
    }

    @Test
    void clientAndServerOps() throws Exception {
        // test_sock_lowlevel.test_sock_client_ops / test_sock_accept
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel srv = listener(); SocketChannel c = client()) {
                Task<String> server = Asyncio.createTask(() -> {
                    try (SocketChannel conn = loop.sockAccept(srv)) {
                        assertFalse(conn.isBlocking());
                        byte[] req = loop.sockRecv(conn, 1024);
                        loop.sockSendall(conn, ("echo:" + new String(req)).getBytes());
                        byte[] eof = loop.sockRecv(conn, 1024);
                        return new String(req) + "/" + eof.length;
                    }
                });
                loop.sockConnect(c, srv.getLocalAddress());
                loop.sockSendall(c, "ping".getBytes());
                ByteBuffer buf = ByteBuffer.allocate(100);
                int n = 0;
                while (n < "echo:ping".length()) {
                    n += loop.sockRecvInto(c, buf);
                }
                assertEquals("echo:ping", new String(buf.array(), 0, n));
                c.shutdownOutput();
                assertEquals("ping/0", server.await());
                assertEquals(0, loop.sockRecvInto(c, ByteBuffer.allocate(10)), "end of stream");
            }
        });
    }

    @Test
    void sendallOfMoreThanTheKernelBuffersWaitsForTheReader() throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(1).nextBytes(data);
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel srv = listener(); SocketChannel c = client()) {
                Task<byte[]> reader = Asyncio.createTask(() -> {
                    try (SocketChannel conn = loop.sockAccept(srv)) {
                        ByteBuffer all = ByteBuffer.allocate(data.length);
                        while (all.hasRemaining()) {
                            Asyncio.sleep(0.001); // a slow reader
                            if (loop.sockRecvInto(conn, all) == 0) {
                                break;
                            }
                        }
                        return all.array();
                    }
                });
                loop.sockConnect(c, srv.getLocalAddress());
                ByteBuffer src = ByteBuffer.wrap(data);
                loop.sockSendall(c, src);
                assertFalse(src.hasRemaining());
                assertArrayEquals(data, reader.await());
            }
        });
    }

    @Test
    void connectRefused() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            int port;
            try (ServerSocketChannel s = listener()) {
                port = ((InetSocketAddress) s.getLocalAddress()).getPort();
            }
            try (SocketChannel c = client()) {
                assertThrows(ConnectException.class, () -> loop.sockConnect(c, new InetSocketAddress("127.0.0.1", port)));
            }
        });
    }

    @Test
    void cancelledRecvRemovesItsReaderAndReceivesNothing() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel srv = listener(); SocketChannel c = client()) {
                loop.sockConnect(c, srv.getLocalAddress());
                try (SocketChannel conn = loop.sockAccept(srv)) {
                    Task<byte[]> t = Asyncio.createTask(() -> loop.sockRecv(c, 10));
                    Asyncio.sleep(0.01);
                    t.cancel();
                    assertThrows(CancelledError.class, t::await);
                    assertFalse(loop.removeReader(c), "the reader was removed");
                    loop.sockSendall(conn, "after".getBytes());
                    assertEquals("after", new String(loop.sockRecv(c, 10)));
                }
            }
        });
    }

    @Test
    void blockingSocketsAndCallsOutsideATaskAreRejected() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop(); SocketChannel c = SocketChannel.open()) {
            assertThrows(IllegalStateException.class, () -> loop.sockRecv(c, 10));
            loop.runUntilComplete(() -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.sockRecv(c, 10));
                assertTrue(e.getMessage().contains("non-blocking"), e.getMessage());
                c.configureBlocking(false);
                assertThrows(IllegalArgumentException.class, () -> loop.sockRecv(c, 0));
                return null;
            });
        }
    }

    @Test
    void datagrams() throws Exception {
        // test_sock_lowlevel.test_sock_sendto_recvfrom
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (DatagramChannel a = DatagramChannel.open(StandardProtocolFamily.INET);
                    DatagramChannel b = DatagramChannel.open(StandardProtocolFamily.INET)) {
                a.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                b.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                Task<Datagram> recv = Asyncio.createTask(() -> loop.sockRecvfrom(b, 100));
                Asyncio.sleep(0.01);
                assertEquals(5, loop.sockSendto(a, "hello".getBytes(), b.getLocalAddress()));
                Datagram d = recv.await();
                assertEquals("hello", new String(d.data()));
                assertEquals(a.getLocalAddress(), d.address());
                loop.sockSendto(a, "0123456789".getBytes(), b.getLocalAddress());
                assertEquals("0123", new String(loop.sockRecvfrom(b, 4).data()), "truncated to bufsize");
            }
        });
    }

    @Test
    void getaddrinfoResolvesLiteralsAndNames() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertEquals(List.of(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 80)),
                    loop.getaddrinfo("127.0.0.1", 80));
            List<InetSocketAddress> local = loop.getaddrinfo("localhost", 8080);
            assertFalse(local.isEmpty());
            assertTrue(local.stream().allMatch(a -> a.getAddress().isLoopbackAddress() && a.getPort() == 8080), "" + local);
            assertTrue(loop.getaddrinfo(null, 1).get(0).getAddress().isLoopbackAddress());
            assertThrows(UnknownHostException.class, () -> loop.getaddrinfo("nonexistent.invalid", 80));
            assertThrows(IllegalArgumentException.class, () -> loop.getaddrinfo("127.0.0.1", 70000));
            NameInfo ni = loop.getnameinfo(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 443));
            assertEquals("443", ni.service());
            assertFalse(ni.host().isEmpty());
            return null;
        });
    }

    @Test
    void sendtoAndRecvfromKeepDataIntact() throws Exception {
        byte[] payload = new byte[1200];
        new Random(7).nextBytes(payload);
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (DatagramChannel a = DatagramChannel.open(StandardProtocolFamily.INET);
                    DatagramChannel b = DatagramChannel.open(StandardProtocolFamily.INET)) {
                a.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                b.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                a.connect(b.getLocalAddress());
                assertEquals(payload.length, loop.sockSendto(a, payload, null));
                assertTrue(Arrays.equals(payload, loop.sockRecvfrom(b, 2000).data()));
            }
        });
    }
}
