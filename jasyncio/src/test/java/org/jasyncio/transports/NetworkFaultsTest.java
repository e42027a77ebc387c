package org.jasyncio.transports;

import static org.jasyncio.transports.Recorder.port;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

import org.jasyncio.Asyncio;
import org.jasyncio.Task;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.streams.Streams;
import org.junit.jupiter.api.Test;

/** The "nothing lost" list, at scale: descriptor and task leaks, and a 1 GiB transfer. */
class NetworkFaultsTest {

    static void echo(StreamReader r, StreamWriter w) throws Exception {
        while (true) {
            byte[] b = r.read(256 * 1024);
            if (b.length == 0) {
                break;
            }
            w.write(b);
            w.drain();
        }
        w.close();
    }

    @Test
    void tenThousandConnectionsLeakNoDescriptorAndNoTask() throws Exception {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(NetworkFaultsTest::echo, "127.0.0.1", 0)) {
                // warm up: let the loop's lazy buffers and the JDK's classes settle first
                try (StreamPair p = Streams.openConnection("127.0.0.1", port(server))) {
                    p.writer().write("warm".getBytes());
                    p.reader().readExactly(4);
                }
                Asyncio.sleep(0.05);
                long before = FdCount.count();
                int clients = 50;
                int each = 200;
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    tasks.add(Asyncio.createTask(() -> {
                        int ok = 0;
                        for (int i = 0; i < each; i++) {
                            StreamPair p = Streams.openConnection("127.0.0.1", port(server));
                            byte[] msg = ("c" + id + "-" + i).getBytes();
                            p.writer().write(msg);
                            if (new String(p.reader().readExactly(msg.length)).equals(new String(msg))) {
                                ok++;
                            }
                            if ((i & 1) == 0) {
                                p.writer().close(); // half of them close first...
                                p.writer().waitClosed();
                            } else {
                                p.writer().writeEof(); // ...the other half let the server close
                                assertEquals(0, p.reader().read().length);
                                p.writer().close();
                                p.writer().waitClosed();
                            }
                        }
                        return ok;
                    }));
                }
                int total = 0;
                for (Task<Integer> t : tasks) {
                    total += t.await();
                }
                assertEquals(clients * each, total);
                for (int i = 0; i < 200 && server.activeConnections() > 0; i++) {
                    Asyncio.sleep(0.01);
                }
                assertEquals(0, server.activeConnections());
                Asyncio.sleep(0.05);
                long after = FdCount.count();
                assertTrue(after <= before + 2, "descriptors: " + before + " before, " + after + " after\n"
                        + FdCount.describe());
                Set<Task<?>> left = Asyncio.allTasks();
                assertEquals(Set.of(Asyncio.currentTask()), left, "tasks left: " + left);
            }
        });
    }

    @Test
    void oneGibibyteThroughAnEchoServerKeepsItsChecksum() throws Exception {
        long total = 1L << 30;
        int chunk = 1 << 20;
        byte[][] blocks = new byte[8][chunk];
        Random rnd = new Random(2024);
        for (byte[] b : blocks) {
            rnd.nextBytes(b);
        }
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(NetworkFaultsTest::echo, "127.0.0.1", 0)) {
                StreamPair p = Streams.openConnection("127.0.0.1", port(server));
                Task<long[]> reader = Asyncio.createTask(() -> {
                    CRC32 crc = new CRC32();
                    long n = 0;
                    while (true) {
                        byte[] b = p.reader().read(1 << 20);
                        if (b.length == 0) {
                            break;
                        }
                        crc.update(b);
                        n += b.length;
                    }
                    return new long[] {n, crc.getValue()};
                });
                CRC32 sent = new CRC32();
                for (long off = 0, i = 0; off < total; off += chunk, i++) {
                    byte[] b = blocks[(int) ((i * 7 + (i >> 3)) % blocks.length)];
                    sent.update(b);
                    p.writer().write(b);
                    p.writer().drain();
                }
                p.writer().writeEof();
                long[] got = reader.await();
                assertEquals(total, got[0], "bytes echoed");
                assertEquals(sent.getValue(), got[1], "CRC-32 of what came back");
                p.close();
            }
        });
    }
}
