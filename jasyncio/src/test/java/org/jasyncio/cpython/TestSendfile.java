package org.jasyncio.cpython;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.SendfileNotAvailableError;
import org.jasyncio.Task;
import org.jasyncio.VoidCoroutine;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.NoTransferChannel;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_asyncio/test_sendfile.py ({@code SockSendfileMixin} and {@code SendfileMixin}
 * on the selector loop), with the parameter checks of test_base_events.py's
 * {@code BaseLoopSockSendfileTests}. Real sockets on 127.0.0.1 with 4 KiB socket buffers, so a
 * 1.1 MB file takes many writability waits; TLS with the test certificates. Where CPython
 * replaces {@code loop._sendfile_native} to force the fallback, the file here is a
 * {@link NoTransferChannel}, whose {@code transferTo} fails as {@code sendfile(2)} would.
 */
class TestSendfile {
    /** Large enough that kernel buffering (up to 17 pages of 64 KiB) cannot swallow it. */
    static final byte[] DATA = new byte[1024 * 17 * 64 + 1];
    static final int BUF_SIZE = 4 * 1024;
    static Path path;

    private EventLoop loop;
    private FileChannel file;

    @BeforeAll
    static void makeFile() throws IOException {
        Arrays.fill(DATA, (byte) 'x');
        path = Files.createTempFile("jasyncio-sendfile", ".bin");
        Files.write(path, DATA);
    }

    @AfterAll
    static void removeFile() throws IOException {
        Files.deleteIfExists(path);
    }

    @BeforeEach
    void setUp() throws IOException {
        file = FileChannel.open(path, StandardOpenOption.READ);
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() throws IOException {
        loop.close();
        file.close();
    }

    private <T> T run(org.jasyncio.Coroutine<T> coro) throws Exception {
        return loop.runUntilComplete(coro);
    }

    private void run(VoidCoroutine coro) throws Exception {
        loop.runUntilComplete(coro);
    }

    /** CPython's MySendfileProto: a state machine that records what it received. */
    static final class MySendfileProto implements Protocol {
        final Future<Void> connected;
        final Future<Void> done;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final int closeAfter;
        Transport transport;
        String state = "INITIAL";
        int nbytes;

        MySendfileProto(EventLoop loop, int closeAfter) {
            this.connected = loop.createFuture();
            this.done = loop.createFuture();
            this.closeAfter = closeAfter;
        }

        private void assertState(String... expected) {
            if (!Arrays.asList(expected).contains(state)) {
                throw new AssertionError("state: " + state + ", expected: " + Arrays.toString(expected));
            }
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            assertState("INITIAL");
            state = "CONNECTED";
            connected.trySetResult(null);
        }

        @Override
        public boolean eofReceived() {
            assertState("CONNECTED");
            state = "EOF";
            return false;
        }

        @Override
        public void connectionLost(Exception exc) {
            assertState("CONNECTED", "EOF");
            state = "CLOSED";
            done.trySetResult(null);
        }

        @Override
        public void dataReceived(byte[] d) {
            assertState("CONNECTED");
            nbytes += d.length;
            data.writeBytes(d);
            if (closeAfter > 0 && nbytes >= closeAfter) {
                transport.close();
            }
        }
    }

    /** CPython's MyProto of test_sendfile.py. */
    static final class MyProto implements Protocol {
        final Future<Void> fut;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        Transport transport;

        MyProto(EventLoop loop) {
            fut = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] d) {
            data.writeBytes(d);
        }

        @Override
        public void connectionLost(Exception exc) {
            fut.trySetResult(null);
        }
    }

    /**
     * CPython's reduce_receive_buffer_size, on the listening socket so that accepted ones
     * start with it (set after the handshake, Linux keeps the larger window it announced).
     */
    private static void reduceReceiveBufferSize(Server s) throws IOException {
        s.sockets().get(0).setOption(StandardSocketOptions.SO_RCVBUF, BUF_SIZE);
    }

    private static int port(Server s) {
        return ((InetSocketAddress) s.addresses().get(0)).getPort();
    }

    // ---- SockSendfileMixin ------------------------------------------------------------------

    private record SockSetup(SocketChannel sock, MyProto proto, Server server) {}

