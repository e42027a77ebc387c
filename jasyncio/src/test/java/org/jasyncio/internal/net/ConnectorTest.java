package org.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Test;

/** create_connection's address loop and start_tls's argument checks (CPython test_base_events). */
class ConnectorTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyAddressIsTriedAndAllFailuresAreReported() throws Exception {
        // test_base_events.test_create_connection_multiple_errors
        int port = freePort();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<InetSocketAddress> addrs = List.of(new InetSocketAddress("127.0.0.1", port),
                    new InetSocketAddress("127.0.0.2", port));
            IOException e = assertThrows(IOException.class, () -> Connector.connectFirst(loop, addrs, null));
            assertTrue(e.getMessage().startsWith("Multiple exceptions: "), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("127.0.0.2:" + port),
                    e.getMessage());
            assertEquals(2, e.getSuppressed().length);
            ConnectException one = assertThrows(ConnectException.class,
                    () -> Connector.connectFirst(loop, addrs.subList(0, 1), null));
            assertTrue(one.getMessage().startsWith("Connect call failed"), one.getMessage());
            // the second address answers: the first failure is forgotten
            try (Server s = loop.createServer(() -> new Protocol() { }, "127.0.0.2", 0)) {
                int good = ((InetSocketAddress) s.addresses().get(0)).getPort();
                var ch = Connector.connectFirst(loop, List.of(new InetSocketAddress("127.0.0.1", port),
                        new InetSocketAddress("127.0.0.2", good)), null);
                assertEquals(new InetSocketAddress("127.0.0.2", good), ch.getRemoteAddress());
                ch.close();
            }
        });
    }

    @Test
    void startTlsChecksItsArguments() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            TlsOptions tls = TlsOptions.of(javax.net.ssl.SSLContext.getDefault());
            Transport fake = (Transport) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Transport.class}, (proxy, m, args) -> null);
            assertThrows(IllegalArgumentException.class, () -> loop.startTls(fake, new Protocol() { }, tls, false));
            try (Server s = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                Connection<Protocol> c = loop.createConnection(() -> new Protocol() { }, "127.0.0.1", port);
                assertThrows(IllegalArgumentException.class, () -> loop.startTls(c.transport(), c.protocol(), tls, false),
                        "a client needs a server host name");
                assertThrows(IllegalArgumentException.class, () -> loop.startTls(c.transport(), c.protocol(),
                        tls.withServerHostname("x"), true), "a server takes none");
                c.transport().close();
                assertThrows(IllegalStateException.class, () -> loop.startTls(c.transport(), c.protocol(),
                        tls.withServerHostname("localhost"), false), "closing");
            }
            assertNotNull(BaseTransport.class);
        });
    }
}
