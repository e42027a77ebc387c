package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.junit.jupiter.api.Test;

/** addReader/removeReader/addWriter/removeWriter (CPython test_events: test_add_reader, test_remove_fds...). */
class ChannelWatchersTest {

    @Test
    void readerIsCalledWhileReadableUntilRemoved() throws Exception {
        // test_events.test_reader_callback
        Pipe pipe = Pipe.open();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            pipe.source().configureBlocking(false);
            List<String> got = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocate(1); // one byte per call, however the writes coalesce
            loop.addReader(pipe.source(), () -> {
                buf.clear();
                try {
                    int n = pipe.source().read(buf);
                    got.add(new String(buf.array(), 0, n));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                if (got.size() == 2) {
                    assertTrue(loop.removeReader(pipe.source()));
                    loop.callLater(0.05, loop::stop);
                }
            });
            loop.callSoon(() -> write(pipe, "a"));
            loop.callLater(0.01, () -> write(pipe, "b"));
            loop.callLater(0.03, () -> write(pipe, "c"));
            loop.runForever();
            assertEquals(List.of("a", "b"), got);
            assertFalse(loop.removeReader(pipe.source()));
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void writerIsCalledWhenWritable() throws Exception {
        // test_events.test_writer_callback
        Pipe pipe = Pipe.open();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            pipe.sink().configureBlocking(false);
            int[] calls = {0};
            loop.addWriter(pipe.sink(), () -> {
                calls[0]++;
                assertTrue(loop.removeWriter(pipe.sink()));
                loop.stop();
            });
            loop.runForever();
            assertEquals(1, calls[0]);
            assertFalse(loop.removeWriter(pipe.sink()));
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void addingAReaderAgainReplacesIt() throws Exception {
        Pipe pipe = Pipe.open();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            pipe.source().configureBlocking(false);
            List<String> calls = new ArrayList<>();
            loop.addReader(pipe.source(), () -> calls.add("first"));
            loop.addReader(pipe.source(), () -> {
                calls.add("second");
                loop.removeReader(pipe.source());
                loop.stop();
            });
            write(pipe, "x");
            loop.runForever();
            assertEquals(List.of("second"), calls);
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void blockingOrClosedChannelsAreRejected() throws Exception {
        Pipe pipe = Pipe.open();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.addReader(pipe.source(), () -> { }));
            assertTrue(e.getMessage().contains("non-blocking"), e.getMessage());
            pipe.sink().configureBlocking(false);
            assertThrows(IllegalArgumentException.class, () -> loop.addReader(pipe.sink(), () -> { }),
                    "a sink cannot be read");
            pipe.source().close();
            assertThrows(IllegalArgumentException.class, () -> loop.addReader(pipe.source(), () -> { }));
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void afterRemovalTheChannelCanGoBackToBlockingMode() throws Exception {
        // The key of a channel with no reader and no writer is cancelled at the next iteration.
        Pipe pipe = Pipe.open();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            pipe.source().configureBlocking(false);
            loop.addReader(pipe.source(), () -> { });
            loop.removeReader(pipe.source());
            TestLoops.runOnce(loop);
            TestLoops.runOnce(loop);
            pipe.source().configureBlocking(true);
            assertTrue(pipe.source().isBlocking());
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void aChannelOwnedByATransportCannotBeWatched() throws Exception {
        // test_selector_events: "File descriptor ... is used by transport"
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createServer(() -> new Protocol() { }, "127.0.0.1", 0)) {
                var c = loop.createConnection(() -> new Protocol() { }, "127.0.0.1",
                        ((InetSocketAddress) s.addresses().get(0)).getPort());
                SocketChannel sock = (SocketChannel) c.transport().getExtraInfo("socket");
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> loop.addReader(sock, () -> { }));
                assertTrue(e.getMessage().contains("used by"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> loop.removeWriter(sock));
                c.transport().close();
            }
        });
    }

    @Test
    void watchersAreLoopAffine() throws Exception {
        Pipe pipe = Pipe.open();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            pipe.source().configureBlocking(false);
            Throwable[] err = {null};
            loop.callSoon(() -> {
                Thread t = new Thread(() -> {
                    try {
                        loop.addReader(pipe.source(), () -> { });
                    } catch (Throwable e) {
                        err[0] = e;
                    }
                });
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                loop.stop();
            });
            loop.runForever();
            assertInstanceOf(IllegalStateException.class, err[0]);
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void closingTheLoopDoesNotCloseWatchedChannels() throws Exception {
        Pipe pipe = Pipe.open();
        EventLoop loop = Asyncio.newEventLoop();
        pipe.source().configureBlocking(false);
        loop.addReader(pipe.source(), () -> { });
        loop.close();
        assertTrue(pipe.source().isOpen());
        pipe.source().close();
        pipe.sink().close();
    }

    private static void write(Pipe pipe, String s) {
        try {
            pipe.sink().write(ByteBuffer.wrap(s.getBytes()));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

}
