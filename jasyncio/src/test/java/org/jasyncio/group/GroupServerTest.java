package org.jasyncio.group;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server over every loop of a group, with real sockets on 127.0.0.1. */
class GroupServerTest {

    static long fdCount() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** The open descriptors and what they point to, for a failure message. */
    static Set<String> fds() {
        Set<String> out = new TreeSet<>();
        File[] fs = new File("/proc/self/fd").listFiles();
        for (File f : fs == null ? new File[0] : fs) {
            try {
                out.add(f.getName() + "->" + Files.readSymbolicLink(f.toPath()));
            } catch (IOException e) {
                // closed meanwhile (the listing's own descriptor)
            }
        }
        return out;
    }

    /** An echo protocol that records which loop serves each connection. */
    static class Echo implements Protocol {
        final Map<Integer, AtomicInteger> perLoop;
        final LoopGroup group;
        Transport transport;

        Echo(LoopGroup group, Map<Integer, AtomicInteger> perLoop) {
            this.group = group;
            this.perLoop = perLoop;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            int me = group.loops().indexOf(Asyncio.getRunningLoop());
            perLoop.computeIfAbsent(me, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    static String roundTrip(Socket s, String msg) throws IOException {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(msg.getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] buf = new byte[msg.length()];
        InputStream in = s.getInputStream();
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                throw new IOException("EOF after " + n + " bytes");
            }
            n += r;
        }
        return new String(buf, StandardCharsets.UTF_8);
    }

