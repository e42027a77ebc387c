package org.jasyncio.transports;

import static org.jasyncio.transports.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.TestLoops;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS over SSLEngine, client and server (CPython test_sslproto, test_ssl in test_asyncio). */
class TlsTest {
    static TestCerts certs;
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        certs = TestCerts.get();
        serverCtx = certs.serverContext();
        clientCtx = certs.clientContext();
    }

    static ServerOptions tlsServer() {
        return ServerOptions.defaults().withSsl(serverCtx);
    }

    static ConnectionOptions tlsClient() {
        return ConnectionOptions.defaults().withSsl(clientCtx);
    }

    @Test
    void echoOverTlsWithExtraInfo() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(() -> {
                Recorder r = new Recorder();
                r.keepOpenOnEof = true;
                accepted.add(r);
                return new SocketTransportTest.Echo();
            }, "localhost", 0, tlsServer())) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "localhost", port(s), tlsClient());
                Transport t = c.transport();
                assertEquals(List.of("made"), c.protocol().events, "connectionMade after the handshake");
                t.write("secret".getBytes());
                assertEquals("secret", new String(c.protocol().awaitBytes(6)));
                X509Certificate peer = (X509Certificate) t.getExtraInfo("peercert");
                assertTrue(peer.getSubjectX500Principal().getName().contains("CN=localhost"));
                assertTrue(((String) t.getExtraInfo("cipher")).startsWith("TLS_"), (String) t.getExtraInfo("cipher"));
                assertTrue(((String) t.getExtraInfo("tls_version")).startsWith("TLSv1."));
                assertSame(clientCtx, t.getExtraInfo("sslcontext"));
                assertNotNull(t.getExtraInfo("ssl_object"));
                assertNotNull(t.getExtraInfo("peername"), "the socket's extra info shows through");
                assertNull(t.getExtraInfo("alpn_protocol"));
                assertFalse(t.canWriteEof());
                assertThrows(UnsupportedOperationException.class, t::writeEof);
                t.close();
                assertNull(c.protocol().awaitLost());
                t.write("late".getBytes()); // dropped, as asyncio's SSL transport does
            }
        });
    }

    @Test
    void anUntrustedCertificateFailsTheClientClearly() throws Exception {
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler(errors);
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0,
                    ServerOptions.defaults().withSsl(certs.otherServerContext()))) {
                long fds = FdCount.count();
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient()));
                assertTrue(e.getMessage().contains("PKIX") || e.getMessage().contains("certif"), e.getMessage());
                // the JDK's default trust store does not know our self-signed certificate either
                assertThrows(SSLHandshakeException.class, () -> loop.createConnection(Recorder::new, "127.0.0.1",
                        port(s), ConnectionOptions.defaults().withSsl(SslContexts.client())));
                Asyncio.sleep(0.05);
                assertTrue(FdCount.count() <= fds + 1, "no socket left open");
                assertEquals(0, s.activeConnections());
            }
        });
        assertEquals(List.of(), errors.messages(), "handshake failures are the peer's doing: not reported");
    }

    @Test
    void theHostNameIsChecked() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0, tlsServer())) {
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> loop.createConnection(Recorder::new, "127.0.0.1", port(s), ConnectionOptions.defaults()
                                .withTls(TlsOptions.of(clientCtx).withServerHostname("wrong.example"))));
                assertTrue(e.getMessage().contains("wrong.example") || e.getMessage().contains("name"), e.getMessage());
                // "" turns the check off, as asyncio's server_hostname=''
                loop.createConnection(Recorder::new, "127.0.0.1", port(s), ConnectionOptions.defaults()
                        .withTls(TlsOptions.of(clientCtx).withServerHostname(""))).transport().close();
                // an IP address is checked against the certificate's IP entries
                loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient()).transport().close();
            }
        });
    }

    @Test
    void sniAndAlpn() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<BaseTransport> serverSide = loop.createFuture();
            ServerOptions so = ServerOptions.defaults()
                    .withTls(TlsOptions.of(serverCtx).withAlpnProtocols("http/1.1", "x-test"));
            try (Server s = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(BaseTransport t) {
                    serverSide.setResult(t);
                }
            }, "127.0.0.1", 0, so)) {
                Transport t = loop.createConnection(Recorder::new, "127.0.0.1", port(s), ConnectionOptions.defaults()
                        .withTls(TlsOptions.of(clientCtx).withServerHostname("localhost").withAlpnProtocols("h2",
                                "x-test"))).transport();
                assertEquals("x-test", t.getExtraInfo("alpn_protocol"));
                BaseTransport st = Asyncio.waitFor(serverSide, 10);
                assertEquals("x-test", st.getExtraInfo("alpn_protocol"));
                ExtendedSSLSession session = (ExtendedSSLSession) st.getExtraInfo("ssl_session");
                assertEquals(List.of(new SNIHostName("localhost")), session.getRequestedServerNames());
                assertNull(st.getExtraInfo("peercert"), "the client sent no certificate");
                t.close();
            }
        });
    }

    @Test
    void handshakeTimeout() throws Exception {
        // test_sslproto.test_handshake_timeout: a peer that never answers
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0)) { // plain TCP, silent
                double t0 = loop.time();
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                        () -> loop.createConnection(Recorder::new, "127.0.0.1", port(s), ConnectionOptions.defaults()
                                .withTls(TlsOptions.of(clientCtx).withServerHostname("localhost")
                                        .withHandshakeTimeout(0.2))));
                assertTrue(e.getMessage().contains("0.2 seconds"), e.getMessage());
                assertTrue(loop.time() - t0 >= 0.19);
            }
        });
    }

    @Test
    void aPeerThatClosesMidHandshake() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(BaseTransport t) {
                    t.close(); // plain TCP server that hangs up at once
                }
            }, "127.0.0.1", 0)) {
                IOException e = assertThrows(IOException.class,
                        () -> loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient()));
                assertTrue(e instanceof SocketException || e instanceof SSLHandshakeException, e.toString());
                assertTrue(e.getMessage().contains("handshake"), e.getMessage());
            }
            // and a client that hangs up during the server's handshake: the server survives
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0, tlsServer())) {
                loop.createConnection(() -> new Protocol() {
                    @Override
                    public void connectionMade(BaseTransport t) {
                        ((Transport) t).write("not a TLS hello at all\r\n".getBytes());
                        t.close();
                    }
                }, "127.0.0.1", port(s));
                Asyncio.sleep(0.1);
                assertEquals(0, s.activeConnections());
                loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient()).transport().close();
            }
        });
    }

    @Test
    void closingTellsThePeer() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0, tlsServer())) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient());
                c.transport().write("bye".getBytes());
                c.transport().close();
                Recorder peer = null;
                for (int i = 0; i < 100 && accepted.isEmpty(); i++) {
                    Asyncio.sleep(0.01);
                }
                peer = accepted.get(0);
                assertNull(peer.awaitLost());
                assertEquals("bye", peer.received.toString());
                assertEquals(List.of("made", "eof", "lost"), peer.events, "close_notify is an end of file");
                assertNull(c.protocol().awaitLost());
            }
        });
    }

    @Test
    void shutdownTimeoutAbortsAPeerThatDoesNotAnswer() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(() -> new Protocol() {
                @Override
                public void connectionMade(BaseTransport t) {
                    ((Transport) t).pauseReading(); // never reads our close_notify
                }
            }, "127.0.0.1", 0, tlsServer())) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s),
                        ConnectionOptions.defaults().withTls(TlsOptions.of(clientCtx).withServerHostname("localhost")
                                .withShutdownTimeout(0.2)));
                c.transport().close();
                Exception e = c.protocol().awaitLost();
                assertInstanceOf(SocketTimeoutException.class, e);
                assertTrue(e.getMessage().contains("shutdown"), e.getMessage());
                s.abortClients();
            }
        });
    }

    @Test
    void largeTransferOverTlsWithStreams() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(5).nextBytes(data);
        Asyncio.run(() -> {
            try (Server s = Streams.startServer((r, w) -> {
                while (true) {
                    byte[] b = r.read(65536);
                    if (b.length == 0) {
                        break;
                    }
                    w.write(b);
                    w.drain();
                }
                w.close();
            }, "127.0.0.1", 0, tlsServer())) {
                StreamPair p = Streams.openConnection("127.0.0.1", port(s), tlsClient());
                var reading = Asyncio.createTask(() -> {
                    byte[] all = new byte[data.length];
                    int n = 0;
                    while (n < data.length) {
                        byte[] b = p.reader().read(1 << 20);
                        if (b.length == 0) {
                            break;
                        }
                        System.arraycopy(b, 0, all, n, b.length);
                        n += b.length;
                    }
                    assertEquals(data.length, n);
                    return all;
                });
                for (int off = 0; off < data.length; off += 1 << 18) {
                    p.writer().write(data, off, 1 << 18);
                    p.writer().drain();
                }
                assertArrayEquals(data, reading.await());
                p.writer().close();
                p.writer().waitClosed();
            }
        });
    }

    @Test
    void startTlsUpgradesAPlainConnection() throws Exception {
        // asyncio 3.11 StreamWriter.start_tls / loop.start_tls (test_sslproto.test_start_tls_*)
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler(errors);
            try (Server s = Streams.startServer((r, w) -> {
                assertEquals("STARTTLS\n", new String(r.readline()));
                w.write("GO\n".getBytes());
                w.startTls(TlsOptions.of(serverCtx));
                assertNotNull(w.getExtraInfo("cipher"));
                assertNull(w.getExtraInfo("peercert", "none"), "the client sent no certificate");
                byte[] line = r.readline();
                w.write(("tls:" + new String(line)).getBytes());
                w.drain();
                w.close();
            }, "127.0.0.1", 0)) {
                StreamPair p = Streams.openConnection("127.0.0.1", port(s));
                p.writer().write("STARTTLS\n".getBytes());
                assertEquals("GO\n", new String(p.reader().readline()));
                assertNull(p.writer().getExtraInfo("sslcontext"));
                assertThrows(IllegalArgumentException.class, () -> p.writer().startTls(TlsOptions.of(clientCtx)),
                        "a client upgrade needs a server host name");
                p.writer().startTls(TlsOptions.of(clientCtx).withServerHostname("localhost"));
                assertSame(clientCtx, p.writer().getExtraInfo("sslcontext"));
                p.writer().write("hello\n".getBytes());
                assertEquals("tls:hello\n", new String(p.reader().readline()), () -> errors.contexts().toString());
                assertEquals(0, p.reader().read().length);
                p.close();
            }
        });
    }

    @Test
    void pausedTlsReadingDeliversNothing() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0, tlsServer())) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient());
                for (int i = 0; i < 100 && accepted.isEmpty(); i++) {
                    Asyncio.sleep(0.01);
                }
                Recorder peer = accepted.get(0);
                for (int i = 0; i < 100 && peer.transport == null; i++) {
                    Asyncio.sleep(0.01);
                }
                peer.transport.pauseReading();
                assertFalse(peer.transport.isReading());
                c.transport().write("held back".getBytes());
                Asyncio.sleep(0.05);
                assertEquals(0, peer.received.size());
                peer.transport.resumeReading();
                assertEquals("held back", new String(peer.awaitBytes(9)));
                c.transport().close();
            }
        });
    }

    @Test
    void tlsSessionIsReported() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0, tlsServer())) {
                Transport t = loop.createConnection(Recorder::new, "127.0.0.1", port(s), tlsClient()).transport();
                SSLSession session = (SSLSession) t.getExtraInfo("ssl_session");
                assertEquals(t.getExtraInfo("cipher"), session.getCipherSuite());
                t.abort();
            }
        });
    }
}
