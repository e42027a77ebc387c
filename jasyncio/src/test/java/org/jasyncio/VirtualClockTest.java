package org.jasyncio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.SubprocessOptions;
import org.junit.jupiter.api.Test;

/**
 * VirtualClock: autojump, advancing by hand, and the real grace period that lets sockets,
 * child processes, executor jobs and blocking JDK calls answer before the clock jumps.
 */
class VirtualClockTest {

    private static <T> T runOn(VirtualClock clock, Coroutine<T> main) throws Exception {
        try (Runner r = new Runner(null, clock::newEventLoop)) {
            return r.run(main);
        }
    }

    private static double realSeconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Test
    void anHourOfSleepTakesNoRealTimeAndIsExact() throws Exception {
        VirtualClock clock = new VirtualClock();
        long t0 = System.nanoTime();
        double after = runOn(clock, () -> {
            sleep(3600);
            return getRunningLoop().time();
        });
        assertEquals(3600.0, after);
        assertEquals(3600.0, clock.time());
        assertTrue(realSeconds(t0) < 1, "took " + realSeconds(t0) + " s");
    }

    @Test
    void timersFireInDeadlineOrderAtExactTimes() throws Exception {
        List<String> seen = runOn(new VirtualClock(), () -> {
            List<String> log = new ArrayList<>();
            EventLoop loop = getRunningLoop();
            var slow = createTask(() -> { sleep(30); log.add("slow@" + loop.time()); });
            var fast = createTask(() -> { sleep(0.25); log.add("fast@" + loop.time()); });
            loop.callLater(7, () -> log.add("timer@" + loop.time()));
            slow.await();
            fast.await();
            return log;
        });
        assertEquals(List.of("fast@0.25", "timer@7.0", "slow@30.0"), seen);
    }

    @Test
    void timeoutsExpireByVirtualTime() throws Exception {
        double at = runOn(new VirtualClock(), () -> {
            assertThrows(TimeoutError.class, () -> waitFor(() -> sleep(100), 5));
            return getRunningLoop().time();
        });
        assertEquals(5.0, at);
    }

    @Test
    void manySleepsJumpAtOnceWhenNothingOutsideIsInFlight() throws Exception {
        // A threshold only costs real time when the loop waits for something outside it.
        VirtualClock clock = new VirtualClock(1.0);
        long t0 = System.nanoTime();
        runOn(clock, () -> {
            for (int i = 0; i < 3600; i++) {
                sleep(1);
            }
            return null;
        });
        assertEquals(3600.0, clock.time());
        assertTrue(realSeconds(t0) < 5, "took " + realSeconds(t0) + " s");
    }

