package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** Crossing between the loop and other threads: callSoonThreadsafe, runCoroutineThreadsafe, toThread, executors. */
class ThreadsTest {

    @Test
    void millionCallSoonThreadsafeFromEightThreadsNoneLostOrderKept() throws Exception {
        final int threads = 8;
        final int perThread = 125_000;
        try (EventLoop loop = Asyncio.newEventLoop()) {
            int[] lastSeen = new int[threads];
            java.util.Arrays.fill(lastSeen, -1);
            AtomicInteger outOfOrder = new AtomicInteger();
            int[] received = {0};
            Future<Void> allDone = loop.createFuture();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                producers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        int seq = i;
                        loop.callSoonThreadsafe(() -> {
                            if (seq != lastSeen[id] + 1) {
                                outOfOrder.incrementAndGet();
                            }
                            lastSeen[id] = seq;
                            if (++received[0] == threads * perThread) {
                                allDone.setResult(null);
                            }
                        });
                    }
                }));
            }
            loop.callSoon(start::countDown);
            loop.runUntilComplete(allDone);
            for (Thread p : producers) {
                p.join();
            }
            assertEquals(threads * perThread, received[0]);
            assertEquals(0, outOfOrder.get());
            for (int t = 0; t < threads; t++) {
                assertEquals(perThread - 1, lastSeen[t]);
            }
        }
    }

    @Test
    void callSoonThreadsafeWakesAnIdleLoop() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                loop.callSoonThreadsafe(() -> f.setResult("woken"));
            });
            assertEquals("woken", loop.runUntilComplete(f)); // the loop sleeps with no timers until woken
            t.join();
        }
    }

    @Test
    void runCoroutineThreadsafeFromAnotherThread() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<Void> stop = loop.createFuture();
            Thread loopThread = Thread.ofPlatform().start(() -> {
                try {
                    loop.runUntilComplete(stop);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CompletableFuture<String> cf = runCoroutineThreadsafe(() -> sleep(0.05, "from the loop"), loop);
            assertEquals("from the loop", cf.get(5, TimeUnit.SECONDS));

            CompletableFuture<String> failing = runCoroutineThreadsafe(() -> {
                throw new IllegalStateException("failed in loop");
            }, loop);
            ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(5, TimeUnit.SECONDS));
            assertEquals("failed in loop", e.getCause().getMessage());

            AtomicInteger cancelledInside = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<String> longOne = runCoroutineThreadsafe(() -> {
                started.countDown();
                try {
                    sleep(60);
                } catch (CancelledError c) {
                    cancelledInside.incrementAndGet();
                    throw c;
                }
                return "never";
            }, loop);
            assertTrue(started.await(5, TimeUnit.SECONDS));
            longOne.cancel(true);
            assertThrows(CancellationException.class, () -> longOne.get(5, TimeUnit.SECONDS));
            CompletableFuture<Integer> probe = runCoroutineThreadsafe(() -> {
                sleep(0.05);
                return cancelledInside.get();
            }, loop);
            assertEquals(1, probe.get(5, TimeUnit.SECONDS), "cancelling the CompletableFuture cancels the task");

            loop.callSoonThreadsafe(() -> stop.setResult(null));
            loopThread.join(5000);
        }
    }

    @Test
    void toThreadRunsOffTheLoopThreadWhileTheLoopKeepsTicking() throws Exception {
        List<String> events = new ArrayList<>();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Thread[] loopThread = new Thread[1];
            String where = loop.runUntilComplete(() -> {
                loop.callSoon(() -> loopThread[0] = Thread.currentThread());
                Task<Void> ticker = createTask(() -> {
                    for (int i = 0; i < 5; i++) {
                        events.add("tick");
                        sleep(0.01);
                    }
                });
                String name = toThread(() -> {
                    Thread.sleep(200); // blocks a pool thread, not the loop
                    return Thread.currentThread().getName();
                });
                ticker.await();
                return name;
            });
            assertTrue(where.startsWith("jasyncio-executor-"), where);
            assertNotEquals(loopThread[0].getName(), where);
            assertEquals(5, events.size());
        }
    }

    @Test
    void executorExceptionReachesTheAwaiterWithItsStack() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestLoops.runVirtual(() -> toThread(() -> {
            throw new IllegalStateException("in executor");
        })));
        assertEquals("in executor", e.getMessage());
        boolean hasLambdaFrame = false;
        for (StackTraceElement el : e.getStackTrace()) {
            hasLambdaFrame |= el.getClassName().equals(ThreadsTest.class.getName());
        }
        assertTrue(hasLambdaFrame, "the stack is the executor thread's, where it was thrown");
    }

    @Test
    void runInExecutorWithACustomExecutor() throws Exception {
        var pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "custom-pool"));
        try {
            String name = TestLoops.runVirtual(() -> getRunningLoop()
                    .runInExecutor(pool, () -> Thread.currentThread().getName()).await());
            assertEquals("custom-pool", name);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shutdownDefaultExecutorWaitsForRunningJobs() throws Exception {
        List<String> events = new ArrayList<>();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            loop.runUntilComplete(() -> {
                Future<String> job = loop.runInExecutor(null, () -> {
                    Thread.sleep(200);
                    events.add("job finished");
                    return "x";
                });
                sleep(0.05);
                loop.shutdownDefaultExecutor();
                events.add("shutdown returned");
                assertTrue(job.done() || job.await() != null);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> loop.runInExecutor(null, () -> 1));
                assertEquals("Executor shutdown has been called", e.getMessage());
                return null;
            });
        }
        assertEquals(List.of("job finished", "shutdown returned"), events);
    }

    @Test
    void shutdownDefaultExecutorTimeout() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            double elapsed = loop.runUntilComplete(() -> {
                CountDownLatch never = new CountDownLatch(1);
                loop.runInExecutor(null, () -> {
                    never.await(10, TimeUnit.SECONDS);
                    return null;
                });
                sleep(0.05);
                double t0 = loop.time();
                loop.shutdownDefaultExecutor(0.2);
                never.countDown();
                return loop.time() - t0;
            });
            assertTrue(elapsed >= 0.19 && elapsed < 5, "returned after the timeout, not after the job: " + elapsed);
        }
    }
}
