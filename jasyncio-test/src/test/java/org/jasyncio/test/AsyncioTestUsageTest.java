package org.jasyncio.test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.EventLoop;
import org.jasyncio.TaskGroup;
import org.jasyncio.TimeoutError;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.Server;

/** {@code @AsyncioTest} as a user writes it: timing on a virtual clock, real sockets and child processes. */
class AsyncioTestUsageTest {

    @AsyncioTest(virtualTime = true)
    void tickersInterleaveByDeadline(EventLoop loop) throws Exception {
        List<String> log = new ArrayList<>();
        TaskGroup.run(tg -> {
            tg.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    sleep(2);
                    log.add("slow@" + loop.time());
                }
            });
            tg.createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    sleep(1.5);
                    log.add("fast@" + loop.time());
                }
            });
            return null;
        });
        assertEquals(List.of("fast@1.5", "slow@2.0", "fast@3.0", "slow@4.0", "fast@4.5", "slow@6.0"), log);
    }

    @AsyncioTest(virtualTime = true)
    void aTimeoutExpiresByVirtualTime(EventLoop loop) {
        assertThrows(TimeoutError.class, () -> waitFor(() -> sleep(3600), 30));
        assertEquals(30.0, loop.time());
    }

    @AsyncioTest(virtualTime = true)
    void anEchoOverARealSocketUnderAVirtualTimeout(EventLoop loop) throws Exception {
        try (Server server = Streams.startServer((reader, writer) -> {
            writer.write(reader.readline());
            writer.drain();
            writer.close();
        }, "127.0.0.1", 0)) {
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
            StreamPair s = Streams.openConnection("127.0.0.1", port);
            s.writer().write("ping\n".getBytes(UTF_8));
            assertEquals("ping\n", new String(waitFor(() -> s.reader().readline(), 10), UTF_8));
            s.writer().close();
            s.writer().waitClosed();
        }
        assertTrue(loop.time() < 10, "the clock jumped to the timeout: " + loop.time());
    }

    @AsyncioTest(virtualTime = true)
    void aChildProcessWhileATickerRuns(EventLoop loop) throws Exception {
        var ticks = createTask(() -> {
            int n = 0;
            while (true) {
                sleep(1);
                n++;
                if (n == 1000) {
                    return n;
                }
            }
        });
        Process p = createSubprocessExec(List.of("sh", "-c", "sleep 0.1; echo done"),
                SubprocessOptions.defaults().withStdout(PIPE));
        byte[] out = waitFor(() -> p.stdout().read(), 5000);
        assertEquals("done\n", new String(out, UTF_8));
        assertEquals(0, p.await());
        assertEquals(1000, ticks.await());
    }
}
