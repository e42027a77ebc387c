package org.jasyncio.group;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.locks.Lock;
import org.jasyncio.queues.Queue;
import org.junit.jupiter.api.Test;

/** The group itself: loops and threads, submit, statistics, shutdown, and crossing loops. */
class LoopGroupTest {

    /** The platform thread carrying the calling task: a virtual thread's name says "@carrier". */
    static String carrier() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? Thread.currentThread().getName() : s.substring(at + 1);
    }

    static Set<Thread> loopThreads() {
        Set<Thread> ts = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("jasyncio-loop-")) {
                ts.add(t);
            }
        }
        return ts;
    }

    @Test
    void rejectsFewerThanOneLoop() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoopGroup(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void defaultSizeIsTheProcessorCount() {
        try (LoopGroup g = new LoopGroup()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), g.size());
        }
    }

    @Test
    void nextIsRoundRobinAndSubmitRunsOnThatLoop() throws Exception {
        try (LoopGroup g = new LoopGroup(3)) {
            List<EventLoop> loops = g.loops();
            assertEquals(3, loops.size());
            assertSame(loops.get(0), g.next());
            assertSame(loops.get(1), g.next());
            assertSame(loops.get(2), g.next());
            assertSame(loops.get(0), g.next());
            // next is loop 1 now: submit takes loops 1, 2, 0, 1
            List<EventLoop> ran = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ran.add(g.submit(() -> Asyncio.getRunningLoop()).get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of(loops.get(1), loops.get(2), loops.get(0), loops.get(1)), ran);
        }
    }

    @Test
    void aLoopsTasksNeverRunOnAnotherLoopsThread() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            List<String> names = g.statistics().stream().map(GroupLoopStatistics::threadName).toList();
            List<String> violations = new CopyOnWriteArrayList<>();
            ThreadsafeQueue<Integer> handoff = new ThreadsafeQueue<>(4);
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                boolean producer = i % 2 == 0;
                all.add(g.submit(() -> {
                    int me = g.loops().indexOf(Asyncio.getRunningLoop());
                    int steps = 0;
                    for (int k = 0; k < 50; k++) {
                        // every resumption, whoever woke the task (the other loop through the
                        // queue, a timer, a sibling), must happen on this loop's own thread
                        if (producer) {
                            handoff.put(k);
                        } else {
                            handoff.get();
                        }
                        Asyncio.sleep(0);
                        if (!carrier().equals(names.get(me))) {
                            violations.add(carrier() + " ran a task of loop " + me);
                        }
                        steps++;
                    }
                    return steps;
                }));
            }
            for (CompletableFuture<Integer> f : all) {
                assertEquals(50, f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), violations);
        }
    }

    @Test
    void shutdownEndsEveryThreadAndIsIdempotent() {
        Set<Thread> before = loopThreads();
        LoopGroup g = new LoopGroup(3);
        Set<Thread> mine = loopThreads();
        mine.removeAll(before);
        assertEquals(3, mine.size());
        assertTrue(g.shutdown(10));
        assertTrue(g.isShutdown());
        assertTrue(g.isTerminated());
        for (Thread t : mine) {
            assertFalse(t.isAlive(), t + " still alive");
        }
        for (EventLoop l : g.loops()) {
            assertTrue(l.isClosed());
        }
        assertTrue(g.shutdown(1), "a second shutdown only waits");
        g.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.submit(() -> 1));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        assertFalse(g.statistics().get(0).running());
        assertNull(g.statistics().get(0).loop(), "a closed loop has no figures");
    }

    @Test
    void shutdownCancelsTasksAndAwaitsTheirCleanup() throws Exception {
        LoopGroup g = new LoopGroup(2);
        List<String> cleaned = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> task = g.submit(() -> {
            try {
                started.complete(null);
                Asyncio.sleep(3600);
            } finally {
                Asyncio.sleep(0.01); // cleanup that itself awaits
                cleaned.add(carrier());
            }
        });
        started.get(10, TimeUnit.SECONDS);
        assertTrue(g.shutdown(10));
        assertEquals(1, cleaned.size());
        assertTrue(task.isCancelled());
    }

    @Test
    void aTaskThatIgnoresCancellationIsReportedAtTheDeadline() throws Exception {
        LoopGroup g = new LoopGroup(1);
        List<String> reports = new CopyOnWriteArrayList<>();
        g.submit(() -> g.loops().get(0).setExceptionHandler((l, ctx) -> reports.add(ctx.message())))
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> started = new CompletableFuture<>();
        g.submit(() -> {
            started.complete(null);
            while (true) {
                try {
                    Asyncio.sleep(0.05);
                } catch (CancelledError stubborn) {
                    // refuses to stop
                }
            }
        });
        started.get(10, TimeUnit.SECONDS);
        assertFalse(g.shutdown(0.3));
        // the loop gives the task up at the deadline and closes right after: a second call waits,
        // and still says that a task was left behind
        assertFalse(g.shutdown(10));
        assertTrue(g.isTerminated(), "the loop closes even so");
        assertTrue(reports.stream().anyMatch(m -> m.contains("shutdown timeout")), reports.toString());
    }

    @Test
    void statisticsCountTasksPerLoop() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            for (int i = 0; i < 3; i++) {
                g.loops().get(1).callSoonThreadsafe(() -> Asyncio.createTask(() -> {
                    Asyncio.await(gate);
                    return null;
                }));
            }
            // The samples go through each loop's inbox, after the three callbacks above.
            List<GroupLoopStatistics> s = g.statistics();
            assertEquals(0, s.get(0).tasks());
            assertEquals(3, s.get(1).tasks());
            assertEquals(1, s.get(1).index());
            assertTrue(s.get(1).running());
            assertTrue(s.get(1).loop().tasksAlive() >= 3, "the loop's own figures come along: " + s.get(1).loop());
            assertTrue(s.get(1).loop().callbacksRun() > 0);
            gate.complete(null);
        }
    }

    @Test
    void statisticsFromALoopCallbackIsRefused() throws Exception {
        try (LoopGroup g = new LoopGroup(1)) {
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            g.loops().get(0).callSoonThreadsafe(() -> {
                try {
                    g.statistics();
                    error.complete(null);
                } catch (Throwable t) {
                    error.complete(t);
                }
            });
            Throwable t = error.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("would block the loop thread"), t.getMessage());
            // from a task it works
            assertEquals(1, g.submit(() -> g.statistics().size()).get(10, TimeUnit.SECONDS));
        }
    }

    // ---- crossing loops --------------------------------------------------------------------

    @Test
    void awaitingAnotherLoopsFutureDirectlyIsAClearError() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            Future<String> onB = Asyncio.runCoroutineThreadsafe(() -> g.loops().get(1).<String>createFuture(),
                    g.loops().get(1)).get(10, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> Asyncio.runCoroutineThreadsafe(
                    () -> onB.await(), g.loops().get(0)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("attached to a different loop"), e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains("CrossLoop"), e.getCause().getMessage());
        }
    }

    @Test
    void crossLoopAwaitDeliversOnTheWaitersLoop() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            EventLoop a = g.loops().get(0);
            EventLoop b = g.loops().get(1);
            String aThread = g.statistics().get(0).threadName();
            Future<String> onB = Asyncio.runCoroutineThreadsafe(() -> b.<String>createFuture(), b)
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<String> waiter = Asyncio.runCoroutineThreadsafe(() -> {
                String v = CrossLoop.await(onB);
                assertSame(a, Asyncio.getRunningLoop());
                return v + " on " + carrier();
            }, a);
            b.callSoonThreadsafe(() -> b.callLater(0.05, () -> onB.setResult("from B")));
            assertEquals("from B on " + aThread, waiter.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void crossLoopAwaitPropagatesFailureAndCancellationBothWays() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            EventLoop a = g.loops().get(0);
            EventLoop b = g.loops().get(1);
            Future<String> failing = Asyncio.runCoroutineThreadsafe(() -> b.<String>createFuture(), b)
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<String> w1 = Asyncio.runCoroutineThreadsafe(() -> CrossLoop.await(failing), a);
            b.callSoonThreadsafe(() -> failing.setException(new IllegalArgumentException("boom")));
            ExecutionException e = assertThrows(ExecutionException.class, () -> w1.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());

            // cancelled on B: the waiter on A sees a cancellation
            Future<String> cancelled = Asyncio.runCoroutineThreadsafe(() -> b.<String>createFuture(), b)
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<String> w2 = Asyncio.runCoroutineThreadsafe(() -> {
                try {
                    return CrossLoop.await(cancelled);
                } catch (CancelledError c) {
                    return "cancelled";
                }
            }, a);
            b.callSoonThreadsafe(() -> cancelled.cancel());
            assertEquals("cancelled", w2.get(10, TimeUnit.SECONDS));

            // the waiter cancelled on A: B's future is cancelled on B
            Future<String> target = Asyncio.runCoroutineThreadsafe(() -> b.<String>createFuture(), b)
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<Boolean> targetCancelled = new CompletableFuture<>();
            b.callSoonThreadsafe(() -> target.addDoneCallback(f -> targetCancelled.complete(f.cancelled())));
            CompletableFuture<String> w3 = Asyncio.runCoroutineThreadsafe(() -> CrossLoop.await(target), a);
            Asyncio.runCoroutineThreadsafe(() -> {
                Asyncio.sleep(0.05);
                return null;
            }, a).get(10, TimeUnit.SECONDS);
            w3.cancel(false);
            assertTrue(targetCancelled.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void crossLoopCallRunsThereAndAwaitsHere() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            List<String> names = g.statistics().stream().map(GroupLoopStatistics::threadName).toList();
            String r = Asyncio.runCoroutineThreadsafe(() -> {
                String there = CrossLoop.call(g.loops().get(1), () -> carrier());
                return there + "|" + carrier();
            }, g.loops().get(0)).get(10, TimeUnit.SECONDS);
            assertEquals(names.get(1) + "|" + names.get(0), r);
            assertThrows(IllegalStateException.class, () -> CrossLoop.call(g.loops().get(0), () -> 1));
        }
    }

    @Test
    void crossLoopAwaitOfAFutureOfAClosedLoopFailsClearly() throws Exception {
        EventLoop other = Asyncio.newEventLoop();
        Future<Integer> orphan = other.createFuture();
        other.close();
        try (LoopGroup g = new LoopGroup(1)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> g.submit(() -> CrossLoop.await(orphan)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
        }
    }

    /** Eight plain threads complete futures of loop B; tasks on loop A await each exactly once. */
    @Test
    void crossLoopAwaitUnderEightProducerThreads() throws Exception {
        int perThread = 500;
        try (LoopGroup g = new LoopGroup(2)) {
            EventLoop a = g.loops().get(0);
            EventLoop b = g.loops().get(1);
            List<Future<Integer>> futures = Asyncio.runCoroutineThreadsafe(() -> {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int i = 0; i < 8 * perThread; i++) {
                    fs.add(b.createFuture());
                }
                return fs;
            }, b).get(10, TimeUnit.SECONDS);
            Set<Integer> seen = ConcurrentHashMap.newKeySet();
            List<String> duplicates = new CopyOnWriteArrayList<>();
            CompletableFuture<Integer> consumer = Asyncio.runCoroutineThreadsafe(() -> {
                List<Future<Object>> waits = new ArrayList<>();
                for (Future<Integer> f : futures) {
                    waits.add(Asyncio.ensureFuture(Asyncio.createTask(() -> {
                        int v = CrossLoop.await(f);
                        if (!seen.add(v)) {
                            duplicates.add("twice: " + v);
                        }
                        return null;
                    })));
                }
                Asyncio.gather(waits).await();
                return seen.size();
            }, a);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * perThread;
                producers.add(Thread.ofPlatform().start(() -> {
                    for (int i = base; i < base + perThread; i++) {
                        int v = i;
                        b.callSoonThreadsafe(() -> futures.get(v).setResult(v));
                    }
                }));
            }
            for (Thread p : producers) {
                p.join(10_000);
            }
            assertEquals(8 * perThread, consumer.get(30, TimeUnit.SECONDS));
            assertEquals(List.of(), duplicates);
        }
    }

    @Test
    void loopBoundPrimitivesUsedFromAnotherLoopAreClearErrors() throws Exception {
        try (LoopGroup g = new LoopGroup(2)) {
            EventLoop a = g.loops().get(0);
            EventLoop b = g.loops().get(1);
            Lock lock = new Lock();
            Queue<Integer> queue = new Queue<>();
            Asyncio.runCoroutineThreadsafe(() -> {
                lock.acquire(); // binds the lock to loop A
                lock.release();
                queue.put(1); // and the queue
                return null;
            }, a).get(10, TimeUnit.SECONDS);
            ExecutionException e1 = assertThrows(ExecutionException.class, () -> Asyncio.runCoroutineThreadsafe(() -> {
                lock.acquire();
                return null;
            }, b).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e1.getCause());
            ExecutionException e2 = assertThrows(ExecutionException.class,
                    () -> Asyncio.runCoroutineThreadsafe(() -> queue.get(), b).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e2.getCause());
        }
    }

    @Test
    void shutdownFromAGroupTaskStartsItAndReturnsFalse() throws Exception {
        LoopGroup g = new LoopGroup(2);
        CompletableFuture<Boolean> r = new CompletableFuture<>();
        g.loops().get(0).callSoonThreadsafe(() -> Asyncio.createTask(() -> {
            r.complete(g.shutdown(5));
            return null;
        }));
        assertFalse(r.get(10, TimeUnit.SECONDS));
        assertTrue(g.shutdown(10));
        assertTrue(g.isTerminated());
    }

    @Test
    void shutdownRefusesNaNAndTakesADuration() {
        LoopGroup g = new LoopGroup(1);
        assertThrows(IllegalArgumentException.class, () -> g.shutdown(Double.NaN));
        assertFalse(g.isShutdown(), "a refused call starts nothing");
        assertTrue(g.shutdown(Duration.ofSeconds(10)));
        assertTrue(g.isTerminated());
        assertTrue(g.toString().contains("shut down"), g.toString());
    }

    @Test
    void shutdownFromALoopCallbackStartsItWithoutBlockingTheLoop() throws Exception {
        LoopGroup g = new LoopGroup(2);
        CompletableFuture<Boolean> r = new CompletableFuture<>();
        g.loops().get(1).callSoonThreadsafe(() -> r.complete(g.shutdown(5)));
        assertFalse(r.get(10, TimeUnit.SECONDS));
        assertTrue(g.shutdown(10));
    }

    @Test
    void shutdownWithZeroGraceStillLetsCancelledTasksEnd() throws Exception {
        LoopGroup g = new LoopGroup(2);
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(g.submit(() -> Asyncio.sleep(3600)));
        }
        g.statistics(); // every task has started
        g.shutdown(0); // no time to wait for the threads either: it may return false
        assertTrue(g.shutdown(10), "a cancelled sleep ends within the one iteration it is given");
        for (CompletableFuture<Void> t : tasks) {
            assertTrue(t.isCancelled());
        }
    }

    @Test
    void crossLoopWrapOfAFutureOfTheSameLoopIsTheFutureItself() throws Exception {
        try (LoopGroup g = new LoopGroup(1)) {
            assertTrue(g.submit(() -> {
                Future<Integer> f = Asyncio.getRunningLoop().createFuture();
                return CrossLoop.wrap(f) == f;
            }).get(10, TimeUnit.SECONDS));
            Future<Integer> onLoop = g.submit(() -> Asyncio.getRunningLoop().<Integer>createFuture())
                    .get(10, TimeUnit.SECONDS);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CrossLoop.wrap(onLoop));
            assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        }
    }
}
