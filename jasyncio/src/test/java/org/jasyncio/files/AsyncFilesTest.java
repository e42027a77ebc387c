package org.jasyncio.files;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AsyncFiles' whole-file functions and the AsyncFile object on regular files (a real loop: real I/O). */
class AsyncFilesTest {

    @TempDir
    Path dir;

    @Test
    void wholeFilesRoundTripAsBytesTextAndLines() throws Exception {
        Path bin = dir.resolve("a.bin");
        Path txt = dir.resolve("a.txt");
        Path latin = dir.resolve("latin.txt");
        run(() -> {
            AsyncFiles.write(bin, new byte[] {0, 1, 2, (byte) 255});
            assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, AsyncFiles.readAllBytes(bin));
            AsyncFiles.writeString(txt, "héllo\r\nwörld\n");
            assertEquals("héllo\r\nwörld\n", AsyncFiles.readString(txt));
            assertEquals(List.of("héllo", "wörld"), AsyncFiles.readAllLines(txt));
            AsyncFiles.writeString(txt, "!\n", APPEND);
            assertEquals(List.of("héllo", "wörld", "!"), AsyncFiles.readAllLines(txt, UTF_8));
            AsyncFiles.writeString(latin, "café", ISO_8859_1);
            assertEquals(4, Files.size(latin), "one byte per character in ISO-8859-1");
            assertEquals("café", AsyncFiles.readString(latin, ISO_8859_1));
        });
    }

    @Test
    void errorsAreTheJdksOwn() throws Exception {
        run(() -> {
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.readString(dir.resolve("missing")));
            assertThrows(NoSuchFileException.class, () -> AsyncFiles.open(dir.resolve("missing")));
        });
    }

    @Test
    void outsideATaskTheCallIsRefusedWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AsyncFiles.readString(dir.resolve("x")));
        assertTrue(e.getMessage().startsWith("AsyncFiles.readString() can only be called inside a task"), e.getMessage());
    }

    @Test
    void linesAndReadlineSplitOnNewlinesAndKeepTheLastUnterminatedLine() throws Exception {
        Path p = dir.resolve("lines.txt");
        Files.writeString(p, "a\nb\r\n\nlast");
        run(() -> {
            List<String> lines = new ArrayList<>();
            try (AsyncFile f = AsyncFiles.open(p)) {
                for (String line : f.lines()) {
                    lines.add(line);
                }
            }
            assertEquals(List.of("a", "b", "", "last"), lines);
            try (AsyncFile f = AsyncFiles.open(p)) {
                List<String> raw = new ArrayList<>();
                for (byte[] line = f.readline(); line.length > 0; line = f.readline()) {
                    raw.add(new String(line, UTF_8));
                }
                assertEquals(List.of("a\n", "b\r\n", "\n", "last"), raw);
                assertEquals(0, f.read(10).length, "empty at the end");
                assertEquals(0, f.read().length);
            }
        });
    }

    @Test
    void aLineLongerThanTheReadAheadChunkComesWhole() throws Exception {
        Path p = dir.resolve("long.txt");
        String longLine = "x".repeat(200_000);
        Files.writeString(p, longLine + "\nshort\n");
        run(() -> {
            try (AsyncFile f = AsyncFiles.open(p)) {
                List<String> lines = new ArrayList<>();
                f.lines().forEach(lines::add);
                assertEquals(List.of(longLine, "short"), lines);
            }
        });
    }

    @Test
    void readsAndWritesShareOnePositionAcrossTheReadAhead() throws Exception {
        Path p = dir.resolve("rw.txt");
        Files.writeString(p, "0123456789\nabcdef\n");
        run(() -> {
            try (AsyncFile f = AsyncFiles.open(p, READ, WRITE)) {
                assertEquals("01", new String(f.read(2), UTF_8));
                assertEquals(2, f.position());
                assertEquals("23456789\n", new String(f.readline(), UTF_8)); // reads ahead past the line
                assertEquals(11, f.position(), "the position counts what was returned, not what was read ahead");
                f.writeString("ABC"); // lands right after the line, not after the read-ahead
                assertEquals(14, f.position());
                assertEquals("def\n", f.readString());
                f.position(0);
                assertEquals("0123456789", f.lines().iterator().next());
                assertEquals(18, f.size());
                f.truncate(5);
                assertEquals(5, f.size());
                f.force();
            }
            assertEquals("01234", Files.readString(p));
        });
    }

    @Test
    void readNReadsUpToNBytesAcrossChunks() throws Exception {
        Path p = dir.resolve("big.bin");
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Files.write(p, data);
        run(() -> {
            try (AsyncFile f = AsyncFiles.open(p)) {
                byte[] first = f.read(200_000);
                byte[] rest = f.read(200_000);
                assertEquals(200_000, first.length);
                assertEquals(100_000, rest.length, "fewer only at the end of the file");
                assertEquals((byte) 199_999, first[199_999]);
                assertEquals((byte) 299_999, rest[99_999]);
                assertEquals(0, f.read(0).length);
            }
        });
    }

    @Test
    void appendAndWriteOnlyFiles() throws Exception {
        Path p = dir.resolve("log.txt");
        run(() -> {
            for (String line : List.of("one\n", "two\n")) {
                try (AsyncFile log = AsyncFiles.open(p, CREATE, WRITE, APPEND)) {
                    log.writeString(line);
                    assertThrows(NonReadableChannelException.class, log::read);
                }
            }
        });
        assertEquals("one\ntwo\n", Files.readString(p));
    }

    @Test
    void closeIsImmediateIdempotentAndLaterCallsFail() throws Exception {
        Path p = dir.resolve("c.txt");
        Files.writeString(p, "data");
        AsyncFile closed = run(() -> {
            AsyncFile f = AsyncFiles.open(p, ISO_8859_1);
            assertTrue(f.isOpen());
            assertEquals(p, f.path());
            assertEquals(ISO_8859_1, f.charset());
            assertEquals("AsyncFile[" + p + ", open]", f.toString());
            f.close();
            f.close();
            assertThrows(ClosedChannelException.class, f::readString);
            assertThrows(ClosedChannelException.class, () -> f.write(new byte[1]));
            return f;
        });
        assertFalse(closed.isOpen());
        assertEquals("AsyncFile[" + p + ", closed]", closed.toString());
        closed.close(); // also outside a task
    }

    @Test
    void charsetsThatCannotBeSplitOnTheNewlineByteAreRefused() throws Exception {
        Path p = dir.resolve("u16.txt");
        Files.writeString(p, "x", UTF_16);
        run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AsyncFiles.open(p, UTF_16));
            assertTrue(e.getMessage().contains("readString(path, charset)"), e.getMessage());
            assertEquals("x", AsyncFiles.readString(p, UTF_16), "whole-file reads take any charset");
        });
    }

    @Test
    void concurrentWritersOnOneFileNeverInterleaveWithinAWrite() throws Exception {
        Path p = dir.resolve("many.txt");
        run(() -> {
            try (AsyncFile f = AsyncFiles.open(p, CREATE, WRITE)) {
                List<Future<?>> writers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String line = String.valueOf((char) ('a' + i)).repeat(10_000) + "\n";
                    writers.add(createTask(() -> f.writeString(line)));
                }
                gather(writers, false).await();
            }
        });
        List<String> lines = Files.readAllLines(p);
        assertEquals(20, lines.size());
        for (String line : lines) {
            assertEquals(10_000, line.length());
            assertEquals(line.charAt(0), line.charAt(9_999), "one writer's bytes, whole");
        }
    }
}
