package org.jasyncio.transports;

import static org.jasyncio.transports.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.Test;

/** asyncio.Server: serving, closing, waiting, client tracking (CPython test_server, test_events create_server). */
class ServerTest {

    @Test
    void portZeroAndAddresses() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0)) {
                assertTrue(s.isServing());
                assertSame(loop, s.getLoop());
                InetSocketAddress a = (InetSocketAddress) s.addresses().get(0);
                assertEquals("127.0.0.1", a.getAddress().getHostAddress());
                assertTrue(a.getPort() > 0);
                assertEquals(a, ((ServerSocketChannel) s.sockets().get(0)).getLocalAddress());
                assertTrue(((ServerSocketChannel) s.sockets().get(0)).getOption(StandardSocketOptions.SO_REUSEADDR));
            }
        });
    }

    @Test
    void severalHostsGiveSeveralSockets() throws Exception {
        // test_events.test_create_server_multiple_hosts
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, List.of("127.0.0.1", "127.0.0.2"), 0,
                    ServerOptions.defaults())) {
                assertEquals(2, s.sockets().size(), s.addresses().toString());
                for (var a : s.addresses()) {
                    InetSocketAddress ia = (InetSocketAddress) a;
                    Connection<Recorder> c = loop.createConnection(Recorder::new, ia.getHostString(), ia.getPort());
                    c.transport().close();
                }
            }
        });
    }

    @Test
    void allInterfacesWhenTheHostIsNull() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, (String) null, 0)) {
                InetSocketAddress a = (InetSocketAddress) s.addresses().get(0);
                assertTrue(a.getAddress().isAnyLocalAddress(), a.toString());
                loop.createConnection(Recorder::new, "127.0.0.1", a.getPort()).transport().close();
            }
        });
    }

    @Test
    void startServingLater() throws Exception {
        // test_server.test_start_server_1 (start_serving=False)
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0,
                    ServerOptions.defaults().withStartServing(false))) {
                assertFalse(s.isServing());
                Task<Connection<Recorder>> c = Asyncio.createTask(
                        () -> loop.createConnection(Recorder::new, "127.0.0.1", port(s)));
                Asyncio.sleep(0.05);
                assertTrue(accepted.isEmpty(), "not accepted before startServing");
                s.startServing();
                assertTrue(s.isServing());
                c.await().transport().close();
                Asyncio.sleep(0.01);
                assertEquals(1, accepted.size());
            }
        });
    }

    @Test
    void serveForeverClosesTheServerWhenCancelled() throws Exception {
        // test_server.test_serve_forever (3.7+: cancelling serve_forever closes the server)
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server s = loop.createServer(Recorder::new, "127.0.0.1", 0);
            Task<Void> t = Asyncio.createTask(() -> s.serveForever());
            Asyncio.sleep(0.01);
            IllegalStateException twice = assertThrows(IllegalStateException.class, s::serveForever);
            assertTrue(twice.getMessage().contains("already being awaited"), twice.getMessage());
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            assertFalse(s.isServing());
            assertTrue(s.sockets().isEmpty());
            assertThrows(IllegalStateException.class, s::serveForever, "closed");
        });
    }

    @Test
    void closingStopsServeForever() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server s = loop.createServer(Recorder::new, "127.0.0.1", 0);
            Task<Void> t = Asyncio.createTask(() -> s.serveForever());
            Asyncio.sleep(0.01);
            s.close();
            s.close(); // twice does nothing
            assertThrows(CancelledError.class, t::await);
        });
    }

    @Test
    void waitClosedWaitsForTheConnectionsToo() throws Exception {
        // test_server.test_wait_closed_basic (3.12 semantics: waits for active connections)
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server s = loop.createServer(Recorder::new, "127.0.0.1", 0);
            Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
            Asyncio.sleep(0.01);
            assertEquals(1, s.activeConnections());
            Task<Void> waiting = Asyncio.createTask(() -> s.waitClosed());
            s.close();
            Asyncio.sleep(0.05);
            assertFalse(waiting.done(), "a connection is still open");
            c.transport().close();
            Asyncio.waitFor(waiting, 10);
            assertEquals(0, s.activeConnections());
            s.waitClosed(); // returns at once now
        });
    }

    @Test
    void closeClientsAndAbortClients() throws Exception {
        // test_server.test_close_clients / test_abort_clients (3.13)
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Server s = loop.createServer(Recorder::new, "127.0.0.1", 0);
            List<Recorder> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(loop.createConnection(Recorder::new, "127.0.0.1", port(s)).protocol());
            }
            Asyncio.sleep(0.01);
            assertEquals(3, s.activeConnections());
            s.close();
            s.closeClients();
            s.waitClosed();
            for (Recorder r : clients) {
                r.awaitLost();
                assertTrue(r.events.contains("eof"), r.events.toString());
            }
            Server s2 = loop.createServer(Recorder::new, "127.0.0.1", 0);
            Recorder r = loop.createConnection(Recorder::new, "127.0.0.1", port(s2)).protocol();
            Asyncio.sleep(0.01);
            s2.close();
            s2.abortClients();
            s2.waitClosed();
            r.awaitLost();
        });
    }

    @Test
    void addressInUse() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Recorder::new, "127.0.0.1", 0,
                    ServerOptions.defaults().withReuseAddress(false))) {
                BindException e = assertThrows(BindException.class, () -> loop.createServer(Recorder::new, "127.0.0.1",
                        port(s), ServerOptions.defaults().withReuseAddress(false)));
                assertTrue(e.getMessage().contains("error while attempting to bind on address"), e.getMessage());
            }
        });
    }

    @Test
    void reusePortLetsTwoServersShareAPort() throws Exception {
        // test_events.test_create_server_reuse_port
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ServerOptions o = ServerOptions.defaults().withReusePort(true);
            try (Server a = loop.createServer(Recorder::new, "127.0.0.1", 0, o);
                    Server b = loop.createServer(Recorder::new, "127.0.0.1", port(a), o)) {
                assertEquals(port(a), port(b));
            }
        });
    }

    @Test
    void aFailingProtocolFactoryIsReportedAndTheServerGoesOn() throws Exception {
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler(errors);
            int[] n = {0};
            try (Server s = loop.createServer(() -> {
                if (n[0]++ == 0) {
                    throw new IllegalStateException("first one fails");
                }
                return new SocketTransportTest.Echo();
            }, "127.0.0.1", 0)) {
                Recorder first = loop.createConnection(Recorder::new, "127.0.0.1", port(s)).protocol();
                first.awaitLost();
                Connection<Recorder> second = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                second.transport().write("ok".getBytes());
                assertEquals("ok", new String(second.protocol().awaitBytes(2)));
                second.transport().close();
            }
        });
        assertEquals(List.of("Error on transport creation for incoming connection"), errors.messages());
    }

    @Test
    void badArguments() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertThrows(IllegalArgumentException.class, () -> loop.createServer(Recorder::new, "127.0.0.1", 65536));
            assertThrows(IllegalArgumentException.class,
                    () -> loop.createServer(Recorder::new, List.of(), 0, ServerOptions.defaults()));
            assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withBacklog(0));
        });
        try (EventLoop loop = Asyncio.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.createServer(Recorder::new, "127.0.0.1", 0));
            assertTrue(e.getMessage().contains("inside a task"), e.getMessage());
        }
    }
}
