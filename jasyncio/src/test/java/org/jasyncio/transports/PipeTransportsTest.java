package org.jasyncio.transports;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.VirtualClock;
import org.jasyncio.streams.PipeStreams;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.subprocess.BrokenPipeError;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.Subprocess;
import org.jasyncio.subprocess.SubprocessOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * connectReadPipe and connectWritePipe beyond CPython's tests: FIFOs with real children on the
 * other end, streams and descriptors, cancellation while a FIFO's open waits, bad input, faults
 * in protocol callbacks, and no pump thread left behind.
 */
class PipeTransportsTest {

    /** Records the calls; {@link #until} waits for a condition, woken by each call. */
    static class Recorder implements Protocol {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
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
            record("made");
        }

        @Override
        public void dataReceived(byte[] b) {
            data.writeBytes(b);
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

        void until(BooleanSupplier condition) throws Exception {
            waitFor(() -> {
                while (!condition.getAsBoolean()) {
                    changed = getRunningLoop().createFuture();
                    changed.await();
                }
                return null;
            }, 10);
        }
    }

    private static Path mkfifo(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor(), "mkfifo " + p);
        return p;
    }

    private static List<Thread> pumps() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jasyncio-pipe-"))
                .filter(Thread::isAlive).toList();
    }

    /** Waits (10 s at most) for the pump threads to end, joining them: they leave on their own. */
    private static void assertNoPumpLeft() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Thread t : pumps()) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            toThread(() -> {
                t.join(left);
                return null;
            });
        }
        assertEquals(0, pumps().size(), () -> "pump threads left: " + Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("jasyncio-pipe-"))
                .map(e -> e.getKey().getName() + " " + Arrays.toString(e.getValue())).toList());
    }

    @Test
    void aFifoFedByAChildIsReadToItsEnd(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "in");
        Asyncio.run(() -> {
            Process child = Subprocess.createSubprocessExec("sh", "-c", "seq 1 20000 > '" + fifo + "'");
            Recorder p = new Recorder();
            ReadPipeConnection<Recorder> c = getRunningLoop().connectReadPipe(() -> p, fifo);
            assertInstanceOf(FileChannel.class, c.transport().getExtraInfo("pipe"), "the channel opened on the FIFO");
            p.until(() -> p.events.contains("lost"));
            assertEquals(0, child.await());
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 20000; i++) {
                expected.append(i).append('\n');
            }
            assertEquals(expected.toString(), p.data.toString(UTF_8));
            assertEquals("eof", p.events.get(p.events.size() - 2));
            assertNull(p.lostWith);
        });
    }

    @Test
    void aFifoIsWrittenToAChildThatReadsIt(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "out");
        Asyncio.run(() -> {
            Process child = Subprocess.createSubprocessExec(List.of("md5sum", fifo.toString()),
                    SubprocessOptions.defaults().withStdout(Subprocess.PIPE));
            StreamWriter w = PipeStreams.openWritePipe(fifo);
            byte[] big = new byte[1 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) ('a' + i % 26);
            }
            w.write(big);
            w.drain(); // a MiB does not fit in the pipe: this waits for the child to read
            w.close();
            w.waitClosed();
            String sum = new String(child.stdout().read(), UTF_8).split(" ")[0];
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(big)), sum);
            assertEquals(0, child.await());
        });
    }

    @Test
    void aChildThatClosesTheFifoEarlyGivesBrokenPipeErrorOnDrain(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "early");
        Asyncio.run(() -> {
            Process child = Subprocess.createSubprocessExec("sh", "-c", "head -c 10 '" + fifo + "' > /dev/null");
            StreamWriter w = PipeStreams.openWritePipe(fifo);
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    w.write(new byte[64 * 1024]);
                    w.drain();
                }
            });
            assertTrue(e instanceof BrokenPipeError || e.getMessage().contains("Connection lost"), e.toString());
            assertEquals(0, child.await());
        });
    }

    @Test
    void cancellingWhileTheFifoOpenWaitsLeavesNothingOpen(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "nobody");
        Asyncio.run(() -> {
            for (boolean reading : new boolean[] {true, false}) {
                assertNoPumpLeft(); // the last stand-in peer is gone: nothing answers the open
                Task<Object> t = createTask(() -> reading
                        ? getRunningLoop().connectReadPipe(Recorder::new, fifo)
                        : getRunningLoop().connectWritePipe(Recorder::new, fifo));
                sleep(0.05); // no peer will come: the open waits
                assertFalse(t.done());
                t.cancel();
                assertThrows(CancelledError.class, t::await);
            }
            // cancelled as soon as the call waits: the open thread may not have begun its open
            for (int i = 0; i < 40; i++) {
                boolean reading = i % 2 == 0;
                assertNoPumpLeft();
                Task<Object> t = createTask(() -> reading
                        ? getRunningLoop().connectReadPipe(Recorder::new, fifo)
                        : getRunningLoop().connectWritePipe(Recorder::new, fifo));
                sleep(0);
                t.cancel();
                assertThrows(CancelledError.class, t::await);
            }
        });
        assertNoPumpLeftOutsideALoop();
    }

    private static void assertNoPumpLeftOutsideALoop() throws Exception {
        Asyncio.run(PipeTransportsTest::assertNoPumpLeft);
    }

    @Test
    void badPipesAreRefusedNamingWhatIsWrong(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        Asyncio.run(() -> {
            var loop = getRunningLoop();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.connectReadPipe(Recorder::new, file));
            assertTrue(e.getMessage().contains("plain.txt") && e.getMessage().contains("regular file"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> loop.connectWritePipe(Recorder::new, dir));
            assertTrue(e.getMessage().contains("directory"), e.getMessage());
            assertThrows(NoSuchFileException.class, () -> loop.connectReadPipe(Recorder::new, dir.resolve("none")));
            e = assertThrows(IllegalArgumentException.class,
                    () -> loop.connectReadPipe(Recorder::new, new FileDescriptor()));
            assertTrue(e.getMessage().contains("not valid"), e.getMessage());
            Pipe closed = Pipe.open();
            closed.source().close();
            e = assertThrows(IllegalArgumentException.class, () -> loop.connectReadPipe(Recorder::new, closed.source()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            closed.sink().close();
            Pipe watched = Pipe.open();
            try (Selector sel = Selector.open()) {
                watched.source().configureBlocking(false);
                watched.source().register(sel, SelectionKey.OP_READ);
                e = assertThrows(IllegalArgumentException.class,
                        () -> loop.connectReadPipe(Recorder::new, watched.source()));
                assertTrue(e.getMessage().contains("registered with a selector"), e.getMessage());
            }
            watched.source().close();
            watched.sink().close();
            assertThrows(NullPointerException.class, () -> loop.connectReadPipe(Recorder::new, (Path) null));
            Pipe p = Pipe.open();
            assertThrows(NullPointerException.class, () -> loop.connectReadPipe(() -> null, p.source()));
            assertFalse(p.source().isOpen(), "a factory that fails leaves the pipe closed, not leaked");
            p.sink().close();
        });
    }

    @Test
    void outsideATaskOfTheLoopIsRefused() throws Exception {
        var loop = Asyncio.newEventLoop();
        try {
            Pipe p = Pipe.open();
            assertThrows(IllegalStateException.class, () -> loop.connectReadPipe(Recorder::new, p.source()));
            assertThrows(IllegalStateException.class, () -> loop.connectWritePipe(Recorder::new, p.sink()));
            assertTrue(p.source().isOpen(), "nothing was taken over");
            p.source().close();
            p.sink().close();
        } finally {
            loop.close();
        }
    }

    @Test
    void streamsWorkAsPipesToo() throws Exception {
        Asyncio.run(() -> {
            StreamReader r = PipeStreams.openReadPipe(new ByteArrayInputStream("a\nb\n".getBytes(UTF_8)));
            assertEquals("a\n", new String(r.readline(), UTF_8));
            assertEquals("b\n", new String(r.readline(), UTF_8));
            assertTrue(r.read().length == 0 && r.atEof());

            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            Recorder p = new Recorder();
            WritePipeConnection<Recorder> c = getRunningLoop().connectWritePipe(() -> p, sink);
            c.transport().write("hello ".getBytes(UTF_8));
            c.transport().writelines(List.of("pipe".getBytes(UTF_8)));
            c.transport().close();
            p.until(() -> p.events.contains("lost"));
            assertEquals("hello pipe", sink.toString(UTF_8));
            assertSame(sink, c.transport().getExtraInfo("pipe"));
        });
    }

    @Test
    void aProtocolCallbackThatThrowsIsReportedAndThePipeGoesOn() throws Exception {
        Asyncio.run(() -> {
            List<ExceptionContext> reported = new ArrayList<>();
            getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            AtomicInteger calls = new AtomicInteger();
            Future<Void> lost = getRunningLoop().createFuture();
            Pipe pipe = Pipe.open();
            getRunningLoop().connectReadPipe(() -> new Protocol() {
                @Override
                public void dataReceived(byte[] data) {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("boom");
                    }
                }

                @Override
                public void connectionLost(Exception exc) {
                    lost.setResult(null);
                }
            }, pipe.source());
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            while (calls.get() == 0) {
                sleep(0.001);
            }
            pipe.sink().write(ByteBuffer.wrap(new byte[] {2}));
            pipe.sink().close();
            waitFor(lost, 10);
            assertEquals(2, calls.get(), "the pipe kept reading after the fault");
            assertEquals(1, reported.size());
            assertEquals("boom", reported.get(0).exception().getMessage());
            assertTrue(reported.get(0).message().contains("dataReceived"), reported.get(0).message());
        });
    }

    /** A recorder whose flow-control callbacks throw once recorded. */
    static final class FaultyFlow extends Recorder {
        @Override
        public void pauseWriting() {
            ((Recorder) this).record("pause");
            throw new IllegalStateException("pause boom");
        }

        @Override
        public void resumeWriting() {
            ((Recorder) this).record("resume");
            throw new IllegalStateException("resume boom");
        }
    }

    @Test
    void aThreadPumpedPipeReportsAThrowingPauseAndResumeAsItsOwnerDoes() throws Exception {
        Asyncio.run(() -> {
            List<ExceptionContext> reported = new ArrayList<>();
            getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            FaultyFlow p = new FaultyFlow();
            WriteTransport t = getRunningLoop().connectWritePipe(() -> p, sink).transport();
            t.setWriteBufferLimits(0, 0);
            t.write("x".getBytes(UTF_8)); // counted as buffered until the pump reports it written
            assertEquals(List.of("made", "pause"), p.events);
            p.until(() -> p.events.contains("resume"));
            t.write("y".getBytes(UTF_8)); // the faults changed nothing: a second round pauses again
            t.close();
            p.until(() -> p.events.contains("lost"));
            assertEquals(List.of("made", "pause", "resume", "pause", "resume", "lost"), p.events);
            assertEquals("xy", sink.toString(UTF_8));
            assertEquals(4, reported.size(), reported::toString);
            assertEquals("Exception in FaultyFlow.pauseWriting()", reported.get(0).message());
            assertEquals("pause boom", reported.get(0).exception().getMessage());
            assertSame(t, reported.get(0).get("transport"));
            assertSame(p, reported.get(0).get("protocol"));
            assertEquals("Exception in FaultyFlow.resumeWriting()", reported.get(1).message());
            assertEquals("resume boom", reported.get(1).exception().getMessage());
        });
    }

    @Test
    void aSelectablePipeReportsAThrowingPauseAndResumeAsAsyncioDoes() throws Exception {
        Asyncio.run(() -> {
            List<ExceptionContext> reported = new ArrayList<>();
            getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            Pipe pipe = Pipe.open();
            FaultyFlow p = new FaultyFlow();
            WriteTransport t = getRunningLoop().connectWritePipe(() -> p, pipe.sink()).transport();
            int size = 1024 * 1024; // far more than the pipe holds: the rest waits in the transport
            t.write(new byte[size]);
            assertTrue(t.getWriteBufferSize() > 64 * 1024, () -> "buffered " + t.getWriteBufferSize());
            assertEquals(List.of("made", "pause"), p.events);
            assertEquals(1, reported.size(), reported::toString);
            assertEquals("protocol.pauseWriting() failed", reported.get(0).message());
            assertEquals("pause boom", reported.get(0).exception().getMessage());
            assertSame(t, reported.get(0).get("transport"));
            assertSame(p, reported.get(0).get("protocol"));
            long read = toThread(() -> {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                long n = 0;
                while (n < size) {
                    b.clear();
                    n += pipe.source().read(b);
                }
                return n;
            });
            assertEquals(size, read);
            p.until(() -> p.events.contains("resume"));
            assertEquals(0, t.getWriteBufferSize());
            assertEquals(2, reported.size(), reported::toString);
            assertEquals("protocol.resumeWriting() failed", reported.get(1).message());
            assertEquals("resume boom", reported.get(1).exception().getMessage());
            t.close();
            p.until(() -> p.events.contains("lost"));
            assertEquals(List.of("made", "pause", "resume", "lost"), p.events);
            pipe.source().close();
        });
    }

    @Test
    void abortEndsAWriteBlockedOnAFifoNobodyReads(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "stuck");
        Asyncio.run(() -> {
            // the child opens the FIFO and never reads it
            Process child = Subprocess.createSubprocessExec("sh", "-c", "exec 3<'" + fifo + "'; sleep 30");
            Recorder p = new Recorder();
            WritePipeConnection<Recorder> c = getRunningLoop().connectWritePipe(() -> p, fifo);
            c.transport().write(new byte[1 << 20]); // the writer blocks after 64 KiB
            c.transport().abort();
            p.until(() -> p.events.contains("lost"));
            assertNull(p.lostWith);
            child.kill();
            child.await();
            assertNoPumpLeft();
        });
    }

    @Test
    void closingTheReadTransportEndsABlockedReadAtOnce(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "quiet");
        Asyncio.run(() -> {
            // the child holds the FIFO open for writing and writes nothing
            Process child = Subprocess.createSubprocessExec("sh", "-c", "exec 3>'" + fifo + "'; sleep 30");
            Recorder p = new Recorder();
            ReadTransport t = getRunningLoop().connectReadPipe(() -> p, fifo).transport();
            t.close();
            p.until(() -> p.events.contains("lost"));
            assertEquals(List.of("made", "lost"), p.events);
            assertNoPumpLeft();
            child.kill();
            child.await();
        });
    }

    @Test
    void aDescriptorIsReadAndItsCloseClosesItAtOnce(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "fd-in");
        // the writer keeps the FIFO open after its line: only our close can end the read
        java.lang.Process writer = new ProcessBuilder("sh", "-c", "exec 3>'" + fifo + "'; echo hello >&3; sleep 30")
                .start();
        try (FileInputStream in = new FileInputStream(fifo.toFile())) { // returns once the writer opened it
            FileDescriptor fd = in.getFD();
            Asyncio.run(() -> {
                Recorder p = new Recorder();
                ReadTransport t = getRunningLoop().connectReadPipe(() -> p, fd).transport();
                assertSame(fd, t.getExtraInfo("pipe"));
                p.until(() -> p.data.size() == 6);
                assertEquals("hello\n", p.data.toString(UTF_8));
                t.close();
                p.until(() -> p.events.contains("lost"));
                assertEquals(List.of("made", "data", "lost"), p.events);
                assertFalse(fd.valid(), "the descriptor is closed, as asyncio closes the pipe object");
                assertNoPumpLeft();
            });
        } finally {
            writer.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDescriptorIsWritten(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "fd-out");
        Path got = dir.resolve("got");
        java.lang.Process reader = new ProcessBuilder("sh", "-c", "cat '" + fifo + "' > '" + got + "'").start();
        try (FileOutputStream out = new FileOutputStream(fifo.toFile())) { // returns once cat opened it
            FileDescriptor fd = out.getFD();
            Asyncio.run(() -> {
                Recorder p = new Recorder();
                WriteTransport t = getRunningLoop().connectWritePipe(() -> p, fd).transport();
                t.write("through a descriptor".getBytes(UTF_8));
                t.close();
                p.until(() -> p.events.contains("lost"));
                assertNull(p.lostWith);
                assertFalse(fd.valid());
            });
            assertEquals(0, reader.waitFor());
            assertEquals("through a descriptor", Files.readString(got));
        } finally {
            reader.destroyForcibly();
        }
    }

    @Test
    void aConnectionMadeThatThrowsIsReportedAndThePipeStillWorks() throws Exception {
        Asyncio.run(() -> {
            List<ExceptionContext> reported = new ArrayList<>();
            getRunningLoop().setExceptionHandler((l, ctx) -> reported.add(ctx));
            Pipe selectable = Pipe.open();
            List<ReadableByteChannel> ends = List.of(selectable.source(),
                    Channels.newChannel(new ByteArrayInputStream("x".getBytes(UTF_8))));
            for (ReadableByteChannel end : ends) {
                Recorder p = new Recorder() {
                    @Override
                    public void connectionMade(BaseTransport t) {
                        super.connectionMade(t);
                        throw new IllegalStateException("made failed");
                    }
                };
                ReadTransport t = getRunningLoop().connectReadPipe(() -> p, end).transport(); // returns, as asyncio's
                assertTrue(t.isReading(), end.toString());
                if (end == selectable.source()) {
                    selectable.sink().write(ByteBuffer.wrap("x".getBytes(UTF_8)));
                    selectable.sink().close();
                }
                p.until(() -> p.events.contains("lost"));
                assertEquals("x", p.data.toString(UTF_8), end.toString());
            }
            assertEquals(2, reported.size());
            for (ExceptionContext ctx : reported) {
                assertEquals("made failed", ctx.exception().getMessage());
                assertTrue(ctx.message().contains("connectionMade"), ctx.message());
            }
        });
    }

    @Test
    void aVirtualClockWatchesAnOpenPipeBeforeItJumps(@TempDir Path dir) throws Exception {
        Path fifo = mkfifo(dir, "late");
        // an open pipe is outside work in flight: the idle loop watches it for up to the
        // threshold (5 s of real time) before it jumps, so the line that comes 0.3 s later is read
        // before the 10 s (virtual) timeout; a clock that jumped at once would time out
        // (the writer is not the loop's child, which would count as outside work by itself)
        java.lang.Process writer = new ProcessBuilder("sh", "-c", "exec 3>'" + fifo + "'; sleep 0.3; echo late >&3")
                .start();
        EventLoop loop = new VirtualClock(5).newEventLoop();
        try {
            loop.runUntilComplete(() -> {
                StreamReader reader = PipeStreams.openReadPipe(fifo);
                byte[] line = waitFor(() -> reader.readline(), 10);
                assertEquals("late\n", new String(line, UTF_8));
                return null;
            });
            assertEquals(0, writer.waitFor());
        } finally {
            loop.close();
            writer.destroyForcibly();
        }
    }
}
