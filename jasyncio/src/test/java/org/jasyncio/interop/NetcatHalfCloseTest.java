package org.jasyncio.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Test;

/**
 * Half-close against netcat (netcat-openbsd, {@code -N}: shut the socket down on end of
 * stdin): {@code writeEof} on one side is {@code eofReceived} on the other, and everything
 * written before it is delivered.
 */
class NetcatHalfCloseTest {
    private static final String BIG = "x".repeat(200_000) + "\n";

    @Test
    void netcatClientHalfClosesAndTheServerAnswersAfterwards() throws Exception {
        Peers.assumeOnPath("nc", "netcat-openbsd");
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> gotEof = loop.createFuture();
            try (Server server = loop.createServer(() -> new Protocol() {
                Transport t;
                final StringBuilder in = new StringBuilder();

                @Override
                public void connectionMade(BaseTransport transport) {
                    t = (Transport) transport;
                }

                @Override
                public void dataReceived(byte[] data) {
                    in.append(new String(data));
                }

                @Override
                public boolean eofReceived() {
                    gotEof.trySetResult(in.toString());
                    t.write(("got " + in.length() + " bytes, bye\n").getBytes());
                    t.close(); // our reply is still delivered, then we close
                    return true;
                }
            }, "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                Process p = Peers.start(List.of("nc", "-N", "127.0.0.1", Integer.toString(port)));
                try {
                    Asyncio.toThread(() -> {
                        p.getOutputStream().write(BIG.getBytes());
                        p.getOutputStream().close(); // end of stdin: nc shuts down its sending side
                        return null;
                    });
                    assertEquals(BIG, Asyncio.waitFor(gotEof, 30), "all data before the EOF was delivered");
                    assertEquals(0, Peers.waitFor(p, 30));
                    assertEquals("got " + BIG.length() + " bytes, bye\n", Peers.all(p.getInputStream()),
                            "the server wrote after the client's half-close");
                } finally {
                    Peers.stop(p);
                }
            }
        });
    }

    @Test
    void jasyncioClientHalfClosesAgainstANetcatServer() throws Exception {
        Peers.assumeOnPath("nc", "netcat-openbsd");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Process p = Peers.start(List.of("nc", "-N", "-l", "127.0.0.1", Integer.toString(port)));
            try {
                Future<String> eof = loop.createFuture();
                StringBuilder in = new StringBuilder();
                Connection<Protocol> c = null;
                for (int i = 0; i < 100 && c == null; i++) {
                    try {
                        c = loop.createConnection(() -> new Protocol() {
                            @Override
                            public void dataReceived(byte[] data) {
                                in.append(new String(data));
                            }

                            @Override
                            public boolean eofReceived() {
                                eof.trySetResult(in.toString());
                                return true; // keep our side open: we still write
                            }
                        }, "127.0.0.1", port);
                    } catch (java.net.ConnectException notYetListening) {
                        Asyncio.sleep(0.05);
                    }
                }
                assertNotNull(c, "nc did not listen");
                Transport t = c.transport();
                Asyncio.toThread(() -> {
                    p.getOutputStream().write("from nc\n".getBytes());
                    p.getOutputStream().close();
                    return null;
                });
                assertEquals("from nc\n", Asyncio.waitFor(eof, 30), "nc's data, then its half-close");
                var ncOutput = Asyncio.createTask(() -> Peers.all(p.getInputStream())); // drain nc's stdout pipe
                t.write(BIG.getBytes());
                t.writeEof(); // nc reads to end of stream and exits
                assertEquals(0, Peers.waitFor(p, 30));
                assertEquals(BIG, ncOutput.await(), "everything before our EOF reached nc");
                t.close();
            } finally {
                Peers.stop(p);
            }
        });
    }
}
