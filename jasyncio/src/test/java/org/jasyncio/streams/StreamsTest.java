package org.jasyncio.streams;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams over real sockets (CPython test_streams: open_connection, start_server, drain, wait_closed). */
class StreamsTest {
    @TempDir
    Path dir;

    static int port(Server s) {
        return ((InetSocketAddress) s.addresses().get(0)).getPort();
    }

    /** Echoes lines until EOF, then closes. */
    static void echoLines(StreamReader reader, StreamWriter writer) throws IOException {
        for (byte[] line : reader) {
            writer.write(line);
            writer.drain();
        }
        writer.close();
        writer.waitClosed();
    }

    @Test
    void openConnectionAndStartServer() throws Exception {
        // test_streams.test_open_connection / test_start_server
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0)) {
                try (StreamPair s = Streams.openConnection("127.0.0.1", port(server))) {
                    s.writer().write("hello\n".getBytes());
                    assertEquals("hello\n", new String(s.reader().readline()));
                    s.writer().writelines(List.of("a".getBytes(), "b\n".getBytes()));
                    assertEquals("ab\n", new String(s.reader().readline()));
                    assertEquals(new InetSocketAddress("127.0.0.1", port(server)), s.writer().getExtraInfo("peername"));
                    assertTrue(s.writer().canWriteEof());
                    s.writer().writeEof();
                    assertEquals(0, s.reader().read().length, "the server closes after EOF");
                    assertTrue(s.reader().atEof());
                }
            }
        });
    }

    @Test
    void waitClosedAfterClose() throws Exception {
        // test_streams.test_wait_closed_on_close
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                assertFalse(s.writer().isClosing());
                s.writer().close();
                assertTrue(s.writer().isClosing());
                s.writer().waitClosed();
                s.writer().write("x".getBytes()); // dropped, as in asyncio; drain() tells
                IOException e = assertThrows(IOException.class, s.writer()::drain);
                assertEquals("Connection lost", e.getMessage());
            }
        });
    }

    @Test
    void drainBoundsMemoryWhenTheReaderIsSlow() throws Exception {
        // The writer outpaces a slow reader: drain() waits, the buffer stays near the high-water mark.
        int chunk = 64 * 1024;
        int chunks = 256; // 16 MiB
        Asyncio.run(() -> {
            Future<Long> received = Asyncio.getRunningLoop().createFuture();
            try (Server server = Streams.startServer((reader, writer) -> {
                long n = 0;
                while (true) {
                    byte[] b = reader.read(16 * 1024);
                    if (b.length == 0) {
                        break;
                    }
                    n += b.length;
                    Asyncio.sleep(0.0005); // slow consumer
                }
                received.setResult(n);
                writer.close();
            }, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                Transport t = (Transport) s.writer().transport();
                byte[] data = new byte[chunk];
                long maxBuffered = 0;
                for (int i = 0; i < chunks; i++) {
                    s.writer().write(data);
                    maxBuffered = Math.max(maxBuffered, t.getWriteBufferSize());
                    s.writer().drain();
                    assertTrue(t.getWriteBufferSize() <= t.getWriteBufferLimits()[1],
                            "after drain the buffer is at most the high-water mark");
                }
                s.writer().writeEof();
                assertEquals((long) chunk * chunks, Asyncio.waitFor(received, 60));
                assertTrue(maxBuffered <= t.getWriteBufferLimits()[1] + chunk,
                        "memory stays bounded: max buffered " + maxBuffered);
                s.writer().close();
            }
        });
    }

    @Test
    void aPeerResetInTheMiddleOfALargeWriteFailsTheWriter() throws Exception {
        // Faults: the reader closes with unread data (an RST); the writer gets a clear error, no hang.
        Asyncio.run(() -> {
            try (Server server = Streams.startServer((reader, writer) -> {
                reader.readExactly(1000);
                ((Transport) writer.transport()).abort();
            }, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                byte[] data = new byte[1 << 20];
                IOException e = assertThrows(IOException.class, () -> Asyncio.waitFor(() -> {
                    for (int i = 0; i < 1024; i++) {
                        s.writer().write(data);
                        s.writer().drain();
                    }
                    return null;
                }, 30));
                assertTrue(e.getMessage() != null && (e.getMessage().contains("reset") || e.getMessage().contains("pipe")
                        || e.getMessage().contains("Connection lost")), e.toString());
                IOException again = assertThrows(IOException.class, () -> s.reader().read(10));
                assertNotNull(again);
            }
        });
    }

    @Test
    void anExceptionInTheClientCallbackIsReportedAndClosesTheConnection() throws Exception {
        // 3.12 test_streams.test_unhandled_exceptions
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler(errors);
            try (Server server = Streams.startServer((reader, writer) -> {
                throw new IllegalStateException("handler bug");
            }, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                assertEquals(0, s.reader().read().length, "closed by the server");
                s.close();
            }
        });
        assertEquals(List.of("Unhandled exception in client_connected_cb"), errors.messages());
        assertEquals("handler bug", errors.contexts().get(0).exception().getMessage());
    }

    @Test
    void endOfStreamBeforeReadExactlyCompletes() throws Exception {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer((reader, writer) -> {
                writer.write("only 9 b.".getBytes());
                writer.close();
            }, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> s.reader().readExactly(100));
                assertEquals("only 9 b.", new String(e.partial()));
                assertEquals(100, e.expected().getAsInt());
                s.close();
            }
        });
    }

    @Test
    void aLineOverTheLimitFromTheNetwork() throws Exception {
        Asyncio.run(() -> {
            byte[] big = new byte[200 * 1024];
            java.util.Arrays.fill(big, (byte) 'x');
            try (Server server = Streams.startServer((reader, writer) -> {
                writer.write(big);
                writer.write("\nshort\n".getBytes());
                writer.close();
            }, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> s.reader().readUntil("\n".getBytes()));
                assertTrue(e.consumed() > StreamReader.DEFAULT_LIMIT);
                byte[] skipped = s.reader().readExactly(e.consumed());
                assertEquals('x', skipped[0]);
                // the rest of the long line is still there, then the short one
                byte[] rest = s.reader().readExactly(big.length - skipped.length + 1);
                assertEquals('\n', rest[rest.length - 1]);
                assertEquals("short\n", new String(s.reader().readline()));
                s.close();
            }
        });
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0)) {
                List<Task<String>> clients = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int k = i;
                    clients.add(Asyncio.createTask(() -> {
                        try (StreamPair s = Streams.openConnection("127.0.0.1", port(server))) {
                            s.writer().write(("client " + k + "\n").getBytes());
                            return new String(s.reader().readline());
                        }
                    }));
                }
                for (int i = 0; i < 100; i++) {
                    assertEquals("client " + i + "\n", clients.get(i).await());
                }
            }
        });
    }

    @Test
    void largeRandomPayloadRoundTrips() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(11).nextBytes(data);
        Asyncio.run(() -> {
            try (Server server = Streams.startServer((reader, writer) -> {
                while (true) {
                    byte[] b = reader.read(100_000);
                    if (b.length == 0) {
                        break;
                    }
                    writer.write(b);
                    writer.drain();
                }
                writer.close();
            }, "127.0.0.1", 0)) {
                StreamPair s = Streams.openConnection("127.0.0.1", port(server));
                Task<byte[]> reading = Asyncio.createTask(() -> s.reader().read());
                for (int off = 0; off < data.length; off += 100_000) {
                    s.writer().write(data, off, Math.min(100_000, data.length - off));
                    s.writer().drain();
                }
                s.writer().writeEof();
                assertArrayEquals(data, reading.await());
                s.close();
            }
        });
    }

    @Test
    void unixStreams() throws Exception {
        Path path = dir.resolve("s.sock");
        Asyncio.run(() -> {
            try (Server server = Streams.startUnixServer(StreamsTest::echoLines, path)) {
                try (StreamPair s = Streams.openUnixConnection(path)) {
                    s.writer().write("unix\n".getBytes());
                    assertEquals("unix\n", new String(s.reader().readline()));
                }
            }
        });
    }

    @Test
    void limitsAreValidated() throws Exception {
        Asyncio.run(() -> {
            assertThrows(IllegalArgumentException.class,
                    () -> Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0,
                            org.jasyncio.transports.ServerOptions.defaults(), 0));
            EventLoop loop = Asyncio.getRunningLoop();
            assertNotNull(loop);
        });
    }
}
