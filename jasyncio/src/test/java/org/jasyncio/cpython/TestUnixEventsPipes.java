package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.VoidCoroutine;
import org.jasyncio.subprocess.BrokenPipeError;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.transports.WriteTransport;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_unix_events.py {@code UnixReadPipeTransportTests} and
 * {@code UnixWritePipeTransportTests}, where they apply: CPython mocks {@code os.read} and
 * {@code os.write}; here each test runs a real {@link Pipe} and checks what the protocol and
 * the other end see. The Pipe's channels are watched by the loop's selector;
 * {@code TestUnixEventsPipesOnPumps} runs the same tests through the pump threads. The tests of asyncio's private {@code _read_ready}/{@code _write_ready}
 * steps have no counterpart (the pumps are not driven by readiness), and the partial-write ones
 * are covered by the flow-control test.
 */
class TestUnixEventsPipes {
    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_error is in
    // TestUnixEventsPipesOnPumps: a selector gives no readable event for a channel closed under it


    /** Records every call; {@link #until} waits for a condition without polling. */
    static final class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final StringBuilder data = new StringBuilder();
        BaseTransport transport;
        Exception lostWith;
        private Future<Void> changed;

        private void record(String e) {
            events.add(e);
            if (changed != null) {
                changed.trySetResult(null);
            }
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = t;
            record("made");
        }

        @Override
        public void dataReceived(byte[] b) {
            data.append(new String(b));
            record("data");
        }

        @Override
        public boolean eofReceived() {
            record("eof");
            return false;
        }

        @Override
        public void connectionLost(Exception exc) {
            lostWith = exc;
            record("lost");
        }

        @Override
        public void pauseWriting() {
            record("pause");
        }

        @Override
        public void resumeWriting() {
            record("resume");
        }

        /** Waits, in a task, until {@code condition} holds (10 s at most). */
        void until(BooleanSupplier condition) throws Exception {
            waitFor(() -> {
                while (!condition.getAsBoolean()) {
                    changed = getRunningLoop().createFuture();
                    changed.await();
                }
                return null;
            }, 10);
        }