    static int port(Server server) {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    @ParameterizedTest
    @EnumSource(value = Balancing.class, names = {"REUSE_PORT", "ACCEPTOR"})
    void connectionsSpreadOverEveryLoop(Balancing balancing) throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            Map<Integer, AtomicInteger> perLoop = new ConcurrentHashMap<>();
            Server server = g.createServer(() -> new Echo(g, perLoop), "127.0.0.1", 0, ServerOptions.defaults(),
                    balancing);
            assertTrue(server.isServing());
            assertEquals(1, server.addresses().size(), "one port shared by every loop");
            assertEquals(balancing == Balancing.REUSE_PORT ? 2 : 1, server.sockets().size());
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    Socket s = new Socket("127.0.0.1", port(server));
                    clients.add(s);
                    assertEquals("hello " + i, roundTrip(s, "hello " + i));
                }
                assertEquals(40, perLoop.values().stream().mapToInt(AtomicInteger::get).sum());
                assertEquals(2, perLoop.size(), "every loop got connections: " + perLoop);
                if (balancing == Balancing.ACCEPTOR) {
                    assertEquals(20, perLoop.get(0).get(), "round robin: " + perLoop);
                }
                assertEquals(40, server.activeConnections());
                assertEquals(40, g.statistics().stream().mapToInt(GroupLoopStatistics::connections).sum());
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            server.close();
            assertFalse(server.isServing());
            assertEquals(List.of(), server.addresses());
            server.waitClosed();
            assertEquals(0, server.activeConnections());
        }
    }

    @Test
    void streamsServerOverTlsServesOnEveryLoop() throws Exception {
        TestCerts certs = TestCerts.get();
        try (LoopGroup g = new LoopGroup(2)) {
            Map<Integer, AtomicInteger> perLoop = new ConcurrentHashMap<>();
            Server server = g.startServer((StreamReader r, StreamWriter w) -> {
                perLoop.computeIfAbsent(g.loops().indexOf(Asyncio.getRunningLoop()), k -> new AtomicInteger())
                        .incrementAndGet();
                byte[] line = r.readline();
                w.write(line);
                w.drain();
                w.close();
            }, "127.0.0.1", 0, ServerOptions.defaults().withSsl(certs.serverContext()), StreamReader.DEFAULT_LIMIT,
                    Balancing.ACCEPTOR);
            for (int i = 0; i < 4; i++) {
                try (SSLSocket s = (SSLSocket) certs.clientContext().getSocketFactory().createSocket("127.0.0.1",
                        port(server))) {
                    assertEquals("tls " + i + "\n", roundTrip(s, "tls " + i + "\n"));
                }
            }
            assertEquals(2, perLoop.get(0).get());
            assertEquals(2, perLoop.get(1).get());
        }
    }

    @Test
    void aFailingHandlerOnOneLoopDoesNotStopTheOthers() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            Map<Integer, AtomicInteger> perLoop = new ConcurrentHashMap<>();
            List<String> reports = new CopyOnWriteArrayList<>();
            for (EventLoop l : g.loops()) {
                Asyncio.runCoroutineThreadsafe(() -> {
                    l.setExceptionHandler((loop, ctx) -> reports.add(ctx.message()));
                    return null;
                }, l).get(10, TimeUnit.SECONDS);
            }
            Server server = g.createServer(() -> new Echo(g, perLoop) {
                @Override
                public void dataReceived(byte[] data) {
                    if (g.loops().indexOf(Asyncio.getRunningLoop()) == 0) {
                        throw new IllegalStateException("handler bug on loop 0");
                    }
                    super.dataReceived(data);
                }
            }, "127.0.0.1", 0, ServerOptions.defaults(), Balancing.ACCEPTOR);
            int ok = 0;
            int failed = 0;
            for (int i = 0; i < 6; i++) {
                try (Socket s = new Socket("127.0.0.1", port(server))) {
                    try {
                        assertEquals("x" + i, roundTrip(s, "x" + i));
                        ok++;
                    } catch (IOException closedByTheBug) {
                        failed++;
                    }
                }
            }
            assertEquals(3, ok, "loop 1 kept serving");
            assertEquals(3, failed, "loop 0's connections were closed by their fault");
            assertTrue(reports.stream().anyMatch(m -> m.contains("protocol") || m.contains("Fatal")), reports.toString());
            // loop 0 still runs: its tasks still run, the acceptor on it still hands connections over
            assertEquals(0, Asyncio.runCoroutineThreadsafe(() -> g.loops().indexOf(Asyncio.getRunningLoop()),
                    g.loops().get(0)).get(10, TimeUnit.SECONDS));
            assertTrue(g.statistics().get(0).running());
        }
    }

    @Test
    void serveForeverEndsWithCancelledErrorWhenClosedAndWaitClosedWaitsForClients() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            Server server = g.createServer(() -> new Echo(g, new ConcurrentHashMap<>()), "127.0.0.1", 0,
                    ServerOptions.defaults().withStartServing(false), Balancing.AUTO);
            assertFalse(server.isServing());
            CompletableFuture<Void> forever = g.submit(() -> server.serveForever());
            Socket s = null;
            for (int i = 0; i < 100 && s == null; i++) {
                if (server.isServing()) {
                    s = new Socket("127.0.0.1", port(server));
                } else {
                    Asyncio.runCoroutineThreadsafe(() -> {
                        Asyncio.sleep(0.01);
                        return null;
                    }, g.loops().get(0)).get(10, TimeUnit.SECONDS);
                }
            }
            assertNotNull(s, "serveForever started serving");
            assertEquals("ping", roundTrip(s, "ping"));
            IllegalStateException twice = assertThrows(IllegalStateException.class, server::serveForever);
            assertTrue(twice.getMessage().contains("already"), twice.getMessage());
            server.close();
            // the accepted connection lives on after close, and serveForever, as asyncio's,
            // waits for it (wait_closed) before it raises
            assertEquals("still", roundTrip(s, "still"));
            CompletableFuture<Void> waited = CompletableFuture.runAsync(server::waitClosed,
                    r -> Thread.ofPlatform().start(r));
            assertFalse(waited.isDone());
            assertFalse(forever.isDone());
            server.closeClients();
            waited.get(10, TimeUnit.SECONDS);
            // the task ended with CancelledError, so its CompletableFuture is cancelled
            assertThrows(CancellationException.class, () -> forever.get(10, TimeUnit.SECONDS));
            assertEquals(-1, s.getInputStream().read(), "closed gracefully");
            s.close();
            assertThrows(IllegalStateException.class, server::startServing);
        }
    }

    @Test
    void aBindErrorNamesTheAddressAndLeaksNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                LoopGroup g = new LoopGroup(2)) {
            g.statistics(); // threads started and loops warmed up before counting
            long before = fdCount();
            for (Balancing b : List.of(Balancing.REUSE_PORT, Balancing.ACCEPTOR)) {
                IOException e = assertThrows(IOException.class, () -> g.createServer(
                        () -> new Echo(g, new ConcurrentHashMap<>()), "127.0.0.1", taken.getLocalPort(),
                        ServerOptions.defaults(), b));
                assertInstanceOf(BindException.class, e);
                assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
            }
            g.statistics(); // the parts' closes went through every inbox before this sample
            assertEquals(before, fdCount());
            assertEquals(0, g.statistics().stream().mapToInt(GroupLoopStatistics::connections).sum());
        }
    }

    @Test
    void badArgumentsAreRefused() {
        try (LoopGroup g = new LoopGroup(1)) {
            assertThrows(IllegalArgumentException.class, () -> g.createServer(() -> null, "127.0.0.1", 70000,
                    ServerOptions.defaults(), Balancing.AUTO));
            assertThrows(IllegalArgumentException.class, () -> g.startServer((r, w) -> {}, "127.0.0.1", 0,
                    ServerOptions.defaults(), 0, Balancing.AUTO));
            assertThrows(NullPointerException.class, () -> g.createServer(null, "127.0.0.1", 0));
            g.shutdown(5);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> g.createServer(() -> null, "127.0.0.1", 0));
            assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        }
    }

    /**
     * Twenty clients stream data through the echo while the group shuts down: each receives
     * exactly a prefix of what it sent, then end of file (a graceful close, not a reset); no
     * descriptor and no thread is left behind.
     */
    @ParameterizedTest
    @EnumSource(value = Balancing.class, names = {"REUSE_PORT", "ACCEPTOR"})
    void shutdownWithBusyConnectionsLosesNoAcceptedDataAndLeaksNothing(Balancing balancing) throws Exception {
        warmUp(balancing);
        long fdsBefore = fdCount();
        Set<String> fdsAtStart = fds();
        int threadsBefore = LoopGroupTest.loopThreads().size();
        LoopGroup g = new LoopGroup(2);
        Server server = g.startServer((StreamReader r, StreamWriter w) -> {
            while (true) {
                byte[] data = r.read(4096);
                if (data.length == 0) {
                    break;
                }
                w.write(data);
                w.drain();
            }
            w.close();
        }, "127.0.0.1", 0, ServerOptions.defaults(), StreamReader.DEFAULT_LIMIT, balancing);
        int port = port(server);
        int n = 20;
        List<CompletableFuture<String>> clients = new ArrayList<>();
        CompletableFuture<Void> allBusy = new CompletableFuture<>();
        AtomicInteger busy = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        for (int c = 0; c < n; c++) {
            int id = c;
            clients.add(CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(20_000);
                    ByteArrayOutputStream sent = new ByteArrayOutputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    Thread reader = Thread.ofPlatform().start(() -> {
                        byte[] buf = new byte[8192];
                        try {
                            InputStream in = s.getInputStream();
                            for (int r; (r = in.read(buf)) >= 0; ) {
                                synchronized (got) {
                                    got.write(buf, 0, r);
                                }
                            }
                        } catch (IOException reset) {
                            // A socket closed with unread input is reset by TCP (the client was
                            // still sending): what arrived before the reset is still checked.
                        }
                    });
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[1024];
                    try {
                        for (int k = 0; k < 100_000; k++) {
                            Arrays.fill(chunk, (byte) ('a' + (id + k) % 26));
                            out.write(chunk);
                            sent.write(chunk);
                            if (k == 20 && busy.incrementAndGet() == n) {
                                allBusy.complete(null);
                            }
                        }
                    } catch (IOException closedByServer) {
                        // the server closed while we were sending: expected
                    }
                    reader.join(20_000);
                    byte[] g1 = got.toByteArray();
                    byte[] s1 = sent.toByteArray();
                    if (g1.length > s1.length) {
                        return "client " + id + " got more than it sent";
                    }
                    if (!Arrays.equals(g1, 0, g1.length, s1, 0, g1.length)) {
                        return "client " + id + " got bytes that are not a prefix of what it sent";
                    }
                    received.addAndGet(g1.length);
                    return "ok";
                } catch (Exception e) {
                    return "client " + id + ": " + e;
                }
            }, r -> Thread.ofPlatform().start(r)));
        }
        allBusy.get(30, TimeUnit.SECONDS);
        assertTrue(g.shutdown(10), "drained in time");
        for (CompletableFuture<String> c : clients) {
            assertEquals("ok", c.get(30, TimeUnit.SECONDS));
        }
        assertTrue(received.get() > 0, "the echo ran before the shutdown");
        assertEquals(threadsBefore, LoopGroupTest.loopThreads().size(), "no loop thread left");
        Set<String> extra = fds();
        extra.removeAll(fdsAtStart);
        assertEquals(fdsBefore, fdCount(), () -> "no descriptor left: " + extra);
    }

    /**
     * Runs the scenario once, small, so that what the JDK opens once per process (its I/O
     * pollers) is open before the descriptors are counted.
     */
    private static void warmUp(Balancing balancing) throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            Server server = g.createServer(() -> new Echo(g, new ConcurrentHashMap<>()), "127.0.0.1", 0,
                    ServerOptions.defaults(), balancing);
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket("127.0.0.1", port(server))) {
                    roundTrip(s, "warm");
                }
            }
        }
    }

    /**
     * Replies buffered in the transports when the shutdown starts are sent in full before the
     * connections close: the graceful close flushes them, on every loop.
     */
    @ParameterizedTest
    @EnumSource(value = Balancing.class, names = {"REUSE_PORT", "ACCEPTOR"})
    void shutdownSendsWhatTheConnectionsBuffered(Balancing balancing) throws Exception {
        int size = 8 << 20;
        LoopGroup g = new LoopGroup(2);
        CompletableFuture<Void> buffered = new CompletableFuture<>();
        AtomicInteger replies = new AtomicInteger();
        Server server = g.createServer(() -> new Protocol() {
            Transport t;

            @Override
            public void connectionMade(BaseTransport transport) {
                t = (Transport) transport;
            }

            @Override
            public void dataReceived(byte[] data) {
                byte[] reply = new byte[size];
                Arrays.fill(reply, data[0]);
                t.write(reply); // far more than the socket takes at once: most of it stays buffered
                if (replies.incrementAndGet() == 4) {
                    buffered.complete(null);
                }
            }
        }, "127.0.0.1", 0, ServerOptions.defaults(), balancing);
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket("127.0.0.1", port(server));
            s.setSoTimeout(20_000);
            s.getOutputStream().write('a' + i);
            clients.add(s);
        }
        buffered.get(10, TimeUnit.SECONDS);
        CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> g.shutdown(20),
                r -> Thread.ofPlatform().start(r));
        for (int i = 0; i < 4; i++) {
            Socket s = clients.get(i);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            for (int r; (r = in.read(buf)) >= 0; ) {
                for (int k = 0; k < r; k++) {
                    assertEquals('a' + i, buf[k]);
                }
                total += r;
            }
            assertEquals(size, total, "client " + i + " got the whole reply, then end of file");
            s.close();
        }
        assertTrue(shutdown.get(30, TimeUnit.SECONDS));
    }

    @Test
    void addressesAreSharedAcrossLoopsWithAFixedPort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (LoopGroup g = new LoopGroup(3)) {
            Server server = g.createServer(() -> new Echo(g, new ConcurrentHashMap<>()), "127.0.0.1", port,
                    ServerOptions.defaults(), Balancing.REUSE_PORT);
            List<SocketAddress> addrs = server.addresses();
            assertEquals(List.of(new InetSocketAddress("127.0.0.1", port)), addrs);
            assertEquals(3, server.sockets().size());
            assertSame(g.loops().get(0), server.getLoop());
            assertTrue(server.toString().contains("loops=3"), server.toString());
        }
    }

    @Test
    void aServerMadeFromAGroupTaskServesAndIsAwaitedThere() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            Server server = g.submit(() -> g.createServer(() -> new Echo(g, new ConcurrentHashMap<>()), "127.0.0.1",
                    0, ServerOptions.defaults().withStartServing(false), Balancing.ACCEPTOR)).get(10, TimeUnit.SECONDS);
            assertFalse(server.isServing());
            g.submit(() -> server.startServing()).get(10, TimeUnit.SECONDS);
            assertTrue(server.isServing());
            int port = port(server);
            try (Socket s = new Socket("127.0.0.1", port)) {
                assertEquals("from a task", roundTrip(s, "from a task"));
            }
            CompletableFuture<Void> waited = g.submit(() -> {
                server.close();
                server.close(); // idempotent
                server.waitClosed();
            });
            waited.get(10, TimeUnit.SECONDS);
            assertFalse(server.isServing());
            assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
        }
    }

    @Test
    void aFailingProtocolFactoryClosesThatConnectionAndTheServerGoesOn() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            List<String> reports = new CopyOnWriteArrayList<>();
            for (EventLoop l : g.loops()) {
                Asyncio.runCoroutineThreadsafe(() -> {
                    l.setExceptionHandler((loop, ctx) -> reports.add(ctx.message()));
                    return null;
                }, l).get(10, TimeUnit.SECONDS);
            }
            AtomicInteger made = new AtomicInteger();
            Server server = g.createServer(() -> {
                if (made.incrementAndGet() % 2 == 1) {
                    throw new IllegalStateException("factory bug");
                }
                return new Echo(g, new ConcurrentHashMap<>());
            }, "127.0.0.1", 0, ServerOptions.defaults(), Balancing.ACCEPTOR);
            int ok = 0;
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket("127.0.0.1", port(server))) {
                    try {
                        roundTrip(s, "y");
                        ok++;
                    } catch (IOException closed) {
                        // the odd connections were closed at once
                    }
                }
            }
            assertEquals(2, ok);
            assertEquals(2, reports.stream().filter(m -> m.contains("incoming connection")).count(), reports.toString());
        }
    }

    @Test
    void shuttingTheGroupDownClosesItsServers() throws Exception {
        LoopGroup g = new LoopGroup(2);
        Server server = g.createServer(() -> new Echo(g, new ConcurrentHashMap<>()), "127.0.0.1", 0);
        int port = port(server);
        assertTrue(g.shutdown(10));
        assertFalse(server.isServing());
        assertEquals(List.of(), server.sockets());
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
        server.waitClosed(); // every loop is closed: returns at once
    }

    @Test
    void aUnixServerHandsConnectionsToEveryLoopAndRemovesItsFile() throws Exception {
        Path dir = Files.createTempDirectory("jasyncio-group");
        Path sock = dir.resolve("echo.sock");
        try (LoopGroup g = new LoopGroup(2)) {
            Map<Integer, AtomicInteger> perLoop = new ConcurrentHashMap<>();
            Server server = g.startUnixServer((StreamReader r, StreamWriter w) -> {
                perLoop.computeIfAbsent(g.loops().indexOf(Asyncio.getRunningLoop()), k -> new AtomicInteger())
                        .incrementAndGet();
                w.write(r.readline());
                w.drain();
                w.close();
            }, sock, ServerOptions.defaults(), StreamReader.DEFAULT_LIMIT);
            assertEquals(List.of(UnixDomainSocketAddress.of(sock)), server.addresses());
            for (int i = 0; i < 4; i++) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                    ch.write(ByteBuffer.wrap(("unix " + i + "\n").getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer back = ByteBuffer.allocate(64);
                    while (ch.read(back) >= 0) {
                        // until the server closes
                    }
                    assertEquals("unix " + i + "\n", new String(back.array(), 0, back.position(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(2, perLoop.get(0).get(), perLoop.toString());
            assertEquals(2, perLoop.get(1).get(), perLoop.toString());
            server.close();
            server.waitClosed();
            assertFalse(Files.exists(sock), "the socket file is removed at close");
        } finally {
            Files.deleteIfExists(sock);
            Files.delete(dir);
        }
    }
}
