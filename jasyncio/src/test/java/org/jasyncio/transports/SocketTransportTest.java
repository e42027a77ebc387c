package org.jasyncio.transports;

import static org.jasyncio.transports.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.Test;

/** Stream transports over TCP: events, writes, flow control, half-close (CPython test_events, test_selector_events). */
class SocketTransportTest {

    /** Echoes everything; on EOF keeps the connection open and closes after echoing. */
    static final class Echo implements Protocol {
        Transport t;

        @Override
        public void connectionMade(BaseTransport t) {
            this.t = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] data) {
            t.write(data);
        }

        @Override
        public boolean eofReceived() {
            t.close();
            return true;
        }
    }

    @Test
    void connectionEventsComeInOrder() throws Exception {
        // test_events.test_create_connection + MyProto's state machine
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Recorder r = c.protocol();
                assertEquals(List.of("made"), r.events, "connectionMade has run when createConnection returns");
                assertSame(c.transport(), r.transport);
                c.transport().write("hello".getBytes());
                assertEquals("hello", new String(r.awaitBytes(5)));
                c.transport().writeEof();
                assertNull(r.awaitLost());
                assertEquals(List.of("made", "eof", "lost"), r.events);
                assertTrue(c.transport().isClosing());
            }
        });
    }

    @Test
    void worksInDebugMode() throws Exception {
        // debug mode times the inline I/O handlers too
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertTrue(loop.getDebug());
            loop.setExceptionHandler(errors);
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                c.transport().write("debug".getBytes());
                assertEquals("debug", new String(c.protocol().awaitBytes(5)));
                c.transport().close();
                c.protocol().awaitLost();
            }
        }, true);
        assertEquals(List.of(), errors.messages());
    }

    @Test
    void extraInfo() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Transport t = c.transport();
                assertEquals(new InetSocketAddress("127.0.0.1", port(s)), t.getExtraInfo("peername"));
                SocketChannel sock = (SocketChannel) t.getExtraInfo("socket");
                assertEquals(sock.getLocalAddress(), t.getExtraInfo("sockname"));
                assertNull(t.getExtraInfo("peercert"));
                assertEquals("dflt", t.getExtraInfo("nothing", "dflt"));
                t.close();
            }
        });
    }

    @Test
    void largeWritesAreBufferedPausedAndResumed() throws Exception {
        // test_selector_events: _maybe_pause_protocol / _maybe_resume_protocol at the water marks
        byte[] data = new byte[8 << 20];
        new Random(3).nextBytes(data);
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Transport t = c.transport();
                Asyncio.sleep(0.01);
                Recorder peer = accepted.get(0);
                peer.transport.pauseReading(); // the peer stops reading: our buffer must grow
                assertFalse(peer.transport.isReading());
                t.setWriteBufferLimits(128 * 1024, 32 * 1024);
                assertArrayEquals(new int[] {32 * 1024, 128 * 1024}, t.getWriteBufferLimits());
                t.write(data);
                assertTrue(t.getWriteBufferSize() > 0, "the kernel cannot take 8 MiB at once");
                assertEquals(List.of("made", "pause"), c.protocol().events);
                peer.transport.resumeReading();
                assertArrayEquals(data, peer.awaitBytes(data.length));
                Asyncio.sleep(0.01);
                assertEquals(0, t.getWriteBufferSize());
                assertEquals(List.of("made", "pause", "resume"), c.protocol().events);
                t.close();
            }
        });
    }

    @Test
    void writeBufferLimitsAreValidated() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Transport t = loop.createConnection(Recorder::new, "127.0.0.1", port(s)).transport();
                assertArrayEquals(new int[] {16384, 65536}, t.getWriteBufferLimits(), "asyncio's defaults");
                t.setWriteBufferLimits(-1, 1000);
                assertArrayEquals(new int[] {1000, 4000}, t.getWriteBufferLimits());
                t.setWriteBufferLimits(4000, -1);
                assertArrayEquals(new int[] {1000, 4000}, t.getWriteBufferLimits());
                assertThrows(IllegalArgumentException.class, () -> t.setWriteBufferLimits(10, 20));
                t.close();
            }
        });
    }

    @Test
    void pausedReadingDeliversNothingUntilResumed() throws Exception {
        // test_events.test_pause_reading / test_resume_reading
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Transport t = loop.createConnection(Recorder::new, "127.0.0.1", port(s)).transport();
                Asyncio.sleep(0.01);
                Recorder peer = accepted.get(0);
                peer.transport.pauseReading();
                peer.transport.pauseReading(); // twice does nothing
                t.write("abc".getBytes());
                Asyncio.sleep(0.05);
                assertEquals(0, peer.received.size());
                peer.transport.resumeReading();
                assertTrue(peer.transport.isReading());
                assertEquals("abc", new String(peer.awaitBytes(3)));
                t.close();
            }
        });
    }

    @Test
    void halfCloseLetsThePeerFinishItsReply() throws Exception {
        // The echo server keeps the connection open on EOF, echoes, then closes.
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Transport t = c.transport();
                assertTrue(t.canWriteEof());
                t.write("last words".getBytes());
                t.writeEof();
                t.writeEof(); // twice does nothing
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.write("x".getBytes()));
                assertTrue(e.getMessage().contains("writeEof"), e.getMessage());
                c.protocol().awaitLost();
                assertEquals("last words", c.protocol().received.toString());
                assertEquals(List.of("made", "eof", "lost"), c.protocol().events);
            }
        });
    }

    @Test
    void writesAfterCloseAreDroppedAsInAsyncio() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new java.util.ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Transport t = c.transport();
                t.close();
                t.close(); // twice does nothing
                t.write("x".getBytes());
                t.writelines(List.of("x".getBytes()));
                ByteBuffer bb = ByteBuffer.wrap("x".getBytes());
                t.write(bb);
                assertNull(c.protocol().awaitLost());
                while (accepted.isEmpty()) {
                    Asyncio.sleep(0.01);
                }
                assertNull(accepted.get(0).awaitLost());
                assertEquals(0, accepted.get(0).received.size(), "nothing written after close() was sent");
            }
        });
    }

    @Test
    void transportsAreLoopAffine() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Transport t = loop.createConnection(Recorder::new, "127.0.0.1", port(s)).transport();
                Throwable e = Asyncio.toThread(() -> {
                    try {
                        t.write("from another thread".getBytes());
                        return null;
                    } catch (Throwable x) {
                        return x;
                    }
                });
                assertInstanceOf(IllegalStateException.class, e);
                assertTrue(e.getMessage().contains("Transport.write()"), e.getMessage());
                t.close();
            }
        });
    }

    @Test
    void abortDropsBufferedDataAndLosesTheConnection() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Asyncio.sleep(0.01);
                accepted.get(0).transport.pauseReading();
                c.transport().write(new byte[32 << 20]);
                assertTrue(c.transport().getWriteBufferSize() > 0);
                c.transport().abort();
                assertEquals(0, c.transport().getWriteBufferSize());
                assertNull(c.protocol().awaitLost());
                accepted.get(0).transport.resumeReading();
                Exception peerLoss = accepted.get(0).awaitLost();
                assertTrue(accepted.get(0).received.size() < 32 << 20, "the buffered data was dropped");
                assertTrue(peerLoss == null || peerLoss instanceof java.io.IOException, String.valueOf(peerLoss));
            }
        });
    }

    @Test
    void aProtocolThatThrowsClosesItsTransport() throws Exception {
        // test_selector_events.test_read_ready_err / _fatal_error
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler(errors);
            Future<Exception> lost = loop.createFuture();
            try (Server s = loop.createServer(() -> new Protocol() {
                @Override
                public void dataReceived(byte[] data) {
                    throw new IllegalStateException("boom");
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.setResult(exc);
                }
            }, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                c.transport().write("x".getBytes());
                Exception e = Asyncio.waitFor(lost, 10);
                assertEquals("boom", e.getMessage());
                c.protocol().awaitLost();
            }
        });
        List<ExceptionContext> ctx = errors.contexts();
        assertEquals(1, ctx.size(), errors.messages().toString());
        assertEquals("Fatal error: protocol.dataReceived() call failed.", ctx.get(0).message());
        assertNotNull(ctx.get(0).get("transport"));
    }

    @Test
    void bufferedProtocolReadsIntoItsOwnBuffer() throws Exception {
        // test_buffered_proto
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ByteBuffer mine = ByteBuffer.allocate(4);
            StringBuilder got = new StringBuilder();
            List<Integer> hints = new ArrayList<>();
            Future<Void> eof = loop.createFuture();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                var c = loop.createConnection(() -> new BufferedProtocol() {
                    @Override
                    public ByteBuffer getBuffer(int sizeHint) {
                        hints.add(sizeHint);
                        return mine.clear();
                    }

                    @Override
                    public void bufferUpdated(int nbytes) {
                        assertEquals(nbytes, mine.position());
                        got.append(new String(mine.array(), 0, nbytes));
                    }

                    @Override
                    public boolean eofReceived() {
                        eof.setResult(null);
                        return false;
                    }
                }, "127.0.0.1", port(s));
                c.transport().write("0123456789".getBytes());
                c.transport().writeEof();
                Asyncio.waitFor(eof, 10);
                assertEquals("0123456789", got.toString());
                assertTrue(hints.stream().allMatch(h -> h == -1));
            }
        });
    }

    @Test
    void bufferedProtocolWithAnEmptyBufferIsAFatalError() throws Exception {
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.setExceptionHandler(errors);
            Future<Exception> lost = loop.createFuture();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                var c = loop.createConnection(() -> new BufferedProtocol() {
                    @Override
                    public ByteBuffer getBuffer(int sizeHint) {
                        return ByteBuffer.allocate(0);
                    }

                    @Override
                    public void bufferUpdated(int nbytes) {
                        fail();
                    }

                    @Override
                    public void connectionLost(Exception exc) {
                        lost.setResult(exc);
                    }
                }, "127.0.0.1", port(s));
                c.transport().write("x".getBytes());
                Exception e = Asyncio.waitFor(lost, 10);
                assertTrue(e.getMessage().contains("empty buffer"), e.getMessage());
            }
        });
        assertEquals(List.of("Fatal error: protocol.getBuffer() call failed."), errors.messages());
    }

    @Test
    void writelinesAndByteBufferWrites() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Transport t = c.transport();
                t.writelines(List.of("a".getBytes(), "bc".getBytes(), new byte[0], "d".getBytes()));
                ByteBuffer heap = ByteBuffer.wrap("xxefgxx".getBytes(), 2, 3);
                t.write(heap);
                assertFalse(heap.hasRemaining());
                ByteBuffer direct = ByteBuffer.allocateDirect(3).put("hij".getBytes()).flip();
                t.write(direct);
                assertFalse(direct.hasRemaining());
                ByteBuffer ro = ByteBuffer.wrap("klm".getBytes()).asReadOnlyBuffer();
                t.write(ro);
                assertFalse(ro.hasRemaining());
                t.write("nopq".getBytes(), 1, 2);
                assertEquals("abcdefghijklmop", new String(c.protocol().awaitBytes(15)));
                assertThrows(IndexOutOfBoundsException.class, () -> t.write("abc".getBytes(), 2, 5));
                t.close();
            }
        });
    }

    @Test
    void setProtocolRoutesLaterDataToTheNewProtocol() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port(s));
                Recorder second = new Recorder();
                second.connectionMade(c.transport());
                c.transport().setProtocol(second);
                assertSame(second, c.transport().getProtocol());
                c.transport().write("to the second".getBytes());
                assertEquals("to the second", new String(second.awaitBytes(13)));
                assertEquals(0, c.protocol().received.size());
                assertThrows(IllegalArgumentException.class, () -> c.transport().setProtocol(new DatagramProtocol() { }));
                c.transport().close();
            }
        });
    }

    @Test
    void connectionRefusedNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ConnectException e = assertThrows(ConnectException.class,
                    () -> loop.createConnection(Recorder::new, "127.0.0.1", port));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        });
    }

    @Test
    void localAddressIsBound() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            int localPort;
            try (ServerSocket ss = new ServerSocket(0)) {
                localPort = ss.getLocalPort();
            }
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                Transport t = loop.createConnection(Recorder::new, "127.0.0.1", port(s),
                        ConnectionOptions.defaults().withLocalAddress(new InetSocketAddress("127.0.0.1", localPort)))
                        .transport();
                assertEquals(localPort, ((InetSocketAddress) t.getExtraInfo("sockname")).getPort());
                t.close();
            }
        });
    }

    @Test
    void aFailingProtocolFactoryLeavesNoSocket() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(Echo::new, "127.0.0.1", 0)) {
                long before = FdCount.count();
                for (int i = 0; i < 20; i++) {
                    assertThrows(IllegalStateException.class, () -> loop.createConnection(() -> {
                        throw new IllegalStateException("no protocol");
                    }, "127.0.0.1", port(s)));
                }
                Asyncio.sleep(0.05);
                assertTrue(FdCount.count() <= before + 2, "fds: " + before + " -> " + FdCount.count());
            }
        });
    }

    @Test
    void aCancelledConnectLeavesNoSocket() throws Exception {
        // A listener that never accepts, its backlog full: further connections stay pending.
        try (java.nio.channels.ServerSocketChannel full = java.nio.channels.ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    SocketChannel f = SocketChannel.open();
                    f.configureBlocking(false);
                    f.connect(full.getLocalAddress());
                    fillers.add(f);
                }
                int port = ((InetSocketAddress) full.getLocalAddress()).getPort();
                Asyncio.run(() -> {
                    EventLoop loop = Asyncio.getRunningLoop();
                    long before = FdCount.count();
                    for (int i = 0; i < 20; i++) {
                        var t = Asyncio.createTask(() -> loop.createConnection(Recorder::new, "127.0.0.1", port));
                        Asyncio.sleep(0.005);
                        assertFalse(t.done(), "the connection should be pending");
                        t.cancel();
                        assertThrows(org.jasyncio.CancelledError.class, t::await);
                    }
                    Asyncio.sleep(0.05);
                    assertTrue(FdCount.count() <= before + 2, "fds: " + before + " -> " + FdCount.count()
                            + "\n" + FdCount.describe());
                });
            } finally {
                for (SocketChannel f : fillers) {
                    f.close();
                }
            }
        }
    }
}
