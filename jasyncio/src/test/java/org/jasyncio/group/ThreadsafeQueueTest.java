package org.jasyncio.group;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.queues.QueueEmpty;
import org.jasyncio.queues.QueueFull;
import org.jasyncio.queues.QueueShutDown;
import org.junit.jupiter.api.Test;

/** The janus-style queue between loops and threads. */
class ThreadsafeQueueTest {

    /**
     * Eight plain threads put 8 x 5,000 numbers into a small bounded queue; tasks on two loops
     * and one plain thread take them out. Every number arrives exactly once.
     */
    @Test
    void eightProducerThreadsNothingLostOrDuplicated() throws Exception {
        int perThread = 5_000;
        int total = 8 * perThread;
        ThreadsafeQueue<Integer> q = new ThreadsafeQueue<>(16);
        BitSet seen = new BitSet(total);
        List<String> errors = new ArrayList<>();
        try (LoopGroup g = new LoopGroup(2)) {
            List<CompletableFuture<List<Integer>>> consumers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                consumers.add(g.submit(() -> {
                    List<Integer> got = new ArrayList<>();
                    try {
                        while (true) {
                            got.add(q.get());
                        }
                    } catch (QueueShutDown done) {
                        return got;
                    }
                }));
            }
            CompletableFuture<List<Integer>> blockingConsumer = CompletableFuture.supplyAsync(() -> {
                List<Integer> got = new ArrayList<>();
                try {
                    while (true) {
                        got.add(q.getBlocking());
                    }
                } catch (QueueShutDown done) {
                    return got;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> Thread.ofPlatform().start(r));
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * perThread;
                producers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = base; i < base + perThread; i++) {
                            q.putBlocking(i);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread p : producers) {
                p.join(30_000);
                assertFalse(p.isAlive());
            }
            q.shutdown(); // the consumers drain what is left, then see QueueShutDown
            List<List<Integer>> results = new ArrayList<>();
            for (CompletableFuture<List<Integer>> c : consumers) {
                results.add(c.get(30, TimeUnit.SECONDS));
            }
            results.add(blockingConsumer.get(30, TimeUnit.SECONDS));
            int count = 0;
            for (List<Integer> r : results) {
                for (int v : r) {
                    if (seen.get(v)) {
                        errors.add("twice: " + v);
                    }
                    seen.set(v);
                    count++;
                }
            }
            assertEquals(List.of(), errors);
            assertEquals(total, count);
            assertEquals(total, seen.cardinality());
            assertEquals(0, q.qsize());
        }
    }

