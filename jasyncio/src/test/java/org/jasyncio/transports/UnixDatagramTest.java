package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix datagram endpoints ({@code createUnixDatagramEndpoint}, asyncio's
 * {@code create_datagram_endpoint(family=AF_UNIX)}): two jasyncio endpoints, a CPython asyncio
 * peer, a burst that fills the kernel's queue (the transport buffers and pauses the protocol),
 * errors naming their path, and no descriptor left behind by close or by the loop's close.
 */
class UnixDatagramTest {
    @TempDir
    Path dir;

    /** Records datagrams, errors and flow-control calls. */
    static final class Dgrams implements DatagramProtocol {
        final List<String> got = new ArrayList<>();
        final List<SocketAddress> from = new ArrayList<>();
        final List<Exception> errors = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final EventLoop loop = Asyncio.getRunningLoop();
        final Future<Exception> lost = loop.createFuture();
        DatagramTransport t;
        private Future<Void> want;
        private int wantCount;

        @Override
        public void connectionMade(BaseTransport transport) {
            t = (DatagramTransport) transport;
            events.add("made");
        }

        @Override
        public void datagramReceived(byte[] data, SocketAddress address) {
            got.add(new String(data, StandardCharsets.UTF_8));
            from.add(address);
            if (want != null && got.size() >= wantCount) {
                want.trySetResult(null);
                want = null;
            }
        }

        @Override
        public void errorReceived(Exception exc) {
            errors.add(exc);
            if (want != null) {
                want.trySetResult(null);
                want = null;
            }
        }

        @Override
        public void pauseWriting() {
            events.add("pause");
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
        }

        @Override
        public void connectionLost(Exception exc) {
            events.add("lost");
            lost.trySetResult(exc);
        }

        /** Waits until {@code n} datagrams arrived in total, or an error. */
        void await(int n) throws Exception {
            if (got.size() >= n) {
                return;
            }
            want = loop.createFuture();
            wantCount = n;
            Asyncio.waitFor(want, 10);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoEndpointsExchangeDatagrams() throws Exception {
        Path a = dir.resolve("a.sock");
        Path c = dir.resolve("c.sock");
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<Dgrams> server = loop.createUnixDatagramEndpoint(Dgrams::new, a, null);
            DatagramEndpoint<Dgrams> client = loop.createUnixDatagramEndpoint(Dgrams::new, c, a);
            assertEquals(UnixDomainSocketAddress.of(a), server.transport().getExtraInfo("sockname"));
            assertNull(server.transport().getExtraInfo("peername"));
            assertEquals(UnixDomainSocketAddress.of(a), client.transport().getExtraInfo("peername"));
            client.transport().sendto(b("ping"));
            client.transport().sendto(b(""));
            server.protocol().await(2);
            assertEquals(List.of("ping", ""), server.protocol().got);
            assertEquals(UnixDomainSocketAddress.of(c), server.protocol().from.get(0));
            server.transport().sendto(b("pong"), server.protocol().from.get(0));
            client.protocol().await(1);
            assertEquals(List.of("pong"), client.protocol().got);
            assertEquals(UnixDomainSocketAddress.of(a), client.protocol().from.get(0));
            // a connected endpoint sends only to its peer
            assertThrows(IllegalArgumentException.class,
                    () -> client.transport().sendto(b("x"), UnixDomainSocketAddress.of(c)));
            // an unconnected one needs a Unix destination
            assertThrows(IllegalArgumentException.class, () -> server.transport().sendto(b("x")));
            assertThrows(IllegalArgumentException.class,
                    () -> server.transport().sendto(b("x"), new java.net.InetSocketAddress("127.0.0.1", 9)));
            client.transport().close();
            server.transport().close();
            assertNull(client.protocol().lost.await());
            assertNull(server.protocol().lost.await());
            assertEquals(List.of("made", "lost"), server.protocol().events);
            assertThrows(IllegalStateException.class, () -> client.transport().sendto(b("late")));
        });
        // asyncio leaves the socket files; a new endpoint replaces a stale one
        assertTrue(Files.exists(a) && Files.exists(c));
        Asyncio.run(() -> {
            DatagramEndpoint<Dgrams> again = Asyncio.getRunningLoop().createUnixDatagramEndpoint(Dgrams::new, a, null);
            again.transport().close();
        });
    }