    /** CPython's prepare_socksendfile: a server with a small receive buffer, a raw client socket. */
    private SockSetup prepareSockSendfile() throws Exception {
        MyProto proto = new MyProto(loop);
        Server server = loop.createServer(() -> {
            return proto;
        }, "127.0.0.1", 0);
        reduceReceiveBufferSize(server);
        SocketChannel sock = SocketChannel.open();
        sock.configureBlocking(false);
        loop.sockConnect(sock, new InetSocketAddress("127.0.0.1", port(server)));
        sock.setOption(StandardSocketOptions.SO_SNDBUF, BUF_SIZE);
        while (proto.transport == null) {
            Asyncio.sleep(0);
        }
        return new SockSetup(sock, proto, server);
    }

    private static void cleanup(SockSetup s) throws Exception {
        s.sock.close();
        s.proto.fut.await();
        s.server.close();
        s.server.waitClosed();
    }

    // CPython: test_sendfile.py::SockSendfileMixin::test_sock_sendfile_success
    @Test
    void testSockSendfileSuccess() throws Exception {
        run(() -> {
            SockSetup s = prepareSockSendfile();
            long ret = loop.sockSendfile(s.sock, file);
            cleanup(s);
            assertEquals(DATA.length, ret);
            assertArrayEquals(DATA, s.proto.data.toByteArray());
            assertEquals(DATA.length, file.position());
        });
    }

