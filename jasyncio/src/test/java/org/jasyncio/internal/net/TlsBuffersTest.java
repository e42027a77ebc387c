package org.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS connections borrow their read and write buffers from the loop and give them back when
 * empty: an idle connection holds none, and no bytes are lost or mixed up on the way.
 */
class TlsBuffersTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        TestCerts certs = TestCerts.get();
        serverCtx = certs.serverContext();
        clientCtx = certs.clientContext();
    }

    /** Collects what it receives; completes {@code want} once {@code wantBytes} arrived. */
    static class Sink implements Protocol {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final EventLoop loop = Asyncio.getRunningLoop();
        Transport transport;
        Future<byte[]> want;
        int wantBytes;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] data) {
            received.writeBytes(data);
            if (want != null && received.size() >= wantBytes) {
                want.trySetResult(received.toByteArray());
                want = null;
            }
        }

        byte[] awaitBytes(int n) throws Exception {
            if (received.size() >= n) {
                return received.toByteArray();
            }
            want = loop.createFuture();
            wantBytes = n;
            return Asyncio.waitFor(want, 20);
        }
    }

    /** Echoes what it receives. */
    static class Echo implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    static int port(Server s) {
        return ((InetSocketAddress) s.addresses().get(0)).getPort();
    }

    static SslProtocol ssl(Transport t) {
        return ((SslTransport) t).protocol();
    }

    @Test
    void idleConnectionsHoldNoReadBuffer() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Echo> accepted = new ArrayList<>();
            try (Server s = loop.createServer(() -> {
                Echo e = new Echo();
                accepted.add(e);
                return e;
            }, "localhost", 0, ServerOptions.defaults().withSsl(serverCtx))) {
                Connection<Sink> c = loop.createConnection(Sink::new, "localhost", port(s),
                        ConnectionOptions.defaults().withSsl(clientCtx));
                byte[] msg = new byte[50_000];
                new Random(1).nextBytes(msg);
                c.transport().write(msg);
                assertArrayEquals(msg, c.protocol().awaitBytes(msg.length));
                assertEquals(0, ssl(c.transport()).heldReadBufferBytes(), "the client, idle after the echo");
                assertEquals(1, accepted.size());
                assertEquals(0, ssl(accepted.get(0).transport).heldReadBufferBytes(), "the server, idle");
                c.transport().close();
            }
        });
    }

    @Test
    void pausedReaderKeepsWhatItHasNotTakenAndGetsItAllInOrder() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Echo> accepted = new ArrayList<>();
            try (Server s = loop.createServer(() -> {
                Echo e = new Echo();
                accepted.add(e);
                return e;
            }, "localhost", 0, ServerOptions.defaults().withSsl(serverCtx))) {
                Connection<Sink> c = loop.createConnection(Sink::new, "localhost", port(s),
                        ConnectionOptions.defaults().withSsl(clientCtx));
                Transport t = c.transport();
                byte[] first = new byte[1000];
                Arrays.fill(first, (byte) 1);
                t.write(first);
                c.protocol().awaitBytes(first.length);
                t.pauseReading();
                byte[] rest = new byte[300_000];
                new Random(2).nextBytes(rest);
                t.write(rest);
                // The echo comes back while the client is paused: the bytes wait, nothing is delivered.
                for (int i = 0; i < 200 && accepted.get(0).transport.getWriteBufferSize() == 0
                        && c.protocol().received.size() == first.length; i++) {
                    Asyncio.sleep(0.01);
                }
                assertEquals(first.length, c.protocol().received.size(), "nothing delivered while paused");
                t.resumeReading();
                byte[] all = c.protocol().awaitBytes(first.length + rest.length);
                assertArrayEquals(first, Arrays.copyOf(all, first.length));
                assertArrayEquals(rest, Arrays.copyOfRange(all, first.length, all.length));
                assertEquals(0, ssl(t).heldReadBufferBytes());
                t.close();
            }
        });
    }

    /**
     * A relay: what the server receives on one TLS connection it writes, from inside its data
     * callback, to a second TLS connection (to an echo server), whose echo goes back the same way.
     * Buffers are borrowed while another connection has its own out of the pool.
     */
    @Test
    void relayBetweenTlsConnectionsLosesAndMixesNothing() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerOptions tls = ServerOptions.defaults().withSsl(serverCtx);
            ConnectionOptions client = ConnectionOptions.defaults().withSsl(clientCtx);
            try (Server echo = loop.createServer(Echo::new, "localhost", 0, tls)) {
                int echoPort = port(echo);
                try (Server relay = loop.createServer(() -> new Protocol() {
                    Transport front;
                    Transport back;
                    final List<byte[]> early = new ArrayList<>();

                    @Override
                    public void connectionMade(BaseTransport t) {
                        front = (Transport) t;
                        loop.createTask(() -> {
                            Connection<Protocol> c = loop.createConnection(() -> new Protocol() {
                                @Override
                                public void dataReceived(byte[] data) {
                                    front.write(data);
                                }
                            }, "localhost", echoPort, client);
                            back = c.transport();
                            early.forEach(back::write);
                            early.clear();
                        });
                    }

                    @Override
                    public void dataReceived(byte[] data) {
                        if (back == null) {
                            early.add(data);
                        } else {
                            back.write(data);
                        }
                    }
                }, "localhost", 0, tls)) {
                    List<Connection<Sink>> conns = new ArrayList<>();
                    List<byte[]> sent = new ArrayList<>();
                    Random rnd = new Random(3);
                    for (int i = 0; i < 4; i++) {
                        conns.add(loop.createConnection(Sink::new, "localhost", port(relay), client));
                        sent.add(new byte[0]);
                    }
                    for (int round = 0; round < 40; round++) {
                        for (int i = 0; i < conns.size(); i++) {
                            byte[] chunk = new byte[1 + rnd.nextInt(40_000)];
                            rnd.nextBytes(chunk);
                            conns.get(i).transport().write(chunk);
                            byte[] s = sent.get(i);
                            byte[] n = Arrays.copyOf(s, s.length + chunk.length);
                            System.arraycopy(chunk, 0, n, s.length, chunk.length);
                            sent.set(i, n);
                        }
                        Asyncio.sleep(0);
                    }
                    for (int i = 0; i < conns.size(); i++) {
                        byte[] want = sent.get(i);
                        byte[] got = conns.get(i).protocol().awaitBytes(want.length);
                        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(want),
                                MessageDigest.getInstance("SHA-256").digest(got), "connection " + i);
                        conns.get(i).transport().close();
                    }
                }
            }
        });
    }
}
