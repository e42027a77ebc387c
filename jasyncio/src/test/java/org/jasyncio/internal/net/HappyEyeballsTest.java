package org.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Runner;
import org.jasyncio.Task;
import org.jasyncio.VirtualClock;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Server;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Happy eyeballs (RFC 8305; asyncio's {@code happy_eyeballs_delay} and {@code interleave}):
 * the address order, a CPython asyncio dual-stack server as the peer, and refused and
 * blackholed first addresses on a virtual clock, each checked for leaked channels.
 */
class HappyEyeballsTest {
    private static final String PYTHON = "/usr/bin/python3";

    /** CPython asyncio listening on ::1 and 127.0.0.1, same port; answers each client with its family. */
    private static final String DUAL_STACK_SERVER = """
            import asyncio, socket, sys
            async def handle(r, w):
                fam = w.get_extra_info('socket').family
                w.write(b'AF_INET6\\n' if fam == socket.AF_INET6 else b'AF_INET\\n')
                await w.drain()
                w.close()
            async def main():
                hosts = sys.argv[1:]
                first = await asyncio.start_server(handle, hosts[0], 0)
                port = first.sockets[0].getsockname()[1]
                for h in hosts[1:]:
                    await asyncio.start_server(handle, h, port)
                print(port, flush=True)
                await asyncio.sleep(3600)
            asyncio.run(main())
            """;

    private static InetSocketAddress v4(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static InetSocketAddress v6(int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName("::1"), port);
    }

    private static boolean ipv6Loopback() {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static <T> T onVirtualClock(Coroutine<T> coro) throws Exception {
        // Real sockets on a virtual clock: the loop watches for I/O for up to 0.5 s of real
        // time before it jumps to the next timer, so a connect that answers is never outrun.
        VirtualClock clock = new VirtualClock(0.5);
        try (Runner r = new Runner(null, clock::newEventLoop)) {
            return r.run(coro);
        }
    }

    // ---- the order of attempts ----------------------------------------------------------

    @Test
    void interleaveAlternatesTheFamiliesFromTheFirstOne() throws Exception {
        List<InetSocketAddress> addrs = List.of(v6(1), v6(2), v6(3), v4(4), v4(5));
        assertEquals(List.of(v6(1), v4(4), v6(2), v4(5), v6(3)), Connector.interleave(addrs, 1));
        assertEquals(List.of(v6(1), v6(2), v4(4), v6(3), v4(5)), Connector.interleave(addrs, 2));
        assertEquals(List.of(v6(1), v6(2), v6(3), v4(4), v4(5)), Connector.interleave(addrs, 9),
                "a count past the family's addresses puts them all first");
        List<InetSocketAddress> v4First = List.of(v4(1), v4(2), v6(3));
        assertEquals(List.of(v4(1), v6(3), v4(2)), Connector.interleave(v4First, 1));
        List<InetSocketAddress> one = List.of(v4(1), v4(2));
        assertEquals(one, Connector.interleave(one, 1), "one family: nothing to reorder");
    }

    @Test
    void optionsAreChecked() {
        ConnectionOptions o = ConnectionOptions.defaults();
        assertTrue(o.happyEyeballsDelay().isEmpty());
        assertEquals(0, o.interleave());
        assertEquals(0.25, o.withHappyEyeballsDelay(0.25).happyEyeballsDelay().getAsDouble());
        assertEquals(0.25, o.withHappyEyeballsDelay(java.time.Duration.ofMillis(250)).happyEyeballsDelay()
                .getAsDouble(), 1e-9);
        assertEquals(2, o.withInterleave(2).interleave());
        assertNotEquals(o, o.withHappyEyeballsDelay(0));
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> o.withHappyEyeballsDelay(bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> o.withInterleave(0));
    }

    // ---- against CPython asyncio ----------------------------------------------------------

    @Test
    void dualStackClientAgainstCPythonAsyncio() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback (::1 cannot be bound): the dual-stack test needs it");
        Process py = new ProcessBuilder(PYTHON, "-c", DUAL_STACK_SERVER, "::1", "127.0.0.1").start();
        try {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                BufferedReader out = new BufferedReader(new InputStreamReader(py.getInputStream(),
                        StandardCharsets.UTF_8));
                int port = Integer.parseInt(Asyncio.toThread(out::readLine).trim());
                ConnectionOptions he = ConnectionOptions.defaults().withHappyEyeballsDelay(0.25);
                // No host name here resolves to both loopbacks (/etc/hosts maps localhost to
                // 127.0.0.1 only), so the resolved list is handed to the connector as
                // getaddrinfo would give it for a dual-stack name: IPv6 first.
                List<InetSocketAddress> addrs = List.of(v6(port), v6(port), v4(port), v4(port));
                assertEquals("AF_INET6", familyAnswered(loop, addrs, he), "the first address (IPv6) wins");
                // Interleaved, the first address of each family comes before the second IPv6 one.
                assertEquals(List.of(v6(port), v4(port), v6(port), v4(port)), Connector.interleave(addrs, 1));
                // IPv6 refused (another port), IPv4 accepted: the IPv4 attempt starts at once and wins.
                int refused = refusedPort();
                assertEquals("AF_INET", familyAnswered(loop, List.of(v6(refused), v4(port)), he));
                // The public form: a name, the race, the CPython server's answer.
                List<InetSocketAddress> resolved = loop.getaddrinfo("localhost", port);
                StreamPair p = Streams.openConnection("localhost", port, he);
                String fam = new String(p.reader().readline(), StandardCharsets.UTF_8).trim();
                String want = resolved.get(0).getAddress() instanceof Inet6Address ? "AF_INET6" : "AF_INET";
                assertEquals(want, fam, "localhost resolves to " + resolved);
                p.writer().close();
            });
        } finally {
            py.destroy();
            py.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String familyAnswered(EventLoop loop, List<InetSocketAddress> addrs, ConnectionOptions options)
            throws Exception {
        SocketChannel ch = Connector.connectAny(loop, addrs, null, options);
        StreamPair p = Streams.openConnection(ch);
        try {
            return new String(p.reader().readline(), StandardCharsets.UTF_8).trim();
        } finally {
            p.writer().close();
            p.writer().waitClosed();
        }
    }

    // ---- deterministic: refused and blackholed first addresses on a virtual clock ---------

    @Test
    void aRefusedFirstAddressStartsTheNextAtOnce() throws Exception {
        onVirtualClock(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (ServerSocketChannel good = ServerSocketChannel.open().bind(v4(0), 50)) {
                int port = ((InetSocketAddress) good.getLocalAddress()).getPort();
                SocketChannel ch = Connector.connectAny(loop, List.of(v4(refusedPort()), v4(port)), null,
                        ConnectionOptions.defaults().withHappyEyeballsDelay(10));
                assertEquals(0.0, loop.time(), "the refusal started the next attempt without waiting the delay");
                assertEquals(port, ((InetSocketAddress) ch.getRemoteAddress()).getPort());
                ch.close();
            }
            return null;
        });
    }

    @Test
    void aBlackholedFirstAddressIsOvertakenAfterTheDelayAndClosed() throws Exception {
        try (Blackhole hole = new Blackhole(); ServerSocketChannel good = ServerSocketChannel.open().bind(v4(0), 50)) {
            onVirtualClock(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                int port = ((InetSocketAddress) good.getLocalAddress()).getPort();
                SocketChannel ch = Connector.connectAny(loop, List.of(hole.address(), v4(port)), null,
                        ConnectionOptions.defaults().withHappyEyeballsDelay(10));
                assertEquals(10.0, loop.time(), 1e-6, "the second attempt started one delay after the first");
                assertEquals(port, ((InetSocketAddress) ch.getRemoteAddress()).getPort());
                ch.close();
                assertEquals(0, hole.pendingConnects(), "the blackholed attempt's channel was closed");
                return null;
            });
        }
    }

    @Test
    void allAttemptsFailingReportsEachOne() throws Exception {
        onVirtualClock(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            int p1 = refusedPort();
            int p2 = refusedPort();
            IOException e = assertThrows(IOException.class, () -> Connector.connectAny(loop, List.of(v4(p1), v4(p2)),
                    null, ConnectionOptions.defaults().withHappyEyeballsDelay(0.25)));
            if (p1 != p2) {
                assertTrue(e.getMessage().startsWith("Multiple exceptions: "), e.getMessage());
                assertTrue(e.getMessage().contains(":" + p1) && e.getMessage().contains(":" + p2), e.getMessage());
                assertEquals(2, e.getSuppressed().length, "each attempt's failure is carried");
                for (Throwable t : e.getSuppressed()) {
                    assertInstanceOf(ConnectException.class, t);
                }
            }
            return null;
        });
    }

    @Test
    void cancellingTheConnectClosesEveryAttempt() throws Exception {
        try (Blackhole h1 = new Blackhole(); Blackhole h2 = new Blackhole()) {
            onVirtualClock(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Task<SocketChannel> t = loop.createTask(() -> Connector.connectAny(loop,
                        List.of(h1.address(), h2.address()), null,
                        ConnectionOptions.defaults().withHappyEyeballsDelay(1)));
                Asyncio.sleep(1.5);
                assertEquals(List.of(1, 1), List.of(h1.pendingConnects(), h2.pendingConnects()),
                        "both attempts are waiting for an answer");
                t.cancel();
                assertThrows(CancelledError.class, t::await);
                Asyncio.sleep(0); // a closed channel's descriptor goes at the selector's next select
                assertEquals(List.of(0, 0), List.of(h1.pendingConnects(), h2.pendingConnects()),
                        "no attempt's channel outlives the cancelled call");
                return null;
            });
        }
    }

    @Test
    void theLoopsCreateConnectionTakesTheOptions() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = Streams.startServer((r, w) -> {
                w.write(r.readline());
                w.close();
            }, "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                StreamPair p = Streams.openConnection("127.0.0.1", port,
                        ConnectionOptions.defaults().withHappyEyeballsDelay(0.25).withInterleave(2));
                p.writer().write("hi\n".getBytes());
                assertEquals("hi\n", new String(p.reader().readline()));
                p.writer().close();
                ConnectException e = assertThrows(ConnectException.class, () -> loop.createConnection(
                        () -> new org.jasyncio.transports.Protocol() { }, "127.0.0.1", refusedPort(),
                        ConnectionOptions.defaults().withHappyEyeballsDelay(0.25)));
                assertTrue(e.getMessage().startsWith("Connect call failed"), e.getMessage());
            }
        });
    }

    /**
     * A listening socket whose accept queue is full and never drained: the kernel drops the
     * SYNs of further connects, so they stay pending, as to a host that does not answer.
     */
    private static final class Blackhole implements AutoCloseable {
        private final ServerSocketChannel listener;
        private final List<SocketChannel> fillers = new ArrayList<>();

        Blackhole() throws IOException {
            listener = ServerSocketChannel.open().bind(v4(0), 1);
            // backlog 1 queues up to 2 connections on Linux; a third would hang
            for (int i = 0; i < 2; i++) {
                fillers.add(SocketChannel.open(listener.getLocalAddress()));
            }
        }

        /** Connects to the hole still in SYN_SENT, from /proc/net/tcp. */
        int pendingConnects() throws IOException {
            String port = String.format(":%04X", address().getPort());
            int n = 0;
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[2].endsWith(port) && f[3].equals("02")) {
                    n++;
                }
            }
            return n;
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) listener.getLocalAddress();
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel f : fillers) {
                f.close();
            }
            listener.close();
        }
    }
}