    @Test
    void itemsFlowFromTasksOfOneLoopToTasksOfAnotherInOrder() throws Exception {
        ThreadsafeQueue<Integer> q = new ThreadsafeQueue<>(2);
        try (LoopGroup g = new LoopGroup(2)) {
            CompletableFuture<List<Integer>> consumer = Asyncio.runCoroutineThreadsafe(() -> {
                List<Integer> got = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    got.add(q.get());
                }
                return got;
            }, g.loops().get(1));
            Asyncio.runCoroutineThreadsafe(() -> {
                for (int i = 0; i < 1000; i++) {
                    q.put(i);
                }
                return null;
            }, g.loops().get(0)).get(30, TimeUnit.SECONDS);
            List<Integer> got = consumer.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, got.get(i));
            }
        }
    }

    @Test
    void nowaitFormsAndBounds() {
        ThreadsafeQueue<String> q = new ThreadsafeQueue<>(2);
        assertEquals(2, q.maxsize());
        assertTrue(q.empty());
        QueueEmpty empty = assertThrows(QueueEmpty.class, q::getNowait);
        assertTrue(empty.getMessage().contains("empty"));
        q.putNowait("a");
        q.putNowait("b");
        assertTrue(q.full());
        assertEquals(2, q.qsize());
        QueueFull full = assertThrows(QueueFull.class, () -> q.putNowait("c"));
        assertTrue(full.getMessage().contains("maxsize 2"), full.getMessage());
        assertEquals("a", q.getNowait());
        assertEquals("b", q.getNowait());
        assertThrows(NullPointerException.class, () -> q.putNowait(null));
        ThreadsafeQueue<String> unbounded = new ThreadsafeQueue<>(-5);
        assertEquals(0, unbounded.maxsize());
        for (int i = 0; i < 1000; i++) {
            unbounded.putNowait("x");
        }
        assertFalse(unbounded.full());
    }

    @Test
    void blockingFormsTimeOutAndReportIt() throws Exception {
        ThreadsafeQueue<String> q = new ThreadsafeQueue<>(1);
        assertNull(q.getBlocking(Duration.ofMillis(20)));
        assertTrue(q.putBlocking("a", Duration.ZERO));
        assertFalse(q.putBlocking("b", Duration.ofMillis(20)));
        assertEquals("a", q.getBlocking(Duration.ofSeconds(-1)));
        assertEquals(0, q.qsize());
    }

    @Test
    void anInterruptedBlockingGetRemovesNothing() throws Exception {
        ThreadsafeQueue<String> q = new ThreadsafeQueue<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                outcome.complete(new AssertionError("got " + q.getBlocking()));
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        t.interrupt();
        assertInstanceOf(InterruptedException.class, outcome.get(10, TimeUnit.SECONDS));
        q.putNowait("kept");
        assertEquals("kept", q.getNowait());
    }

    @Test
    void aCancelledGetLosesNothingAndPassesItsWakeUpOn() throws Exception {
        ThreadsafeQueue<String> q = new ThreadsafeQueue<>();
        try (LoopGroup g = new LoopGroup(1)) {
            EventLoop loop = g.loops().get(0);
            // two waiters; the first is woken and cancelled in the same iteration: the item must
            // go to the second, not vanish
            CompletableFuture<String> second = new CompletableFuture<>();
            String r = Asyncio.runCoroutineThreadsafe(() -> {
                Task<String> first = Asyncio.createTask(() -> q.get());
                Task<String> other = Asyncio.createTask(() -> q.get());
                Asyncio.sleep(0.01);
                q.putNowait("item"); // wakes `first` through the inbox
                first.cancel();
                second.complete(Asyncio.waitFor(other, 5));
                return first.cancelled() ? "first cancelled" : "first got " + first.result();
            }, loop).get(10, TimeUnit.SECONDS);
            assertEquals("first cancelled", r);
            assertEquals("item", second.get(10, TimeUnit.SECONDS));
            assertEquals(0, q.qsize());
        }
    }

    @Test
    void shutdownWakesTaskAndThreadWaiters() throws Exception {
        ThreadsafeQueue<String> empty = new ThreadsafeQueue<>();
        ThreadsafeQueue<String> full = new ThreadsafeQueue<>(1);
        full.putNowait("fills");
        try (LoopGroup g = new LoopGroup(1)) {
            CompletableFuture<String> task = g.submit(() -> {
                try {
                    return empty.get();
                } catch (QueueShutDown e) {
                    return "shut down";
                }
            });
            Thread[] putter = new Thread[1];
            CompletableFuture<String> thread = new CompletableFuture<>();
            putter[0] = Thread.ofPlatform().start(() -> {
                try {
                    full.putBlocking("waits");
                    thread.complete("put");
                } catch (QueueShutDown e) {
                    thread.complete("shut down");
                } catch (InterruptedException e) {
                    thread.complete("interrupted");
                }
            });
            while (putter[0].getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            assertEquals(new ThreadsafeQueue.Statistics(1, 1, 0, 1, false), full.statistics());
            // whether or not the task waits yet, an empty queue that is shut down raises
            empty.shutdown();
            full.shutdown();
            assertEquals("shut down", task.get(10, TimeUnit.SECONDS));
            assertEquals("shut down", thread.get(10, TimeUnit.SECONDS));
            assertTrue(full.isShutDown());
            assertThrows(QueueShutDown.class, () -> full.putNowait("late"));
            assertEquals("fills", full.getNowait(), "what was queued drains after shutdown");
            assertThrows(QueueShutDown.class, full::getNowait);
        }
    }

    @Test
    void eachSideRefusesTheOthersThread() throws Exception {
        ThreadsafeQueue<String> q = new ThreadsafeQueue<>();
        IllegalStateException e1 = assertThrows(IllegalStateException.class, q::get);
        assertTrue(e1.getMessage().contains("must be called from a task"), e1.getMessage());
        assertThrows(IllegalStateException.class, () -> q.put("x"));
        try (LoopGroup g = new LoopGroup(1)) {
            ExecutionException e2 = assertThrows(ExecutionException.class,
                    () -> g.submit(() -> q.getBlocking()).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e2.getCause());
            assertTrue(e2.getCause().getMessage().contains("a task uses get()"), e2.getCause().getMessage());
        }
    }

    /**
     * Consumers on two loops are cancelled at random while eight threads produce: a consumer
     * cancelled just as it was woken must pass the wake-up on, or an item would sit in the
     * queue with live consumers asleep and this test would time out. Every item arrives once.
     */
    @Test
    void cancellationStormsLoseNoWakeUp() throws Exception {
        int perThread = 2_000;
        int total = 8 * perThread;
        ThreadsafeQueue<Integer> q = new ThreadsafeQueue<>();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger cancels = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicBoolean done = new AtomicBoolean();
        try (LoopGroup g = new LoopGroup(2)) {
            for (EventLoop loop : g.loops()) {
                Asyncio.runCoroutineThreadsafe(() -> {
                    List<Task<Void>> consumers = new ArrayList<>();
                    for (int c = 0; c < 3; c++) {
                        consumers.add(Asyncio.createTask(() -> {
                            while (true) {
                                try {
                                    int v = q.get();
                                    if (!seen.add(v)) {
                                        duplicates.incrementAndGet();
                                    }
                                    if (seen.size() == total) {
                                        all.complete(null);
                                    }
                                } catch (CancelledError e) {
                                    if (done.get()) {
                                        throw e;
                                    }
                                    Asyncio.currentTask().uncancel(); // as if a fresh consumer took over
                                }
                            }
                        }));
                    }
                    Random rnd = new Random(loop.hashCode());
                    Asyncio.createTask(() -> {
                        while (!done.get()) {
                            Asyncio.sleep(0.0002);
                            consumers.get(rnd.nextInt(consumers.size())).cancel();
                            cancels.incrementAndGet();
                        }
                        for (Task<Void> t : consumers) {
                            t.cancel();
                        }
                        return null;
                    });
                    return null;
                }, loop).get(10, TimeUnit.SECONDS);
            }
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * perThread;
                producers.add(Thread.ofPlatform().start(() -> {
                    for (int i = base; i < base + perThread; i++) {
                        q.putNowait(i);
                        if (i % 64 == 0) {
                            Thread.yield();
                        }
                    }
                }));
            }
            for (Thread p : producers) {
                p.join(30_000);
            }
            all.get(30, TimeUnit.SECONDS);
            done.set(true);
            assertEquals(total, seen.size());
            assertEquals(0, duplicates.get());
            assertTrue(cancels.get() > 0);
        }
    }

    @Test
    void aCancelledPutPutsNothingAndAWaitingPutGoesInWhenRoomIsMade() throws Exception {
        ThreadsafeQueue<String> q = new ThreadsafeQueue<>(1);
        q.putNowait("first");
        try (LoopGroup g = new LoopGroup(2)) {
            CompletableFuture<Void> cancelled = g.submit(() -> q.put("never"));
            CompletableFuture<Void> waiting = g.submit(() -> q.put("second"));
            g.statistics(); // both puts are waiting on the full queue
            cancelled.cancel(false);
            g.statistics(); // the cancellation reached the task
            assertEquals("first", q.getBlocking());
            waiting.get(10, TimeUnit.SECONDS);
            assertEquals("second", q.getBlocking());
            assertNull(q.getBlocking(Duration.ofMillis(50)), "the cancelled put put nothing");
        }
    }
}
