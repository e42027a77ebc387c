package org.jasyncio.files;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why org.jasyncio.files exists, on real FIFOs and a real loop (the blocking is real, so the
 * clock is too): a read of a FIFO through {@link Files} inside a task freezes the loop until a
 * writer comes, while the same read through {@link AsyncFiles} lets a ticker task run on.
 */
class FifoTest {
    private static final double WRITER_DELAY = 0.5;
    private static final double TICK = 0.05;

    @TempDir
    Path dir;

    private Path mkfifo() throws Exception {
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        return fifo;
    }

    /** Opens the FIFO for writing after the delay (the open waits for the reader), writes, closes. */
    private static Thread writeLater(Path fifo, String text) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep((long) (WRITER_DELAY * 1000));
                Files.writeString(fifo, text);
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Ticks seen strictly inside (from, to), with a margin for the tick that was already due. */
    private static long ticksBetween(List<Double> ticks, double from, double to) {
        return ticks.stream().filter(t -> t > from + TICK / 2 && t < to - TICK / 2).count();
    }

    private record Outcome(String text, long ticks, double seconds) {}

    private Outcome readWithTicker(Path fifo, Reader reader) throws Exception {
        List<Double> ticks = new CopyOnWriteArrayList<>();
        return run(() -> {
            EventLoop loop = getRunningLoop();
            Task<Void> ticker = createTask(() -> {
                while (true) {
                    ticks.add(loop.time());
                    sleep(TICK);
                }
            });
            sleep(0); // the ticker's first step
            Thread writer = writeLater(fifo, "hello\nfifo\n");
            double t0 = loop.time();
            String text = reader.read(fifo);
            double t1 = loop.time();
            ticker.cancel();
            writer.join();
            return new Outcome(text, ticksBetween(ticks, t0, t1), t1 - t0);
        });
    }

    @FunctionalInterface
    private interface Reader {
        String read(Path fifo) throws IOException;
    }

    @Test
    void aTickerKeepsTickingWhileAsyncFilesWaitsForTheWriter() throws Exception {
        Outcome o = readWithTicker(mkfifo(), AsyncFiles::readString);
        assertEquals("hello\nfifo\n", o.text());
        assertTrue(o.seconds() >= WRITER_DELAY * 0.9, "the read waited for the writer: " + o);
        // 10 ticks fit in the wait; a loaded machine may delay a few, never all.
        assertTrue(o.ticks() >= 4, "the loop ran the ticker during the read: " + o);
    }

    @Test
    void filesInsideATaskFreezesTheLoopForTheWholeRead() throws Exception {
        // The README's "Blocking calls" table says so; this pins it.
        Outcome o = readWithTicker(mkfifo(), Files::readString);
        assertEquals("hello\nfifo\n", o.text());
        assertTrue(o.seconds() >= WRITER_DELAY * 0.9, "the read waited for the writer: " + o);
        assertEquals(0, o.ticks(), "no tick while the loop thread was blocked: " + o);
    }

    @Test
    void linesOfAnOpenFifoArriveAsTheWriterWritesThem() throws Exception {
        Path fifo = mkfifo();
        List<String> lines = run(() -> {
            Thread writer = writeLater(fifo, "one\r\ntwo\nthree");
            List<String> got = new CopyOnWriteArrayList<>();
            try (AsyncFile f = AsyncFiles.open(fifo)) {
                for (String line : f.lines()) {
                    got.add(line);
                }
            }
            writer.join();
            return got;
        });
        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void closeEndsAReadBlockedOnAFifoAndTheReaderTaskCanBeCancelled() throws Exception {
        Path fifo = mkfifo();
        run(() -> {
            Thread writer = writeLater(fifo, "first\n"); // writes a line and closes its end
            AsyncFile f = AsyncFiles.open(fifo);
            writer.join();
            assertArrayEquals("first\n".getBytes(), f.readline());
            // With that writer gone the next read would see the end: open one that stays silent.
            try (FileChannel silent = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                Task<byte[]> reader = createTask(() -> f.read(10));
                sleep(0.2);
                assertFalse(reader.done(), "the read waits for data");
                assertTrue(silent.isOpen());
                reader.cancel();
                assertThrows(CancelledError.class, reader::await);
                f.close(); // frees the executor thread still blocked in the read
                assertFalse(f.isOpen());
                assertThrows(ClosedChannelException.class, () -> f.read(1));
            }
        });
    }

    @Test
    void aCancelledOpenClosesTheFileWhenItFinallyOpens() throws Exception {
        Path fifo = mkfifo();
        run(() -> {
            Task<AsyncFile> opener = createTask(() -> AsyncFiles.open(fifo));
            sleep(0.2);
            assertFalse(opener.done(), "opening a FIFO waits for a writer");
            opener.cancel();
            assertThrows(CancelledError.class, opener::await);
            // Now a writer comes: the executor's open succeeds, finds itself abandoned and
            // closes the file, so the writer's writes soon fail with a broken pipe.
            boolean broken = toThread(() -> {
                try (FileChannel w = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                    for (int i = 0; i < 500; i++) {
                        w.write(ByteBuffer.wrap(new byte[] {'x'}));
                        Thread.sleep(10);
                    }
                    return false;
                } catch (IOException brokenPipe) {
                    return true;
                }
            });
            assertTrue(broken, "the reading end was closed");
        });
    }
}
