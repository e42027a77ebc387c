package org.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.jasyncio.transports.TlsOptions;
import org.junit.jupiter.api.Test;

/** Where the SSLEngine's delegated tasks run: on the shared pool by default, on the loop when asked. */
class SslTaskPoolTest {

    /** One echoed byte over TLS; returns how many task batches the pool ran meanwhile. */
    private static long handshake(boolean serverOffLoop, boolean clientOffLoop) throws Exception {
        TestCerts certs = TestCerts.get();
        SSLContext server = certs.serverContext();
        SSLContext client = certs.clientContext();
        long before = SslTaskPool.completed();
        Asyncio.run(() -> {
            ServerOptions so = ServerOptions.defaults().withTls(TlsOptions.of(server)
                    .withDelegatedTasksOffLoop(serverOffLoop));
            try (Server s = Streams.startServer((r, w) -> {
                w.write(r.readExactly(1));
                w.drain();
                w.close();
            }, "localhost", 0, so)) {
                int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                ConnectionOptions co = ConnectionOptions.defaults().withTls(TlsOptions.of(client)
                        .withDelegatedTasksOffLoop(clientOffLoop));
                try (StreamPair p = Streams.openConnection("localhost", port, co)) {
                    p.writer().write(new byte[] {7});
                    assertEquals(7, p.reader().readExactly(1)[0]);
                }
            }
        });
        // a batch counts as completed just after it posted its result to the loop
        long deadline = System.nanoTime() + 5_000_000_000L;
        long after = SslTaskPool.completed();
        while (serverOffLoop | clientOffLoop && after == before && System.nanoTime() < deadline) {
            Thread.sleep(10);
            after = SslTaskPool.completed();
        }
        return after - before;
    }

    @Test
    void handshakeCryptoRunsOffTheLoopByDefault() throws Exception {
        assertTrue(TlsOptions.of(SSLContext.getDefault()).delegatedTasksOffLoop());
        assertTrue(handshake(true, true) >= 2, "both sides handed their tasks to the pool");
        assertTrue(handshake(true, false) >= 1, "the server side did");
    }

    @Test
    void handshakeCryptoRunsOnTheLoopWhenAsked() throws Exception {
        handshake(true, true); // the pool exists and is idle before counting
        Thread.sleep(50);
        assertEquals(0, handshake(false, false));
    }
}