    @Test
    void anUnboundSenderIsReportedAsNullAndABurstIsBufferedInOrder() throws Exception {
        Path a = dir.resolve("burst.sock");
        int count = 2000;
        byte[] payload = new byte[1024];
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            DatagramEndpoint<Dgrams> server = loop.createUnixDatagramEndpoint(Dgrams::new, a, null);
            DatagramEndpoint<Dgrams> client = loop.createUnixDatagramEndpoint(Dgrams::new, null, a);
            assertNull(client.transport().getExtraInfo("sockname"));
            // without a turn of the loop the receiver reads nothing: the kernel's queue fills,
            // the rest waits in the transport, which pauses the protocol past 64 KiB
            for (int i = 0; i < count; i++) {
                String head = i + ":";
                byte[] d = payload.clone();
                System.arraycopy(b(head), 0, d, 0, head.length());
                client.transport().sendto(d);
            }
            assertTrue(client.transport().getWriteBufferSize() > 64 * 1024,
                    "buffered " + client.transport().getWriteBufferSize());
            assertEquals(List.of("made", "pause"), client.protocol().events);
            server.protocol().await(count);
            for (int i = 0; i < count; i++) {
                assertTrue(server.protocol().got.get(i).startsWith(i + ":"), "datagram " + i + " out of order");
            }
            assertNull(server.protocol().from.get(0), "the sender is not bound to a path");
            assertEquals(0, client.transport().getWriteBufferSize());
            assertEquals(List.of("made", "pause", "resume"), client.protocol().events);
            assertEquals(List.of(), client.protocol().errors);
            client.transport().close();
            server.transport().close();
            client.protocol().lost.await();
        });
    }

    @Test
    void aThrowingPauseOrResumeIsReportedAndTheBurstStillArrives() throws Exception {
        Path a = dir.resolve("flow.sock");
        int count = 2000;
        org.jasyncio.TestLoops.Collector errors = new org.jasyncio.TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler(errors);
            List<String> flow = new ArrayList<>();
            Future<Exception> lost = loop.createFuture();
            DatagramProtocol faulty = new DatagramProtocol() {
                @Override
                public void pauseWriting() {
                    flow.add("pause");
                    throw new IllegalStateException("pause boom");
                }

                @Override
                public void resumeWriting() {
                    flow.add("resume");
                    throw new IllegalStateException("resume boom");
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.trySetResult(exc);
                }
            };
            DatagramEndpoint<Dgrams> server = loop.createUnixDatagramEndpoint(Dgrams::new, a, null);
            DatagramEndpoint<DatagramProtocol> client = loop.createUnixDatagramEndpoint(() -> faulty, null, a);
            for (int i = 0; i < count; i++) {
                client.transport().sendto(b(i + ":" + "x".repeat(1000)));
            }
            assertTrue(client.transport().getWriteBufferSize() > 64 * 1024,
                    "buffered " + client.transport().getWriteBufferSize());
            assertEquals(List.of("pause"), flow);
            assertEquals(1, errors.contexts().size());
            assertEquals("protocol.pauseWriting() failed", errors.contexts().get(0).message());
            assertEquals("pause boom", errors.contexts().get(0).exception().getMessage());
            assertSame(client.transport(), errors.contexts().get(0).get("transport"));
            assertSame(faulty, errors.contexts().get(0).get("protocol"));
            server.protocol().await(count);
            for (int i = 0; i < count; i++) {
                assertTrue(server.protocol().got.get(i).startsWith(i + ":"), "datagram " + i + " out of order");
            }
            assertEquals(List.of("pause", "resume"), flow);
            assertEquals(2, errors.contexts().size());
            assertEquals("protocol.resumeWriting() failed", errors.contexts().get(1).message());
            assertFalse(client.transport().isClosing(), "a flow-control fault does not close the endpoint");
            client.transport().close();
            server.transport().close();
            assertNull(Asyncio.waitFor(lost, 10));
        });
    }

    @Test
    void aCPythonAsyncioPeerEchoes() throws Exception {
        Path py = dir.resolve("py.sock");
        Path me = dir.resolve("me.sock");
        Path script = Files.writeString(dir.resolve("peer.py"), """
                import asyncio, socket, sys
                class Echo(asyncio.DatagramProtocol):
                    def __init__(self, done):
                        self.done = done
                    def connection_made(self, t):
                        self.t = t
                    def datagram_received(self, data, addr):
                        self.t.sendto(data.upper() + b' from ' + addr.encode(), addr)
                        if data == b'bye':
                            self.done.set_result(None)
                async def main():
                    loop = asyncio.get_running_loop()
                    done = loop.create_future()
                    t, p = await loop.create_datagram_endpoint(lambda: Echo(done), local_addr=sys.argv[1],
                                                               family=socket.AF_UNIX)
                    print("ready", flush=True)
                    await done
                    t.close()
                asyncio.run(main())
                """);
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), py.toString()).redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                DatagramEndpoint<Dgrams> e = loop.createUnixDatagramEndpoint(Dgrams::new, me, py);
                e.transport().sendto(b("hello"));
                e.protocol().await(1);
                e.transport().sendto(b("bye"));
                e.protocol().await(2);
                assertEquals(List.of("HELLO from " + me, "BYE from " + me), e.protocol().got);
                assertEquals(UnixDomainSocketAddress.of(py), e.protocol().from.get(0));
                e.transport().close();
            });
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void errorsNameThePath() throws Exception {
        Path tooLong = dir.resolve("x".repeat(120) + ".sock");
        Path regular = Files.writeString(dir.resolve("regular"), "keep me");
        Path missingDir = dir.resolve("no-such-dir").resolve("s.sock");
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(stale)); // a socket file nobody receives on
        }
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long before = FdCount.count();
            SocketException tl = assertThrows(SocketException.class,
                    () -> loop.createUnixDatagramEndpoint(Dgrams::new, tooLong, null));
            assertTrue(tl.getMessage().contains("too long") && tl.getMessage().contains(tooLong.toString()),
                    tl.getMessage());
            BindException inUse = assertThrows(BindException.class,
                    () -> loop.createUnixDatagramEndpoint(Dgrams::new, regular, null));
            assertTrue(inUse.getMessage().contains(regular.toString()), inUse.getMessage());
            assertEquals("keep me", Files.readString(regular), "a file that is not a socket is left alone");
            NoSuchFileException nd = assertThrows(NoSuchFileException.class,
                    () -> loop.createUnixDatagramEndpoint(Dgrams::new, missingDir, null));
            assertEquals(missingDir.toString(), nd.getFile());
            NoSuchFileException nr = assertThrows(NoSuchFileException.class,
                    () -> loop.createUnixDatagramEndpoint(Dgrams::new, null, dir.resolve("nobody.sock")));
            assertTrue(nr.getFile().endsWith("nobody.sock"));
            ConnectException refused = assertThrows(ConnectException.class,
                    () -> loop.createUnixDatagramEndpoint(Dgrams::new, null, stale));
            assertTrue(refused.getMessage().contains(stale.toString()), refused.getMessage());
            assertEquals(before, FdCount.count(), "failed endpoints leave no descriptor:\n" + FdCount.describe());

            // sending to a missing path goes to errorReceived; the endpoint stays open
            DatagramEndpoint<Dgrams> e = loop.createUnixDatagramEndpoint(Dgrams::new, dir.resolve("e.sock"), null);
            e.transport().sendto(b("x"), UnixDomainSocketAddress.of(dir.resolve("missing.sock")));
            assertEquals(1, e.protocol().errors.size());
            NoSuchFileException m = assertInstanceOf(NoSuchFileException.class, e.protocol().errors.get(0));
            assertTrue(m.getFile().endsWith("missing.sock"));
            assertFalse(e.transport().isClosing());
            // a datagram larger than the socket can send: errorReceived, nothing buffered
            e.transport().sendto(new byte[1 << 20], UnixDomainSocketAddress.of(dir.resolve("e.sock")));
            assertEquals(2, e.protocol().errors.size());
            SocketException big = assertInstanceOf(SocketException.class, e.protocol().errors.get(1));
            assertTrue(big.getMessage().contains("Message too long"), big.getMessage());
            assertEquals(0, e.transport().getWriteBufferSize());
            // a connected endpoint whose peer went away: ECONNREFUSED names the peer's path
            DatagramEndpoint<Dgrams> peer = loop.createUnixDatagramEndpoint(Dgrams::new, dir.resolve("peer.sock"), null);
            DatagramEndpoint<Dgrams> conn = loop.createUnixDatagramEndpoint(Dgrams::new, null, dir.resolve("peer.sock"));
            peer.transport().close();
            peer.protocol().lost.await();
            conn.transport().sendto(b("anyone?"));
            ConnectException gone = assertInstanceOf(ConnectException.class, conn.protocol().errors.get(0));
            assertTrue(gone.getMessage().contains("peer.sock"), gone.getMessage());
            // loop-affine: another thread is refused while the loop runs
            java.util.concurrent.CompletableFuture<Throwable> other = new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    e.transport().sendto(b("x"), UnixDomainSocketAddress.of(dir.resolve("e.sock")));
                    other.complete(null);
                } catch (Throwable t) {
                    other.complete(t);
                }
            });
            assertInstanceOf(IllegalStateException.class, Asyncio.wrapFuture(other).await());
            conn.transport().close();
            e.transport().close();
        });
    }

    @Test
    void closingEndpointsOrTheirLoopLeavesNoDescriptor() throws Exception {
        // the JVM-wide poller's epoll descriptor is made once, by the first endpoint
        Asyncio.run(() -> Asyncio.getRunningLoop().createUnixDatagramEndpoint(Dgrams::new, dir.resolve("w.sock"),
                null).transport().close());
        long outside = FdCount.count();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            long before = FdCount.count();
            List<DatagramEndpoint<Dgrams>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                all.add(loop.createUnixDatagramEndpoint(Dgrams::new, dir.resolve(i + ".sock"), null));
            }
            assertEquals(before + 20, FdCount.count());
            for (DatagramEndpoint<Dgrams> e : all) {
                e.transport().close();
            }
            for (DatagramEndpoint<Dgrams> e : all) {
                assertNull(e.protocol().lost.await());
            }
            assertEquals(before, FdCount.count(), FdCount.describe());
            DatagramEndpoint<Dgrams> x = loop.createUnixDatagramEndpoint(Dgrams::new, dir.resolve("x.sock"), null);
            x.transport().abort();
            assertNull(x.protocol().lost.await());
            assertEquals(before, FdCount.count());
        });
        // an endpoint still open when its loop closes is closed with it
        assertEquals(outside, FdCount.count(), FdCount.describe());
        EventLoop loop = Asyncio.newEventLoop();
        long withLoop = FdCount.count();
        loop.runUntilComplete(() -> {
            loop.createUnixDatagramEndpoint(Dgrams::new, dir.resolve("left-open.sock"), null);
        });
        assertEquals(withLoop + 1, FdCount.count());
        loop.close();
        assertEquals(outside, FdCount.count(), FdCount.describe());
    }

    @Test
    void aProtocolThatThrowsClosesItsEndpointAndIsReported() throws Exception {
        Path a = dir.resolve("faulty.sock");
        org.jasyncio.TestLoops.Collector errors = new org.jasyncio.TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler(errors);
            // the JVM-wide poller's epoll descriptor is made by the first endpoint
            loop.createUnixDatagramEndpoint(Dgrams::new, dir.resolve("warm.sock"), null).transport().abort();
            Asyncio.sleep(0);
            long before = FdCount.count();
            Future<Exception> lost = loop.createFuture();
            DatagramEndpoint<DatagramProtocol> bad = loop.createUnixDatagramEndpoint(() -> new DatagramProtocol() {
                @Override
                public void datagramReceived(byte[] data, SocketAddress address) {
                    throw new IllegalStateException("boom in datagramReceived");
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.trySetResult(exc);
                }
            }, a, null);
            DatagramEndpoint<Dgrams> sender = loop.createUnixDatagramEndpoint(Dgrams::new, null, a);
            sender.transport().sendto(b("x"));
            Exception exc = Asyncio.waitFor(lost, 10);
            assertEquals("boom in datagramReceived", exc.getMessage());
            assertTrue(bad.transport().isClosing());
            assertEquals(1, errors.contexts().size());
            assertEquals("Fatal error: protocol.datagramReceived() call failed.", errors.contexts().get(0).message());
            sender.transport().close();
            sender.protocol().lost.await();
            assertEquals(before, FdCount.count(), FdCount.describe());
        });
    }

    @Test
    void aVirtualClockWaitsForDatagramsBeforeItJumps() throws Exception {
        // an open endpoint is outside work, as a selector key with interest is: the clock waits
        // its threshold (5 s of real time) for events before it jumps to the next timer
        Path a = dir.resolve("virtual.sock");
        org.jasyncio.VirtualClock clock = new org.jasyncio.VirtualClock(5.0);
        EventLoop loop = clock.newEventLoop();
        try {
            loop.runUntilComplete(() -> {
                DatagramEndpoint<Dgrams> e = loop.createUnixDatagramEndpoint(Dgrams::new, a, null);
                Thread sender = Thread.ofPlatform().start(() -> {
                    try {
                        Asyncio.run(() -> {
                            DatagramEndpoint<Dgrams> s = Asyncio.getRunningLoop().createUnixDatagramEndpoint(
                                    Dgrams::new, null, a);
                            s.transport().sendto(b("from outside"));
                            s.transport().close();
                        });
                    } catch (Exception ex) {
                        throw new RuntimeException(ex);
                    }
                });
                double t0 = loop.time();
                e.protocol().await(1); // waitFor(10): would time out at once if the clock jumped
                assertEquals(List.of("from outside"), e.protocol().got);
                assertTrue(loop.time() - t0 < 10);
                sender.join();
                e.transport().close();
            });
        } finally {
            loop.close();
        }
    }

    /** Run in a forked JVM: one datagram between two endpoints, or the error's class and message. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Path d = Path.of(args[0]);
            try {
                Asyncio.run(() -> {
                    EventLoop loop = Asyncio.getRunningLoop();
                    DatagramEndpoint<Dgrams> a = loop.createUnixDatagramEndpoint(Dgrams::new, d.resolve("pa"), null);
                    DatagramEndpoint<Dgrams> b = loop.createUnixDatagramEndpoint(Dgrams::new, null, d.resolve("pa"));
                    b.transport().sendto(b("over FFM"));
                    a.protocol().await(1);
                    System.out.println(a.protocol().got.get(0));
                    a.transport().close();
                    b.transport().close();
                });
            } catch (UnsupportedOperationException e) {
                System.out.println("UnsupportedOperationException: " + e.getMessage());
            }
        }
    }

    private String fork(String flag) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Djdk.trackAllThreads=false"));
        if (flag != null) {
            cmd.add(flag);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void nativeAccessEnabledWorksWithoutAWarningAndDeniedNamesTheFlag() throws Exception {
        assertEquals("over FFM\n", fork("--enable-native-access=ALL-UNNAMED"));
        String denied = fork("--illegal-native-access=deny");
        assertTrue(denied.startsWith("UnsupportedOperationException: ") && denied.contains(
                "--enable-native-access=ALL-UNNAMED"), denied);
        // JDK 25's default: a warning from the JDK, and it works
        String warned = fork(null);
        assertTrue(warned.contains("WARNING: A restricted method") && warned.endsWith("over FFM\n"), warned);
    }
}