    // CPython: test_sendfile.py::SockSendfileMixin::test_sock_sendfile_with_offset_and_count
    @Test
    void testSockSendfileWithOffsetAndCount() throws Exception {
        run(() -> {
            SockSetup s = prepareSockSendfile();
            long ret = loop.sockSendfile(s.sock, file, 1000, 2000L, true);
            cleanup(s);
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 3000), s.proto.data.toByteArray());
            assertEquals(3000, file.position());
            assertEquals(2000, ret);
        });
    }

    // CPython: test_sendfile.py::SockSendfileMixin::test_sock_sendfile_zero_size
    @Test
    void testSockSendfileZeroSize() throws Exception {
        Path empty = Files.createTempFile("jasyncio-empty", ".bin");
        try (FileChannel f = FileChannel.open(empty, StandardOpenOption.READ)) {
            run(() -> {
                SockSetup s = prepareSockSendfile();
                long ret = loop.sockSendfile(s.sock, f, 0, null, true);
                cleanup(s);
                assertEquals(0, ret);
                assertEquals(0, file.position());
            });
        } finally {
            Files.delete(empty);
        }
    }

    // CPython: test_sendfile.py::SockSendfileMixin::test_sock_sendfile_mix_with_regular_send
    @Test
    void testSockSendfileMixWithRegularSend() throws Exception {
        byte[] buf = "mix_regular_send".repeat(4 * 1024).getBytes();
        run(() -> {
            SockSetup s = prepareSockSendfile();
            loop.sockSendall(s.sock, buf);
            long ret = loop.sockSendfile(s.sock, file);
            loop.sockSendall(s.sock, buf);
            cleanup(s);
            assertEquals(DATA.length, ret);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(buf);
            expected.writeBytes(DATA);
            expected.writeBytes(buf);
            assertArrayEquals(expected.toByteArray(), s.proto.data.toByteArray());
            assertEquals(DATA.length, file.position());
        });
    }

    // CPython: test_base_events.py::BaseLoopSockSendfileTests::test_sock_sendfile_fallback
    @Test
    void testSockSendfileFallback() throws Exception {
        try (FileChannel f = new NoTransferChannel(FileChannel.open(path, StandardOpenOption.READ))) {
            run(() -> {
                SockSetup s = prepareSockSendfile();
                long ret = loop.sockSendfile(s.sock, f);
                cleanup(s);
                assertEquals(DATA.length, ret);
                assertEquals(DATA.length, f.position());
                assertArrayEquals(DATA, s.proto.data.toByteArray());
            });
        }
    }

    // CPython: test_base_events.py::BaseLoopSockSendfileTests::test_sock_sendfile_fallback_offset_and_count
    @Test
    void testSockSendfileFallbackOffsetAndCount() throws Exception {
        try (FileChannel f = new NoTransferChannel(FileChannel.open(path, StandardOpenOption.READ))) {
            run(() -> {
                SockSetup s = prepareSockSendfile();
                long ret = loop.sockSendfile(s.sock, f, 1000, 2000L, true);
                cleanup(s);
                assertEquals(2000, ret);
                assertEquals(3000, f.position());
                assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 3000), s.proto.data.toByteArray());
            });
        }
    }

    // CPython: test_base_events.py::BaseLoopSockSendfileTests::test_sock_sendfile_no_fallback
    @Test
    void testSockSendfileNoFallback() throws Exception {
        try (FileChannel f = new NoTransferChannel(FileChannel.open(path, StandardOpenOption.READ))) {
            run(() -> {
                SockSetup s = prepareSockSendfile();
                SendfileNotAvailableError e = assertThrows(SendfileNotAvailableError.class,
                        () -> loop.sockSendfile(s.sock, f, 0, null, false));
                assertTrue(e.getMessage().contains("transferTo"), e.getMessage());
                cleanup(s);
                assertEquals(0, f.position());
                assertEquals(0, s.proto.data.size());
            });
        }
    }

    // CPython: test_base_events.py::BaseLoopSockSendfileTests::test_blocking_socket
    // CPython: test_base_events.py::BaseLoopSockSendfileTests::test_negative_count
    // CPython: test_base_events.py::BaseLoopSockSendfileTests::test_negative_offset
    @Test
    void testSockSendfileBadArguments() throws Exception {
        run(() -> {
            try (SocketChannel blocking = SocketChannel.open()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loop.sockSendfile(blocking, file));
                assertTrue(e.getMessage().contains("must be non-blocking"), e.getMessage());
            }
            SockSetup s = prepareSockSendfile();
            IllegalArgumentException c0 = assertThrows(IllegalArgumentException.class,
                    () -> loop.sockSendfile(s.sock, file, 0, 0L, true));
            assertEquals("count must be a positive integer (got 0)", c0.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.sockSendfile(s.sock, file, 0, -1L, true));
            IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
                    () -> loop.sockSendfile(s.sock, file, -1, null, true));
            assertEquals("offset must be a non-negative integer (got -1)", o.getMessage());
            cleanup(s);
            assertEquals(0, s.proto.data.size());
        });
    }

    // CPython: test_unix_events.py::SelectorEventLoopUnixSockSendfileTests::test_sock_sendfile_cancel1
    @Test
    void testSockSendfileCancel1() throws Exception {
        // CPython drives _sock_sendfile_native_impl by hand; here a real transfer stalls behind a
        // server that does not read, and the task is cancelled: the socket is no longer watched,
        // and the file's position counts exactly the bytes the server then receives
        run(() -> {
            SockSetup s = prepareSockSendfile();
            s.proto.transport.pauseReading();
            Task<Long> t = loop.createTask(() -> loop.sockSendfile(s.sock, file));
            for (int i = 0; i < 10; i++) {
                Asyncio.sleep(0.001); // lets the transfer fill the socket buffers
            }
            t.cancel();
            assertThrows(org.jasyncio.CancelledError.class, t::await);
            assertFalse(loop.removeWriter(s.sock), "the socket is no longer watched");
            long pos = file.position();
            assertTrue(pos > 0 && pos < DATA.length, "position " + pos);
            s.proto.transport.resumeReading();
            cleanup(s);
            assertArrayEquals(Arrays.copyOf(DATA, (int) pos), s.proto.data.toByteArray());
        });
    }

    // ---- SendfileMixin ----------------------------------------------------------------------

    private record Pair(MySendfileProto srv, MySendfileProto cli, Server server) {}

    /** CPython's prepare_sendfile: server and client protocols, small buffers, TLS or not. */
    private Pair prepareSendfile(boolean ssl, int closeAfter) throws Exception {
        MySendfileProto srv = new MySendfileProto(loop, closeAfter);
        ServerOptions so = ServerOptions.defaults();
        ConnectionOptions co = ConnectionOptions.defaults();
        if (ssl) {
            TestCerts certs = TestCerts.get();
            SSLContext s = certs.serverContext();
            so = so.withSsl(s);
            co = co.withSsl(certs.clientContext());
        }
        Server server = loop.createServer(() -> srv, "127.0.0.1", 0, so);
        reduceReceiveBufferSize(server);
        MySendfileProto cli = new MySendfileProto(loop, 0);
        Connection<MySendfileProto> c = loop.createConnection(() -> cli, ssl ? "localhost" : "127.0.0.1",
                port(server), co);
        srv.connected.await();
        ((SocketChannel) c.transport().getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF, BUF_SIZE);
        c.transport().setWriteBufferLimits(BUF_SIZE, -1);
        return new Pair(srv, cli, server);
    }

    private static void cleanup(Pair p) throws Exception {
        p.srv.transport.close();
        p.cli.transport.close();
        p.srv.done.await();
        p.cli.done.await();
        p.server.close();
        p.server.waitClosed();
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_not_supported
    @Test
    void testSendfileNotSupported() throws Exception {
        // a datagram transport is not a Transport in Java (a compile error); a transport
        // jasyncio does not know is refused the same way
        Transport foreign = java.lang.reflect.Proxy.newProxyInstance(Transport.class.getClassLoader(),
                new Class<?>[] {Transport.class}, (proxy, m, args) -> m.getName().equals("isClosing") ? false
                        : m.getName().equals("toString") ? "<foreign transport>" : null) instanceof Transport t ? t
                : null;
        run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.sendfile(foreign, file));
            assertTrue(e.getMessage().contains("not supported"), e.getMessage());
            assertEquals(0, file.position());
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile
    @Test
    void testSendfile() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(false, 0);
            long ret = loop.sendfile(p.cli.transport, file);
            p.cli.transport.close();
            p.srv.done.await();
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, p.srv.nbytes);
            assertArrayEquals(DATA, p.srv.data.toByteArray());
            assertEquals(DATA.length, file.position());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_force_fallback
    @Test
    void testSendfileForceFallback() throws Exception {
        try (FileChannel f = new NoTransferChannel(FileChannel.open(path, StandardOpenOption.READ))) {
            run(() -> {
                Pair p = prepareSendfile(false, 0);
                long ret = loop.sendfile(p.cli.transport, f);
                p.cli.transport.close();
                p.srv.done.await();
                assertEquals(DATA.length, ret);
                assertEquals(DATA.length, p.srv.nbytes);
                assertArrayEquals(DATA, p.srv.data.toByteArray());
                assertEquals(DATA.length, f.position());
                cleanup(p);
            });
        }
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_force_unsupported_native
    @Test
    void testSendfileForceUnsupportedNative() throws Exception {
        try (FileChannel f = new NoTransferChannel(FileChannel.open(path, StandardOpenOption.READ))) {
            run(() -> {
                Pair p = prepareSendfile(false, 0);
                SendfileNotAvailableError e = assertThrows(SendfileNotAvailableError.class,
                        () -> loop.sendfile(p.cli.transport, f, 0, null, false));
                assertTrue(e.getMessage().contains("transferTo"), e.getMessage());
                p.cli.transport.close();
                p.srv.done.await();
                assertEquals(0, p.srv.nbytes);
                assertEquals(0, f.position());
                cleanup(p);
            });
        }
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_ssl
    @Test
    void testSendfileSsl() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(true, 0);
            long ret = loop.sendfile(p.cli.transport, file);
            p.cli.transport.close();
            p.srv.done.await();
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, p.srv.nbytes);
            assertArrayEquals(DATA, p.srv.data.toByteArray());
            assertEquals(DATA.length, file.position());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_for_closing_transp
    @Test
    void testSendfileForClosingTransp() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(false, 0);
            p.cli.transport.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.sendfile(p.cli.transport, file));
            assertTrue(e.getMessage().contains("is closing"), e.getMessage());
            p.srv.done.await();
            assertEquals(0, p.srv.nbytes);
            assertEquals(0, file.position());
            cleanup(p);
        });
    }

    private void preAndPostData(boolean ssl, byte[] prefix, byte[] suffix) throws Exception {
        run(() -> {
            Pair p = prepareSendfile(ssl, 0);
            p.cli.transport.write(prefix);
            long ret = loop.sendfile(p.cli.transport, file);
            p.cli.transport.write(suffix);
            p.cli.transport.close();
            p.srv.done.await();
            assertEquals(DATA.length, ret);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(prefix);
            expected.writeBytes(DATA);
            expected.writeBytes(suffix);
            assertArrayEquals(expected.toByteArray(), p.srv.data.toByteArray());
            assertEquals(DATA.length, file.position());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_pre_and_post_data
    @Test
    void testSendfilePreAndPostData() throws Exception {
        preAndPostData(false, "PREFIX__".repeat(1024).getBytes(), "--SUFFIX".repeat(1024).getBytes());
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_ssl_pre_and_post_data
    @Test
    void testSendfileSslPreAndPostData() throws Exception {
        preAndPostData(true, "zxcvbnm".repeat(1024).getBytes(), "0987654321".repeat(1024).getBytes());
    }

    private void partial(boolean ssl) throws Exception {
        run(() -> {
            Pair p = prepareSendfile(ssl, 0);
            long ret = loop.sendfile(p.cli.transport, file, 1000, 100L, true);
            p.cli.transport.close();
            p.srv.done.await();
            assertEquals(100, ret);
            assertEquals(100, p.srv.nbytes);
            assertArrayEquals(Arrays.copyOfRange(DATA, 1000, 1100), p.srv.data.toByteArray());
            assertEquals(1100, file.position());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_partial
    @Test
    void testSendfilePartial() throws Exception {
        partial(false);
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_ssl_partial
    @Test
    void testSendfileSslPartial() throws Exception {
        partial(true);
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_close_peer_after_receiving
    @Test
    void testSendfileClosePeerAfterReceiving() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(false, DATA.length);
            long ret = loop.sendfile(p.cli.transport, file);
            p.cli.transport.close();
            p.srv.done.await();
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, p.srv.nbytes);
            assertArrayEquals(DATA, p.srv.data.toByteArray());
            assertEquals(DATA.length, file.position());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_ssl_close_peer_after_receiving
    @Test
    void testSendfileSslClosePeerAfterReceiving() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(true, DATA.length);
            long ret = loop.sendfile(p.cli.transport, file);
            p.srv.done.await();
            assertEquals(DATA.length, ret);
            assertEquals(DATA.length, p.srv.nbytes);
            assertArrayEquals(DATA, p.srv.data.toByteArray());
            assertEquals(DATA.length, file.position());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_close_peer_in_the_middle_of_receiving
    @Test
    void testSendfileClosePeerInTheMiddleOfReceiving() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(false, 1024);
            assertThrows(IOException.class, () -> loop.sendfile(p.cli.transport, file));
            p.srv.done.await();
            assertTrue(1024 <= p.srv.nbytes && p.srv.nbytes < DATA.length, "nbytes " + p.srv.nbytes);
            assertTrue(1024 <= file.position() && file.position() < DATA.length, "position " + file.position());
            // CPython runs the loop once more here; the client reads the reset or the end once
            // reading resumes after the sendfile
            p.cli.done.await();
            assertTrue(p.cli.transport.isClosing());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_fallback_close_peer_in_the_middle_of_receiving
    @Test
    void testSendfileFallbackClosePeerInTheMiddleOfReceiving() throws Exception {
        try (FileChannel f = new NoTransferChannel(FileChannel.open(path, StandardOpenOption.READ))) {
            run(() -> {
                Pair p = prepareSendfile(false, 1024);
                assertThrows(IOException.class, () -> loop.sendfile(p.cli.transport, f));
                p.srv.done.await();
                assertTrue(1024 <= p.srv.nbytes && p.srv.nbytes < DATA.length, "nbytes " + p.srv.nbytes);
                assertTrue(1024 <= f.position() && f.position() < DATA.length, "position " + f.position());
                cleanup(p);
            });
        }
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_prevents_bare_write
    @Test
    void testSendfilePreventsBareWrite() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(false, 0);
            Future<Void> fut = loop.createFuture();
            Task<Long> t = loop.createTask(() -> {
                fut.setResult(null);
                return loop.sendfile(p.cli.transport, file);
            });
            fut.await();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.cli.transport.write("data".getBytes()));
            assertTrue(e.getMessage().contains("sendfile is in progress"), e.getMessage());
            assertEquals(DATA.length, t.await());
            cleanup(p);
        });
    }

    // CPython: test_sendfile.py::SendfileMixin::test_sendfile_no_fallback_for_fallback_transport
    @Test
    void testSendfileNoFallbackForFallbackTransport() throws Exception {
        run(() -> {
            Pair p = prepareSendfile(true, 0);
            SendfileNotAvailableError e = assertThrows(SendfileNotAvailableError.class,
                    () -> loop.sendfile(p.cli.transport, file, 0, null, false));
            assertTrue(e.getMessage().contains("fallback is disabled"), e.getMessage());
            assertEquals(0, file.position());
            cleanup(p);
        });
    }
}
