package org.jasyncio.streams;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.ReadTransport;
import org.junit.jupiter.api.Test;

/** StreamReader on its own, fed by callbacks on a virtual-time loop (CPython test_streams.StreamTests). */
class StreamReaderTest {
    private static final byte[] DATA = "line1\nline2\nline3\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** A transport that only counts pause/resume calls. */
    static final class FakeTransport implements ReadTransport {
        boolean paused;
        int pauses;
        int resumes;

        @Override
        public Object getExtraInfo(String name, Object defaultValue) {
            return defaultValue;
        }

        @Override
        public boolean isClosing() {
            return false;
        }

        @Override
        public void close() {}

        @Override
        public void setProtocol(BaseProtocol protocol) {}

        @Override
        public BaseProtocol getProtocol() {
            return null;
        }

        @Override
        public boolean isReading() {
            return !paused;
        }

        @Override
        public void pauseReading() {
            paused = true;
            pauses++;
        }

        @Override
        public void resumeReading() {
            paused = false;
            resumes++;
        }
    }

    private static EventLoop loop() {
        return Asyncio.getRunningLoop();
    }

    @Test
    void feedEmptyAndNonEmptyData() throws Exception {
        // test_feed_empty_data / test_feed_nonempty_data
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(new byte[0]);
            assertFalse(r.atEof());
            r.feedData(DATA);
            assertEquals(s(DATA), s(r.read(100)));
        });
    }

    @Test
    void aMessageFedInRecordSizedChunksIsReadWholeAndInOrder() throws Exception {
        // TLS hands the reader one 16 KiB record at a time: the first array is adopted, the
        // buffer then grows (4x up to the limit) while the rest arrive; nothing is lost or
        // reordered, across adopted and grown buffers, with a partial read in between.
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            byte[] all = new byte[4 * 16384 + 100];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) (i * 31 + (i >> 8));
            }
            for (int off = 0; off < all.length; off += 16384) {
                int n = Math.min(16384, all.length - off);
                r.feedOwned(java.util.Arrays.copyOfRange(all, off, off + n));
            }
            byte[] head = r.read(1000);
            byte[] rest = r.readExactly(all.length - head.length);
            assertEquals(1000, head.length);
            assertArrayEquals(all, concat(head, rest));
            r.feedOwned(b("after"));
            assertEquals("after", s(r.read(100)));
        });
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void readZeroReturnsAtOnce() throws Exception {
        // test_read_zero
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(DATA);
            assertEquals(0, r.read(0).length);
            assertEquals(DATA.length, r.read(1000).length);
        });
    }

    @Test
    void readWaitsForData() throws Exception {
        // test_read
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> r.read(30));
            Asyncio.sleep(1);
            assertFalse(t.done());
            r.feedData(DATA);
            assertEquals(s(DATA), s(t.await()));
        });
    }

    @Test
    void readReturnsAtMostN() throws Exception {
        // test_read_line_breaks
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("line1"));
            r.feedData(b("line2"));
            assertEquals("line1", s(r.read(5)));
            assertEquals("line2", s(r.read(5)));
        });
    }

    @Test
    void readAtEof() throws Exception {
        // test_read_eof / test_read_until_eof
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> r.read(1024));
            Asyncio.sleep(0);
            r.feedEof();
            assertEquals(0, t.await().length);
            assertTrue(r.atEof());

            StreamReader r2 = new StreamReader();
            Task<byte[]> all = Asyncio.createTask(() -> r2.read());
            loop().callSoon(() -> r2.feedData(b("chunk1\n")));
            loop().callLater(0.1, () -> r2.feedData(b("chunk2")));
            loop().callLater(0.2, r2::feedEof);
            assertEquals("chunk1\nchunk2", s(all.await()));
            assertEquals(0, r2.read().length);
        });
    }

    @Test
    void readRaisesTheSetException() throws Exception {
        // test_read_exception / test_exception_waiter
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("line\n"));
            assertEquals("li", s(r.read(2)));
            r.setException(new IOException("boom"));
            assertEquals("boom", assertThrows(IOException.class, () -> r.read(2)).getMessage());
            assertEquals("boom", r.exception().getMessage());

            StreamReader r2 = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> r2.readline());
            Asyncio.sleep(0);
            r2.setException(new java.net.SocketException("reset"));
            assertThrows(java.net.SocketException.class, t::await);
        });
    }

    @Test
    void readline() throws Exception {
        // test_readline / test_readline_eof / test_readline_empty_eof / test_readline_read_byte_count
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("chunk1 "));
            Task<byte[]> t = Asyncio.createTask(() -> r.readline());
            loop().callSoon(() -> r.feedData(b("chunk2 ")));
            loop().callLater(0.1, () -> r.feedData(b("chunk3 ")));
            loop().callLater(0.2, () -> r.feedData(b("\n chunk4")));
            assertEquals("chunk1 chunk2 chunk3 \n", s(t.await()));
            assertEquals(" chunk4", s(r.read(100)));

            StreamReader eof = new StreamReader();
            eof.feedData(b("some data"));
            eof.feedEof();
            assertEquals("some data", s(eof.readline()), "the last line may lack its newline");
            assertEquals(0, eof.readline().length);

            StreamReader counted = new StreamReader();
            counted.feedData(DATA);
            counted.readline();
            assertEquals("line2\nl", s(counted.read(7)));
            assertEquals("ine3\n", s(counted.read(100)));
        });
    }

    @Test
    void readlineOverTheLimitDiscardsTheLine() throws Exception {
        // test_readline_limit_with_existing_data / test_readline_limit
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader(3);
            r.feedData(b("li"));
            r.feedData(b("ne1\nline2\n"));
            LimitOverrunError e = assertThrows(LimitOverrunError.class, r::readline);
            assertTrue(e.getMessage().contains("limit"), e.getMessage());
            assertEquals("line2\n", s(r.read(100)), "the long line (with its newline) was discarded");

            StreamReader r2 = new StreamReader(7);
            r2.feedData(b("chunk1"));
            r2.feedData(b("chunk2"));
            r2.feedData(b("chunk3\n"));
            r2.feedEof();
            assertThrows(LimitOverrunError.class, r2::readline);
            assertEquals(0, r2.read().length, "without a newline within reach, the buffer is cleared");
        });
    }

    @Test
    void readUntil() throws Exception {
        // test_readuntil_separator / test_readuntil_multi_chunks / test_readuntil_multi_chunks_1
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            assertThrows(IllegalArgumentException.class, () -> r.readUntil(new byte[0]));
            r.feedData(b("lineAAA"));
            assertEquals("lineAAA", s(r.readUntil(b("AAA"))));
            r.feedData(b("lineAAAxxx"));
            assertEquals("lineAAA", s(r.readUntil(b("AAA"))));
            assertEquals("xxx", s(r.read(10)));
            r.feedData(b("QWEaa"));
            r.feedData(b("XYaa"));
            r.feedData(b("a"));
            assertEquals("QWEaaXYaaa", s(r.readUntil(b("aaa"))));
            Task<byte[]> t = Asyncio.createTask(() -> r.readUntil(b("aaa")));
            loop().callSoon(() -> r.feedData(b("XXa")));
            loop().callLater(0.1, () -> r.feedData(b("a")));
            loop().callLater(0.2, () -> r.feedData(b("aQQ")));
            assertEquals("XXaaa", s(t.await()));
            assertEquals("QQ", s(r.read(10)));
        });
    }

    @Test
    void readUntilWithSeveralSeparatorsTakesTheShortestMatch() throws Exception {
        // 3.13 test_readuntil_multiple_separators
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("line1\r\nline2\nline3\r"));
            assertEquals("line1\r\n", s(r.readUntil(b("\n"), b("\r\n"))));
            assertEquals("line2\n", s(r.readUntil(b("\r\n"), b("\n"))));
            r.feedData(b("\n"));
            assertEquals("line3\r", s(r.readUntil(b("\r"), b("\r\n"))), "the match ending first wins");
            assertEquals("\n", s(r.read(1)));
            r.feedData(b("abcdef"));
            assertEquals("abc", s(r.readUntil(b("def"), b("bc"), b("c"))));
        });
    }

    @Test
    void readUntilAtEofCarriesThePartialData() throws Exception {
        // test_readuntil_eof
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("some dataAA"));
            r.feedEof();
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> r.readUntil(b("AAA")));
            assertEquals("some dataAA", s(e.partial()));
            assertTrue(e.expected().isEmpty());
            assertEquals(0, r.read(100).length, "the partial data left the buffer");
        });
    }

    @Test
    void readUntilOverTheLimitLeavesTheData() throws Exception {
        // test_readuntil_limit_found_sep
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader(3);
            r.feedData(b("some dataAA"));
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> r.readUntil(b("AAA")));
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
            r.feedData(b("A"));
            LimitOverrunError e2 = assertThrows(LimitOverrunError.class, () -> r.readUntil(b("AAA")));
            assertTrue(e2.getMessage().contains("is found"), e2.getMessage());
            assertEquals(9, e2.consumed());
            assertEquals("some dataAAA", s(r.readExactly(12)), "the data is still there");
        });
    }

    @Test
    void aPeerThatNeverSendsANewlineCannotExhaustMemory() throws Exception {
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader(1024);
            Task<byte[]> t = Asyncio.createTask(() -> r.readline());
            Asyncio.sleep(0);
            for (int i = 0; i < 100 && !t.done(); i++) {
                r.feedData(new byte[100]);
                Asyncio.sleep(0);
            }
            assertTrue(t.done());
            assertThrows(LimitOverrunError.class, t::await);
        });
    }

    @Test
    void readExactly() throws Exception {
        // test_readexactly_zero_or_less / test_readexactly / test_readexactly_limit / test_readexactly_eof
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader(3);
            r.feedData(DATA);
            assertEquals(0, r.readExactly(0).length);
            assertThrows(IllegalArgumentException.class, () -> r.readExactly(-1));
            Task<byte[]> t = Asyncio.createTask(() -> r.readExactly(2 * DATA.length));
            loop().callSoon(() -> r.feedData(DATA));
            assertEquals(s(DATA) + s(DATA), s(t.await()), "readExactly ignores the limit");

            StreamReader eof = new StreamReader();
            Task<byte[]> t2 = Asyncio.createTask(() -> eof.readExactly(2 * DATA.length));
            loop().callSoon(() -> eof.feedData(DATA));
            loop().callLater(0.1, eof::feedEof);
            IncompleteReadError e = assertThrows(IncompleteReadError.class, t2::await);
            assertEquals(s(DATA), s(e.partial()));
            assertEquals(2 * DATA.length, e.expected().getAsInt());
            assertEquals(DATA.length + " bytes read on a total of " + 2 * DATA.length + " expected bytes", e.getMessage());
            assertInstanceOf(java.io.EOFException.class, e);
        });
    }

    @Test
    void twoWaitingReadersAreAnError() throws Exception {
        // test_multiple_readers (RuntimeError)
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> first = Asyncio.createTask(() -> r.read(1));
            Asyncio.sleep(0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.read(1));
            assertTrue(e.getMessage().contains("already waiting"), e.getMessage());
            r.feedData(b("x"));
            assertEquals("x", s(first.await()));
        });
    }

    @Test
    void aCancelledReadLosesNothing() throws Exception {
        // test_exception_cancel / cancel-safety
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            r.feedData(b("par"));
            Task<byte[]> t = Asyncio.createTask(() -> r.readUntil(b("\n")));
            Asyncio.sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            r.feedData(b("tial\n"));
            assertEquals("partial\n", s(r.readline()));
            Task<byte[]> t2 = Asyncio.createTask(() -> r.read(10));
            Asyncio.sleep(0);
            t2.cancel();
            assertThrows(CancelledError.class, t2::await);
            r.feedData(b("more"));
            assertEquals("more", s(r.read(10)), "a new read may wait after a cancelled one");
        });
    }

    @Test
    void iterationOverLines() throws Exception {
        // test_async_iteration ("async for line in reader")
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            loop().callSoon(() -> r.feedData(b("line1\nline2\n")));
            loop().callLater(1, () -> r.feedData(b("line3")));
            loop().callLater(2, r::feedEof);
            List<String> lines = new ArrayList<>();
            for (byte[] line : r) {
                lines.add(s(line));
            }
            assertEquals(List.of("line1\n", "line2\n", "line3"), lines);
            assertEquals(2.0, loop().time(), 1e-9, "each hasNext() waited for its line");

            StreamReader bad = new StreamReader(2);
            bad.feedData(b("too long\n"));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> bad.iterator().hasNext());
            assertInstanceOf(LimitOverrunError.class, e.getCause());
        });
    }

    @Test
    void theTransportIsPausedPastTwiceTheLimitAndResumedWhenRead() throws Exception {
        // test_streams: _maybe_resume_transport / feed_data pausing
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader(10);
            FakeTransport t = new FakeTransport();
            r.setTransport(t);
            assertThrows(IllegalStateException.class, () -> r.setTransport(t));
            r.feedData(new byte[15]);
            assertFalse(t.paused);
            r.feedData(new byte[10]);
            assertTrue(t.paused, "25 bytes > 2 * 10");
            assertEquals(1, t.pauses);
            r.read(5);
            assertTrue(t.paused, "20 bytes left > limit");
            r.read(10);
            assertFalse(t.paused, "10 bytes left <= limit");
            assertEquals(1, t.resumes);
            // readExactly beyond the limit must not deadlock: waiting resumes the transport
            r.feedData(new byte[25]);
            assertTrue(t.paused);
            Task<byte[]> big = Asyncio.createTask(() -> r.readExactly(60));
            Asyncio.sleep(0);
            assertFalse(t.paused, "a waiting read resumes a paused transport");
            r.feedData(new byte[25]);
            assertEquals(60, big.await().length);
        });
    }

    @Test
    void badUse() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new StreamReader(0));
        StreamReader r = new StreamReader();
        assertThrows(IllegalStateException.class, () -> r.read(1), "outside a task");
        r.feedEof();
        assertThrows(IllegalStateException.class, () -> r.feedData(b("late")));
        assertTrue(r.atEof());
    }
}