        long count(String e) {
            return events.stream().filter(e::equals).count();
        }
    }

    static void run(VoidCoroutine body) throws Exception {
        Asyncio.run(body);
    }

    static void put(Pipe pipe, String s) throws Exception {
        pipe.sink().write(ByteBuffer.wrap(s.getBytes()));
    }

    /** The read end given to connectReadPipe: the Pipe's own, which the loop's selector watches. */
    ReadableByteChannel readEnd(Pipe pipe) {
        return pipe.source();
    }

    /** The write end given to connectWritePipe. */
    WritableByteChannel writeEnd(Pipe pipe) {
        return pipe.sink();
    }

    private ReadTransport readPipe(Recorder p, Pipe pipe) throws Exception {
        return getRunningLoop().connectReadPipe(() -> p, readEnd(pipe)).transport();
    }

    private WriteTransport writePipe(Recorder p, Pipe pipe) throws Exception {
        return getRunningLoop().connectWritePipe(() -> p, writeEnd(pipe)).transport();
    }

    /** Reads {@code n} bytes from the pipe on a thread. */
    static String take(Pipe pipe, int n) throws Exception {
        return toThread(() -> {
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (pipe.source().read(b) < 0) {
                    break;
                }
            }
            return new String(b.array(), 0, b.position());
        });
    }

    // ---- UnixReadPipeTransportTests ------------------------------------------------------------

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_ctor
    @Test
    void testReadCtor() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            ReadTransport tr = readPipe(p, Pipe.open());
            assertEquals(List.of("made"), p.events, "connectionMade before the call returns");
            assertSame(tr, p.transport);
            assertTrue(tr.isReading());
            tr.close();
        });
    }

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test__read_ready
    @Test
    void testReadReady() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            ReadTransport tr = readPipe(p, pipe);
            put(pipe, "data");
            p.until(() -> p.data.length() == 4);
            assertEquals("data", p.data.toString());
            tr.close();
        });
    }

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test__read_ready_eof
    @Test
    void testReadReadyEof() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            readPipe(p, pipe);
            pipe.sink().close();
            p.until(() -> p.events.contains("lost"));
            assertEquals(List.of("made", "eof", "lost"), p.events);
            assertNull(p.lostWith);
            assertFalse(pipe.source().isOpen());
        });
    }

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading
    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading
    @Test
    void testPauseAndResumeReading() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            ReadTransport tr = readPipe(p, pipe);
            tr.pauseReading();
            assertFalse(tr.isReading());
            put(pipe, "held");
            pipe.sink().close();
            // give the pump every chance: it reads and posts, the loop holds the chunk
            for (int i = 0; i < 50; i++) {
                sleep(0.001);
            }
            assertEquals(List.of("made"), p.events, "nothing delivered while paused");
            tr.resumeReading();
            assertTrue(tr.isReading());
            p.until(() -> p.events.contains("lost"));
            assertEquals("held", p.data.toString());
            assertEquals(List.of("made", "data", "eof", "lost"), p.events);
        });
    }

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_close
    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_close_already_closing
    @Test
    void testReadClose() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            ReadTransport tr = readPipe(p, pipe);
            tr.close();
            assertTrue(tr.isClosing());
            assertEquals(List.of("made"), p.events, "connectionLost comes on the next iteration");
            tr.close();
            p.until(() -> p.events.contains("lost"));
            sleep(0);
            assertEquals(List.of("made", "lost"), p.events, "once, without eofReceived");
            assertNull(p.lostWith);
            assertFalse(pipe.source().isOpen(), "the pipe is closed");
            pipe.sink().close();
        });
    }

    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading_on_closed_pipe
    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_pause_reading_on_paused_pipe
    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading_on_closed_pipe
    // CPython: test_unix_events.py::UnixReadPipeTransportTests::test_resume_reading_on_paused_pipe
    @Test
    void testPauseAndResumeAreNoOpsWhenTheyHaveNothingToDo() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            ReadTransport tr = readPipe(p, pipe);
            tr.resumeReading(); // not paused
            assertTrue(tr.isReading());
            tr.pauseReading();
            tr.pauseReading(); // already paused
            assertFalse(tr.isReading());
            tr.resumeReading();
            assertTrue(tr.isReading());
            tr.close();
            tr.pauseReading(); // closed
            tr.resumeReading();
            assertFalse(tr.isReading());
            pipe.sink().close();
        });
    }

    // ---- UnixWritePipeTransportTests -----------------------------------------------------------

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_ctor
    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_can_write_eof
    @Test
    void testWriteCtor() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            WriteTransport tr = writePipe(p, Pipe.open());
            assertEquals(List.of("made"), p.events);
            assertTrue(tr.canWriteEof());
            assertEquals(0, tr.getWriteBufferSize());
            tr.close();
        });
    }

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write
    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_no_data
    @Test
    void testWrite() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            WriteTransport tr = writePipe(p, pipe);
            tr.write(new byte[0]);
            assertEquals(0, tr.getWriteBufferSize(), "an empty write does nothing");
            tr.write("data".getBytes());
            tr.writelines(List.of("12".getBytes(), "34".getBytes()));
            assertEquals("data1234", take(pipe, 8));
            tr.close();
        });
    }

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_buffer
    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_partial
    @Test
    void testWriteBufferAndFlowControl() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            WriteTransport tr = writePipe(p, pipe);
            tr.setWriteBufferLimits(64 * 1024, 16 * 1024);
            byte[] chunk = new byte[256 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            tr.write(chunk);
            assertEquals(List.of("made", "pause"), p.events, "over the high-water mark at once");
            assertTrue(tr.getWriteBufferSize() > 64 * 1024);
            String got = take(pipe, chunk.length); // the reader drains the pipe
            assertEquals(chunk.length, got.length());
            p.until(() -> p.events.contains("resume"));
            assertEquals(List.of("made", "pause", "resume"), p.events);
            assertTrue(tr.getWriteBufferSize() <= 16 * 1024);
            tr.close();
        });
    }

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_err
    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_close
    @Test
    void testWriteErrAndWritesAfterTheLoss() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            WriteTransport tr = writePipe(p, pipe);
            pipe.source().close(); // the reader goes away
            tr.write("data".getBytes());
            p.until(() -> p.events.contains("lost"));
            assertInstanceOf(BrokenPipeError.class, p.lostWith);
            assertTrue(p.lostWith.getMessage().contains("reading end"), p.lostWith.getMessage());
            assertEquals(0, tr.getWriteBufferSize(), "the buffer is dropped");
            for (int i = 0; i < 6; i++) {
                tr.write("data".getBytes()); // dropped, as asyncio does, with a warning after five
            }
            tr.close();
            sleep(0);
            assertEquals(1, p.count("lost"));
        });
    }

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_abort
    @Test
    void testAbort() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            WriteTransport tr = writePipe(p, pipe);
            tr.write(new byte[1024 * 1024]); // more than the pipe holds: the writer blocks
            tr.abort();
            assertTrue(tr.isClosing());
            assertEquals(0, tr.getWriteBufferSize());
            p.until(() -> p.events.contains("lost"));
            assertNull(p.lostWith);
            assertFalse(pipe.sink().isOpen(), "abort closed the pipe, which ended the blocked write");
            tr.write("x".getBytes()); // dropped, as asyncio does after abort()
            assertEquals(0, tr.getWriteBufferSize());
            pipe.source().close();
        });
    }

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_close
    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_close_closing
    @Test
    void testWriteClose() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            WriteTransport tr = writePipe(p, pipe);
            tr.write("last".getBytes());
            tr.close();
            tr.close();
            assertTrue(tr.isClosing());
            assertEquals("last", take(pipe, 100), "queued bytes go out before the close; then end of file");
            p.until(() -> p.events.contains("lost"));
            assertEquals(List.of("made", "lost"), p.events);
            assertNull(p.lostWith);
            pipe.source().close();
        });
    }

    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_eof
    // CPython: test_unix_events.py::UnixWritePipeTransportTests::test_write_eof_pending
    @Test
    void testWriteEof() throws Exception {
        run(() -> {
            Recorder p = new Recorder();
            Pipe pipe = Pipe.open();
            WriteTransport tr = writePipe(p, pipe);
            tr.write("pending".getBytes());
            tr.writeEof();
            assertTrue(tr.isClosing());
            assertThrows(IllegalStateException.class, () -> tr.write("x".getBytes()));
            assertEquals("pending", take(pipe, 100));
            p.until(() -> p.events.contains("lost"));
            assertNull(p.lostWith);
            pipe.source().close();
        });
    }

    @Test
    void aLoopThatClosesStopsThePumpsAndTellsNoProtocol() throws Exception {
        EventLoop loop = Asyncio.newEventLoop();
        Recorder r = new Recorder();
        Recorder w = new Recorder();
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        loop.runUntilComplete(() -> {
            loop.connectReadPipe(() -> r, readEnd(in));
            loop.connectWritePipe(() -> w, writeEnd(out)).transport().write(new byte[1024 * 1024]);
            return null;
        });
        loop.close();
        assertEquals(List.of("made"), r.events);
        assertEquals(List.of("made", "pause"), w.events);
        assertFalse(in.source().isOpen());
        assertFalse(out.sink().isOpen());
        in.sink().close();
        out.source().close();
    }
}