    @Test
    void aManualClockMovesOnlyWhenAdvancedAndAnAdvanceWakesTheLoop() throws Exception {
        VirtualClock clock = new VirtualClock(Double.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, clock.autojumpThreshold());
        try (EventLoop loop = clock.newEventLoop()) {
            List<Double> fired = new ArrayList<>();
            loop.callLater(10, () -> {
                fired.add(loop.time());
                loop.stop();
            });
            CountDownLatch running = new CountDownLatch(1);
            loop.callSoon(running::countDown);
            Thread mover = Thread.ofPlatform().start(() -> {
                try {
                    running.await();
                    Thread.sleep(100);
                    clock.advance(4); // not due yet: the loop wakes and goes back to waiting
                    Thread.sleep(100);
                    clock.advance(Duration.ofSeconds(6));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long t0 = System.nanoTime();
            loop.runForever();
            mover.join();
            assertEquals(List.of(10.0), fired);
            assertTrue(realSeconds(t0) >= 0.2, "the clock jumped on its own");
        }
    }

    @Test
    void anAdvanceFromATaskMakesTimersDue() throws Exception {
        VirtualClock clock = new VirtualClock(Double.POSITIVE_INFINITY);
        boolean done = runOn(clock, () -> {
            var sleeper = createTask(() -> sleep(5));
            sleep(0);
            clock.advance(5);
            sleeper.await();
            return sleeper.done();
        });
        assertTrue(done);
        assertEquals(5.0, clock.time());
    }

    /** A server on a platform thread that answers each connection after {@code delayMillis} of real time. */
    private static ServerSocket slowServer(long delayMillis, byte[] answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = server.accept()) {
                Thread.sleep(delayMillis);
                if (answer != null) {
                    OutputStream out = s.getOutputStream();
                    out.write(answer);
                    out.flush();
                }
                Thread.sleep(5_000);
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        return server;
    }

    private static Coroutine<String> readLineWithin(int port, double timeout) {
        return () -> {
            StreamPair s = Streams.openConnection("127.0.0.1", port);
            try {
                return new String(waitFor(() -> s.reader().readline(), timeout), UTF_8);
            } finally {
                s.writer().close();
            }
        };
    }

    @Test
    void aSocketThatAnswersWithinTheThresholdBeatsAVirtualTimeout() throws Exception {
        try (ServerSocket server = slowServer(100, "pong\n".getBytes(UTF_8))) {
            VirtualClock clock = new VirtualClock(2.0);
            assertEquals("pong\n", runOn(clock, readLineWithin(server.getLocalPort(), 30)));
            assertTrue(clock.time() < 30, "the clock jumped to the timeout: " + clock.time());
        }
    }

    @Test
    void withoutAThresholdTheSameSocketLosesToTheTimeout() throws Exception {
        try (ServerSocket server = slowServer(100, "pong\n".getBytes(UTF_8))) {
            VirtualClock clock = new VirtualClock(0);
            assertThrows(TimeoutError.class, () -> runOn(clock, readLineWithin(server.getLocalPort(), 30)));
        }
    }

    @Test
    void aSocketThatNeverAnswersTimesOutAfterTheThresholdOfRealTime() throws Exception {
        try (ServerSocket server = slowServer(0, null)) {
            VirtualClock clock = new VirtualClock(0.2);
            long t0 = System.nanoTime();
            assertThrows(TimeoutError.class, () -> runOn(clock, readLineWithin(server.getLocalPort(), 3600)));
            double real = realSeconds(t0);
            assertTrue(real >= 0.2 && real < 10, "took " + real + " s");
            assertTrue(clock.time() >= 3600);
        }
    }

    @Test
    void anExecutorJobAnswersBeforeTheClockJumps() throws Exception {
        VirtualClock clock = new VirtualClock(2.0);
        double at = runOn(clock, () -> {
            int v = waitFor(() -> toThread(() -> {
                Thread.sleep(100);
                return 7;
            }), 30);
            assertEquals(7, v);
            return getRunningLoop().time();
        });
        assertTrue(at < 30, "the clock jumped to the timeout: " + at);
        // Runner.close() joined the executor's threads before its 300 s timeout
        assertTrue(clock.time() < 300, "the executor's shutdown timed out: " + clock.time());
    }

    @Test
    void aTaskInABlockingJdkCallFinishesBeforeTheClockJumps() throws Exception {
        VirtualClock clock = new VirtualClock(2.0);
        int v = runOn(clock, () -> waitFor(createTask(() -> {
            Thread.sleep(100);
            return 1;
        }), 30));
        assertEquals(1, v);
        assertTrue(clock.time() < 30);
    }

    @Test
    void aChildProcessAnswersBeforeTheClockJumps() throws Exception {
        VirtualClock clock = new VirtualClock(2.0);
        String out = runOn(clock, () -> {
            Process p = createSubprocessExec(List.of("sh", "-c", "sleep 0.2; echo hi"),
                    SubprocessOptions.defaults().withStdout(PIPE));
            byte[] data = waitFor(() -> p.stdout().read(), 30);
            assertEquals(0, p.await());
            return new String(data, UTF_8);
        });
        assertEquals("hi\n", out);
        assertTrue(clock.time() < 30);
    }

    @Test
    void argumentsAndOwnershipAreChecked() throws Exception {
        VirtualClock clock = new VirtualClock();
        assertThrows(IllegalArgumentException.class, () -> clock.advance(-1));
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> clock.setAutojumpThreshold(-0.5));
        assertThrows(IllegalArgumentException.class, () -> new VirtualClock(Double.NaN));
        clock.setAutojumpThreshold(0.25);
        assertEquals(0.25, clock.autojumpThreshold());
        clock.setAutojumpThreshold(Duration.ofMillis(30));
        assertEquals(0.03, clock.autojumpThreshold());
        assertThrows(IllegalArgumentException.class, () -> clock.setAutojumpThreshold(Duration.ofMillis(-1)));
        assertEquals(2.0, new VirtualClock(Duration.ofSeconds(2)).autojumpThreshold());
        clock.advance(1.5);
        assertEquals(1.5, clock.time());
        try (EventLoop loop = clock.newEventLoop()) {
            assertSame(clock, VirtualClock.of(loop));
            assertEquals(1.5, loop.time());
            assertThrows(IllegalStateException.class, clock::newEventLoop);
        }
        try (EventLoop real = Asyncio.newEventLoop()) {
            assertThrows(IllegalArgumentException.class, () -> VirtualClock.of(real));
        }
    }
}
