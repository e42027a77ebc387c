package org.jasyncio.cpython;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.DatagramTransport;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.SslContexts;
import org.jasyncio.transports.TestCerts;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Assumptions;

/**
 * What CPython's {@code test_asyncio/utils.py} gives the network tests, for the ported
 * test_streams.py and test_events.py: the threaded HTTP test server ({@code run_test_server},
 * {@code run_test_unix_server}, over TLS or not), {@code socketpair}, {@code dummy_ssl_context},
 * the test certificates (a CA and a "localhost" certificate it signed, made with openssl at test
 * time), the test protocols of test_events.py, and a look into a {@link StreamReader}'s buffer
 * (CPython's tests read {@code stream._buffer}).
 */
final class NetHelpers {
    private NetHelpers() {}

    /** The test server's answer to any request: CPython's wsgiref app answers "Test message". */
    static final byte[] HTTP_RESPONSE = ("HTTP/1.0 200 OK\r\nServer: jasyncio-test\r\nContent-type: text/plain\r\n"
            + "Content-Length: 12\r\n\r\nTest message").getBytes(US_ASCII);

    // ---- StreamReader's buffer ------------------------------------------------------------

    /** The bytes buffered in {@code reader}, CPython's {@code stream._buffer}; read by reflection, nothing consumed. */
    static byte[] buffer(StreamReader reader) {
        try {
            byte[] buf = (byte[]) field("buf").get(reader);
            int start = field("start").getInt(reader);
            int end = field("end").getInt(reader);
            return Arrays.copyOfRange(buf, start, end);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** CPython's {@code stream._waiter}. */
    static Object waiter(StreamReader reader) {
        try {
            return field("waiter").get(reader);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = StreamReader.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    static byte[] b(String s) {
        return s.getBytes(US_ASCII);
    }

    static String s(byte[] b) {
        return new String(b, US_ASCII);
    }

    // ---- sockets --------------------------------------------------------------------------

    /** CPython's {@code socket.socketpair()}: two connected loopback sockets, blocking. */
    static SocketChannel[] socketpair() throws IOException {
        try (ServerSocketChannel l = ServerSocketChannel.open()) {
            l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = SocketChannel.open(l.getLocalAddress());
            SocketChannel b = l.accept();
            return new SocketChannel[] {a, b};
        }
    }

    /** CPython's {@code socket_helper.find_unused_port()}: a TCP port free on 127.0.0.1 just now. */
    static int findUnusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A fresh socket file path in a new temporary directory (CPython's {@code gen_unix_socket_path}). */
    static Path unixSocketPath() throws IOException {
        Path dir = Files.createTempDirectory("jasyncio-cpy");
        dir.toFile().deleteOnExit();
        return dir.resolve("sock");
    }

    static int port(Server s) {
        return ((InetSocketAddress) s.addresses().get(0)).getPort();
    }

    // ---- the HTTP test server ---------------------------------------------------------------

    /**
     * CPython's {@code run_test_server()} / {@code run_test_unix_server()}: a server on its own
     * thread, outside jasyncio, that reads one request up to its blank line, answers
     * {@link #HTTP_RESPONSE} and closes the connection. Over TLS on a Unix socket (which the
     * JDK's {@code SSLSocket} cannot do) it is a jasyncio server on a loop of its own thread.
     */
    static final class HttpServer implements AutoCloseable {
        final SocketAddress address;
        private final AutoCloseable listener;
        private final Thread thread;
        private volatile boolean closed;

        private HttpServer(SocketAddress address, AutoCloseable listener, Thread thread) {
            this.address = address;
            this.listener = listener;
            this.thread = thread;
        }

        /** The TCP server's host and port. */
        String host() {
            return ((InetSocketAddress) address).getHostString();
        }

        int port() {
            return ((InetSocketAddress) address).getPort();
        }

        /** The Unix server's socket file. */
        Path path() {
            return Path.of(((UnixDomainSocketAddress) address).getPath().toString());
        }

        static HttpServer tcp() throws IOException {
            ServerSocketChannel l = ServerSocketChannel.open();
            l.bind(new InetSocketAddress("127.0.0.1", 0));
            return serve(l.getLocalAddress(), l, () -> {
                SocketChannel c = l.accept();
                return new Conn(Channels.newInputStream(c), Channels.newOutputStream(c), c);
            });
        }

        static HttpServer unix() throws IOException {
            Path path = unixSocketPath();
            ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            l.bind(UnixDomainSocketAddress.of(path));
            return serve(l.getLocalAddress(), () -> {
                l.close();
                Files.deleteIfExists(path);
            }, () -> {
                SocketChannel c = l.accept();
                return new Conn(Channels.newInputStream(c), Channels.newOutputStream(c), c);
            });
        }

        static HttpServer tls() throws Exception {
            SSLServerSocket l = (SSLServerSocket) Certs.get().serverContext().getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            return serve(l.getLocalSocketAddress(), l, () -> {
                Socket c = l.accept();
                return new Conn(c.getInputStream(), c.getOutputStream(), c);
            });
        }

        /** Over TLS on a Unix socket: a jasyncio server on a loop of its own thread. */
        static HttpServer unixTls() throws Exception {
            Path path = unixSocketPath();
            SSLContext ctx = Certs.get().serverContext();
            CompletableFuture<EventLoop> started = new CompletableFuture<>();
            CompletableFuture<Void> stop = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().daemon().name("cpython-unix-tls-server").start(() -> {
                try {
                    Asyncio.run(() -> {
                        try (Server server = Streams.startUnixServer((r, w) -> {
                            r.readUntil(b("\r\n\r\n"));
                            w.write(HTTP_RESPONSE);
                            w.close();
                            w.waitClosed();
                        }, path, ServerOptions.defaults().withSsl(ctx), StreamReader.DEFAULT_LIMIT)) {
                            started.complete(Asyncio.getRunningLoop());
                            Asyncio.await(stop);
                        }
                    });
                } catch (Throwable e) {
                    started.completeExceptionally(e);
                }
            });
            started.get(30, TimeUnit.SECONDS);
            return new HttpServer(UnixDomainSocketAddress.of(path), () -> {
                stop.complete(null);
                t.join(10_000);
            }, t);
        }

        private interface Acceptor {
            Conn accept() throws IOException;
        }

        private record Conn(InputStream in, OutputStream out, AutoCloseable socket) {}

        private static HttpServer serve(SocketAddress address, AutoCloseable listener, Acceptor acceptor) {
            HttpServer[] self = new HttpServer[1];
            Thread t = Thread.ofPlatform().daemon().name("cpython-http-test-server").unstarted(() -> {
                while (!self[0].closed) {
                    Conn c;
                    try {
                        c = acceptor.accept();
                    } catch (IOException e) {
                        return; // closed
                    }
                    try (AutoCloseable s = c.socket()) {
                        readRequest(c.in());
                        c.out().write(HTTP_RESPONSE);
                        c.out().flush();
                    } catch (Exception e) {
                        // the client went away (or failed its TLS handshake): serve the next one
                    }
                }
            });
            self[0] = new HttpServer(address, listener, t);
            t.start();
            return self[0];
        }

        private static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                req.write(c);
                if (req.size() >= 4 && s(req.toByteArray()).endsWith("\r\n\r\n")) {
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            closed = true;
            listener.close();
            thread.join(10_000);
        }
    }

    // ---- TLS ---------------------------------------------------------------------------------

    /**
     * CPython's {@code test_utils.dummy_ssl_context()}: a client context that checks nothing (no
     * certificate verification, no host name check).
     */
    static SSLContext dummySslContext() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }

    /**
     * CPython's test certificates: a CA ({@code SIGNING_CA}) and a certificate it signed for
     * "localhost" only ({@code SIGNED_CERTFILE}: no IP address, so 127.0.0.1 does not match it),
     * made with openssl once per JVM. The signed certificate also stands for {@code ONLYCERT}.
     */
    static final class Certs {
        private static Certs instance;
        final Path ca;
        final Path cert;
        final Path key;

        private Certs(Path dir) throws IOException, InterruptedException {
            ca = dir.resolve("ca.pem");
            Path caKey = dir.resolve("ca-key.pem");
            cert = dir.resolve("signed.pem");
            key = dir.resolve("signed-key.pem");
            Path csr = dir.resolve("signed.csr");
            Path ext = dir.resolve("ext.cnf");
            Files.writeString(ext, "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n");
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out",
                    ca.toString(), "-days", "2", "-subj", "/CN=jasyncio-test-ca", "-addext",
                    "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                    "-subj", "/CN=localhost");
            openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().deleteOnExit());
            }
        }

        private static void openssl(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("openssl"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl failed: " + cmd + ": " + out);
            }
        }

        /** The certificates; skips the calling test when openssl is not installed. */
        static synchronized Certs get() throws Exception {
            Assumptions.assumeTrue(TestCerts.onPath("openssl"),
                    "openssl is not installed: the TLS tests make their certificates with it");
            if (instance == null) {
                Path dir = Files.createTempDirectory("jasyncio-cpython-certs");
                dir.toFile().deleteOnExit();
                instance = new Certs(dir);
            }
            return instance;
        }

        /** A server context with the signed certificate. */
        SSLContext serverContext() throws Exception {
            return SslContexts.server(cert, key);
        }

        /** A client context that trusts the CA. */
        SSLContext clientContext() throws Exception {
            return SslContexts.client(ca);
        }
    }

    // ---- test_events.py's protocols --------------------------------------------------------------

    /**
     * test_events.py's {@code MyBaseProto}: checks the order of the calls (INITIAL, CONNECTED,
     * EOF, CLOSED) and counts the bytes; {@code connected} and {@code done} complete on
     * connectionMade and connectionLost.
     */
    static class MyBaseProto implements Protocol {
        Transport transport;
        String state = "INITIAL";
        int nbytes;
        final Future<Void> connected;
        final Future<Void> done;

        MyBaseProto() {
            this(null);
        }

        MyBaseProto(EventLoop loop) {
            connected = loop == null ? null : loop.createFuture();
            done = loop == null ? null : loop.createFuture();
        }

        void assertState(String... expected) {
            if (!List.of(expected).contains(state)) {
                throw new AssertionError("state: " + state + ", expected: " + List.of(expected));
            }
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            assertState("INITIAL");
            state = "CONNECTED";
            if (connected != null) {
                connected.setResult(null);
            }
        }

        @Override
        public void dataReceived(byte[] data) {
            assertState("CONNECTED");
            nbytes += data.length;
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
            if (done != null) {
                done.setResult(null);
            }
        }
    }

    /** test_events.py's {@code MyProto}: sends an HTTP request once connected. */
    static class MyProto extends MyBaseProto {
        MyProto() {
            super();
        }

        MyProto(EventLoop loop) {
            super(loop);
        }

        @Override
        public void connectionMade(BaseTransport t) {
            super.connectionMade(t);
            transport.write(b("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
        }
    }

    /** test_events.py's {@code MyDatagramProto}: INITIAL, INITIALIZED, CLOSED; counts bytes. */
    static class MyDatagramProto implements DatagramProtocol {
        DatagramTransport transport;
        String state = "INITIAL";
        int nbytes;
        final Future<Void> done;

        MyDatagramProto(EventLoop loop) {
            done = loop == null ? null : loop.createFuture();
        }

        void assertState(String expected) {
            if (!state.equals(expected)) {
                throw new AssertionError("state: " + state + ", expected: " + expected);
            }
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (DatagramTransport) t;
            assertState("INITIAL");
            state = "INITIALIZED";
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress addr) {
            assertState("INITIALIZED");
            nbytes += data.length;
        }

        @Override
        public void errorReceived(Exception exc) {
            assertState("INITIALIZED");
        }

        @Override
        public void connectionLost(Exception exc) {
            assertState("INITIALIZED");
            state = "CLOSED";
            if (done != null) {
                done.setResult(null);
            }
        }
    }

    /** Sends all of {@code data} on a blocking channel. */
    static void sendall(SocketChannel ch, byte[] data) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(data);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }
}
