package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import org.jasyncio.internal.diag.LoopsMBean;
import org.jasyncio.internal.diag.MBeanRegistration;
import org.jasyncio.internal.diag.Snapshot;
import org.junit.jupiter.api.Test;

/** loop.statistics(), the loops' MBean and the Flight Recorder events. */
class DiagnosticsTest {

    static void fetch(double seconds) throws Exception {
        sleep(seconds);
    }

    static void worker(int i) throws Exception {
        createTask(() -> {
            fetch(3600);
            return null;
        }, "fetch-" + i).await();
    }

    /** main gathers worker-1..3, each awaiting fetch-i; {@code probe} runs once all are suspended. */
    static <T> T taskTree(Callable probe) throws Exception {
        try (EventLoop loop = newEventLoop()) {
            return loop.runUntilComplete(() -> {
                List<Task<Object>> workers = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    int n = i;
                    workers.add(createTask(() -> {
                        worker(n);
                        return null;
                    }, "worker-" + i));
                }
                Future<List<Object>> all = gather(workers);
                sleep(0);
                sleep(0);
                @SuppressWarnings("unchecked")
                T r = (T) probe.call(loop);
                all.cancel();
                try {
                    all.await();
                } catch (CancelledError expected) {
                    // the tree is torn down
                }
                return r;
            });
        }
    }

    interface Callable {
        Object call(EventLoop loop) throws Exception;
    }

    @Test
    void statisticsCountTasksTimersAndIterations() throws Exception {
        LoopStatistics s = taskTree(loop -> {
            for (int i = 0; i < 2 * LoopStats.SAMPLE_EVERY; i++) {
                sleep(0); // iterations enough for the sampled lag
            }
            return loop.statistics();
        });
        assertEquals(7, s.tasksAlive(), s.toString()); // main, 3 workers, 3 fetches
        assertEquals(7, s.tasksCreated(), s.toString());
        assertEquals(3, s.timersPending(), s.toString()); // the three sleeps
        assertTrue(s.iterations() >= 2 * LoopStats.SAMPLE_EVERY, s.toString());
        assertTrue(s.callbacksRun() >= 7 + 2 * LoopStats.SAMPLE_EVERY, s.toString());
        assertEquals(0, s.readyQueueDepth(), s.toString()); // the probe runs in main's step: nothing else ready
        assertTrue(s.lagSamples() >= 2, s.toString()); // one in SAMPLE_EVERY iterations
        assertTrue(s.lagP50() <= s.lagP99() && s.lagP99() <= s.lagMax(), s.toString());
    }

    @Test
    void statisticsFromAnotherThreadWhileRunningIsRefused() throws Exception {
        IllegalStateException e = taskTree(loop -> toThread(() -> assertThrows(IllegalStateException.class,
                loop::statistics)));
        assertTrue(e.getMessage().contains("statistics() is not thread-safe"), e.getMessage());
    }

    @Test
    void selectorWakeupsCountWakeupsFromOtherThreads() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            long before = loop.statistics().selectorWakeups();
            loop.runUntilComplete(() -> {
                Future<String> fut = getRunningLoop().createFuture();
                Thread loopThread = Thread.currentThread();
                EventLoop l = getRunningLoop();
                Thread poster = Thread.ofPlatform().start(() -> {
                    // post once the loop sleeps in its selector, so that the post must wake it
                    Thread carrier = findLoopThread(loopThread);
                    long end = System.nanoTime() + 10_000_000_000L;
                    while (!inSelect(carrier) && System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    l.callSoonThreadsafe(() -> fut.setResult("woken"));
                });
                assertEquals("woken", fut.await());
                poster.join();
                return null;
            });
            assertTrue(loop.statistics().selectorWakeups() > before, loop.statistics().toString());
        }
    }

    /** The platform thread carrying the loop: the one whose stack runs BaseEventLoop.runForever. */
    static Thread findLoopThread(Thread task) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : e.getValue()) {
                if (f.getMethodName().equals("runForever") && !e.getKey().isVirtual()) {
                    return e.getKey();
                }
            }
        }
        throw new AssertionError("no loop thread");
    }

    static boolean inSelect(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getMethodName().equals("doSelect") || f.getMethodName().equals("epollWait")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void lagHistogramBucketsAreWithinAnEighth() {
        int last = -1;
        for (long v = 0; v < 1L << 40; v = v < 64 ? v + 1 : v + v / 7) {
            int b = LoopStats.bucket(v);
            assertTrue(b >= last, "buckets grow with the value at " + v);
            last = b;
            assertEquals(v, LoopStats.bucketMiddle(b), Math.max(0.5, v / 8.0), "bucket of " + v);
        }
        assertEquals(LoopStats.bucket(Long.MAX_VALUE), LoopStats.bucket(Long.MAX_VALUE - 1));
    }

    @Test
    void mbeanServesEveryTaskWithItsAwaiter() throws Exception {
        String text = taskTree(loop -> toThread(() -> {
            long end = System.nanoTime() + 20_000_000_000L;
            while (!MBeanRegistration.registered()) {
                assertTrue(System.nanoTime() < end, "MBean not registered within 20 s");
                Thread.sleep(10); // registration runs on its own thread: wait for it, bounded
            }
            return (String) ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(LoopsMBean.NAME),
                    LoopsMBean.SNAPSHOT);
        }));
        Snapshot.Parsed snap = Snapshot.parse(text);
        Map<Long, Snapshot.TaskInfo> byId = new HashMap<>();
        long loopId = -1;
        for (Snapshot.TaskInfo t : snap.tasks()) {
            if (t.name().equals("fetch-1")) {
                loopId = t.loopId();
            }
        }
        for (Snapshot.TaskInfo t : snap.tasks()) {
            if (t.loopId() == loopId) {
                byId.put(t.id(), t);
            }
        }
        assertEquals(7, byId.size(), text);
        Set<String> edges = new HashSet<>();
        for (Snapshot.Edge e : snap.edges()) {
            if (e.loopId() == loopId) {
                edges.add(byId.get(e.task()).name() + " <- " + byId.get(e.awaiter()).name());
            }
        }
        assertEquals(Set.of("fetch-1 <- worker-1", "fetch-2 <- worker-2", "fetch-3 <- worker-3",
                "worker-1 <- Task-1", "worker-2 <- Task-1", "worker-3 <- Task-1"), edges.stream()
                .map(s -> s.replaceAll("Task-\\d+", "Task-1")).collect(java.util.stream.Collectors.toSet()), text);
        for (Snapshot.TaskInfo t : byId.values()) {
            if (t.name().startsWith("fetch-")) {
                assertEquals("waiting", t.state(), text);
                assertEquals("fetch", t.frames().get(0).method(), text);
                assertEquals(DiagnosticsTest.class.getName(), t.frames().get(0).className(), text);
            }
            if (t.name().startsWith("worker-")) {
                assertTrue(t.awaits().startsWith("Task "), text);
            }
        }
        long id = loopId;
        assertTrue(snap.loops().stream().anyMatch(l -> l.id() == id && l.statistics().contains("tasksAlive=7")), text);
    }

    @Test
    void aNewLoopCountsNothingYet() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            LoopStatistics s = loop.statistics();
            assertEquals(new LoopStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s);
            loop.callLater(10, () -> { });
            loop.createTask(() -> null);
            s = loop.statistics();
            assertEquals(1, s.timersPending(), s.toString());
            assertEquals(1, s.tasksAlive(), s.toString());
            assertEquals(1, s.tasksCreated(), s.toString());
        }
    }

    @Test
    void theMBeanIsReadOnlyAndNamesWhatItHas() throws Exception {
        taskTree(loop -> toThread(() -> {
            long end = System.nanoTime() + 20_000_000_000L;
            while (!MBeanRegistration.registered()) {
                assertTrue(System.nanoTime() < end, "MBean not registered within 20 s");
                Thread.sleep(10); // registration runs on its own thread: wait for it, bounded
            }
            var server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(LoopsMBean.NAME);
            var info = server.getMBeanInfo(name);
            assertEquals(1, info.getAttributes().length);
            assertEquals(LoopsMBean.SNAPSHOT, info.getAttributes()[0].getName());
            assertFalse(info.getAttributes()[0].isWritable());
            var e = assertThrows(javax.management.AttributeNotFoundException.class,
                    () -> server.getAttribute(name, "Tasks"));
            assertTrue(e.getMessage().contains("no attribute Tasks in " + LoopsMBean.NAME), e.getMessage());
            assertThrows(javax.management.AttributeNotFoundException.class,
                    () -> server.setAttribute(name, new javax.management.Attribute(LoopsMBean.SNAPSHOT, "x")));
            var list = server.getAttributes(name, new String[] {LoopsMBean.SNAPSHOT, "Nope"});
            assertEquals(1, list.size());
            return null;
        }));
    }

    @Test
    void aSnapshotOfAnotherFormatIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Snapshot.parse("jasyncio-snapshot 2\nloop\t1"));
        assertTrue(e.getMessage().contains("not a jasyncio-snapshot 1 text"), e.getMessage());
        Snapshot.Parsed p = Snapshot.parse("jasyncio-snapshot 1\nfuture-line\tx\n");
        assertEquals(List.of(), p.loops(), "a later version's lines are skipped");
    }

    @Test
    void aLoopStuckInACallbackIsListedAsBusyAndLosesNothing() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (EventLoop loop = newEventLoop()) {
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    loop.runUntilComplete(() -> {
                        getRunningLoop().callSoon(() -> {
                            blocked.countDown();
                            try {
                                release.await(30, TimeUnit.SECONDS); // a callback that blocks the loop
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        sleep(0);
                        return null;
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            try {
                assertTrue(blocked.await(30, TimeUnit.SECONDS));
                long id = ((BaseEventLoop) loop).stats.loopId;
                Snapshot.Parsed snap = Snapshot.parse(Diagnostics.snapshotAll());
                assertTrue(snap.loops().stream().anyMatch(l -> l.id() == id
                        && l.statistics().equals("busy: did not answer within " + Diagnostics.ANSWER_MILLIS + " ms")),
                        snap.toString());
            } finally {
                release.countDown();
                runner.join(30_000);
            }
            assertFalse(runner.isAlive(), "the loop ran on after the busy callback");
        }
    }

    @Test
    void aSnapshotAskedOnTheLoopsOwnThreadDoesNotWaitForItself() throws Exception {
        String text = taskTree(loop -> Diagnostics.snapshotAll());
        Snapshot.Parsed snap = Snapshot.parse(text);
        assertTrue(snap.tasks().stream().anyMatch(t -> t.name().equals("fetch-2") && t.state().equals("waiting")), text);
        assertTrue(snap.loops().stream().allMatch(l -> l.statistics().startsWith("LoopStatistics[")), text);
        assertEquals(1, snap.tasks().stream().filter(t -> t.state().equals("running")).count(), text);
    }

    @Test
    void flightRecordingHoldsJasyncioEvents() throws Exception {
        Path file = Files.createTempFile("jasyncio", ".jfr");
        try (Recording r = new Recording()) {
            for (String e : List.of("TaskCreated", "TaskFinished", "SlowCallback", "SlowTaskStep", "IterationLag")) {
                r.enable("org.jasyncio." + e).withoutThreshold();
            }
            r.start();
            try (EventLoop loop = newEventLoop()) {
                loop.setSlowCallbackDuration(0.001);
                loop.runUntilComplete(() -> {
                    Task<Object> failing = createTask(() -> {
                        throw new IllegalStateException("boom");
                    }, "failing");
                    Task<Object> sleeper = createTask(() -> sleep(3600, null), "sleeper");
                    Task<Object> slow = createTask(() -> {
                        spin(5);
                        sleep(0);
                        return "done";
                    }, "slow");
                    getRunningLoop().callSoon(() -> spin(5));
                    sleep(0);
                    sleeper.cancel();
                    assertEquals("done", slow.await());
                    assertThrows(IllegalStateException.class, failing::await);
                    assertThrows(CancelledError.class, sleeper::await);
                    for (int i = 0; i < 2 * LoopStats.SAMPLE_EVERY; i++) {
                        sleep(0);
                    }
                    return null;
                });
            }
            r.stop();
            r.dump(file);
            Map<String, List<RecordedEvent>> byType = new HashMap<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                byType.computeIfAbsent(e.getEventType().getName(), k -> new ArrayList<>()).add(e);
            }
            assertEquals(Set.of("org.jasyncio.TaskCreated", "org.jasyncio.TaskFinished", "org.jasyncio.SlowCallback",
                    "org.jasyncio.SlowTaskStep", "org.jasyncio.IterationLag"), byType.keySet());
            Map<String, String> outcomes = new HashMap<>();
            for (RecordedEvent e : byType.get("org.jasyncio.TaskFinished")) {
                outcomes.put(e.getString("taskName"), e.getString("outcome"));
                assertTrue(e.getLong("lifetime") >= 0, e.toString());
            }
            assertEquals("exception: java.lang.IllegalStateException", outcomes.get("failing"));
            assertEquals("cancelled", outcomes.get("sleeper"));
            assertEquals("result", outcomes.get("slow"));
            // on a busy machine other steps may pass 1 ms too: find the one made slow on purpose
            RecordedEvent step = byType.get("org.jasyncio.SlowTaskStep").stream()
                    .filter(e -> e.getString("step").equals("step of slow")).findFirst().orElseThrow();
            assertTrue(step.getString("suspendedAt").contains("DiagnosticsTest"), step.getString("suspendedAt"));
            assertTrue(step.getDuration("took").toNanos() >= 5_000_000L, step.toString());
            assertEquals(List.of("jasyncio"), byType.get("org.jasyncio.TaskCreated").get(0).getEventType()
                    .getCategoryNames());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Keeps the loop busy for {@code millis}: a slow callback on purpose, not a wait for anything. */
    static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
