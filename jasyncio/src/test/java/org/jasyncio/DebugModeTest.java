package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Debug mode and the errors nobody can catch (CPython test_tasks / test_futures "never retrieved", test_base_events debug). */
class DebugModeTest {


    @Test
    void slowTaskStepIsLoggedWithNameAndStackInDebugMode() throws Exception {
        try (LogCapture cap = new LogCapture(); EventLoop loop = Asyncio.newEventLoop()) {
            loop.setDebug(true);
            loop.setSlowCallbackDuration(0.05);
            loop.runUntilComplete(createSlowTask(loop));
            List<String> msgs = cap.messages();
            assertTrue(msgs.stream().anyMatch(m -> m.startsWith("Executing step of <Task") && m.contains("name='slow-one'")
                    && m.contains("took")), msgs.toString());
            assertTrue(msgs.stream().anyMatch(m -> m.contains("suspended at") && m.contains("slowBody")), msgs.toString());
        }
    }

    private static Task<Void> createSlowTask(EventLoop loop) {
        return loop.createTask(Coroutine.of(DebugModeTest::slowBody), "slow-one", null);
    }

    private static void slowBody() throws Exception {
        Thread.sleep(0); // keep the step busy below
        long end = System.nanoTime() + 80_000_000L;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        sleep(0.01); // where it is suspended when the slow step is reported
    }

    @Test
    void slowCallbackIsLoggedInDebugModeOnly() throws Exception {
        try (LogCapture cap = new LogCapture(); EventLoop loop = Asyncio.newEventLoop()) {
            loop.setSlowCallbackDuration(0.02);
            Runnable busy = () -> {
                long end = System.nanoTime() + 40_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            };
            loop.callSoon(busy);
            TestLoops.runOnce(loop);
            assertTrue(cap.messages().isEmpty(), "not in debug mode");
            loop.setDebug(true);
            loop.callSoon(busy);
            TestLoops.runOnce(loop);
            assertEquals(1, cap.messages().size(), cap.messages().toString());
            assertTrue(cap.messages().get(0).startsWith("Executing <Handle"), cap.messages().get(0));
        }
    }

    @Test
    void debugModeFromTheSystemProperty() {
        String old = System.getProperty("jasyncio.debug");
        System.setProperty("jasyncio.debug", "true");
        try (EventLoop loop = Asyncio.newEventLoop()) {
            assertTrue(loop.getDebug());
        } finally {
            if (old == null) {
                System.clearProperty("jasyncio.debug");
            } else {
                System.setProperty("jasyncio.debug", old);
            }
        }
        try (EventLoop loop = Asyncio.newEventLoop()) {
            assertFalse(loop.getDebug());
        }
    }

    @Test
    void runWithDebug() throws Exception {
        assertTrue(Asyncio.run(() -> getRunningLoop().getDebug(), true));
        assertFalse(Asyncio.run(() -> getRunningLoop().getDebug(), false));
    }

    @Test
    void neverRetrievedTaskExceptionIsReportedWithItsCreationSite() throws Exception {
        // test_tasks.test_exception_never_retrieved (via the loop's exception handler)
        try (EventLoop loop = Asyncio.newEventLoop()) {
            loop.setDebug(true);
            TestLoops.Collector c = new TestLoops.Collector();
            loop.setExceptionHandler(c);
            spawnFailing(loop);
            waitForReport(loop, c);
            ExceptionContext ctx = c.contexts().get(0);
            assertEquals("Task exception was never retrieved", ctx.message());
            assertEquals("lost", ctx.exception().getMessage());
            assertTrue(String.valueOf(ctx.get("task")).contains("name='doomed'"), String.valueOf(ctx.get("task")));
            assertNotNull(ctx.sourceTraceback(), "debug mode records where the task was created");
            boolean site = false;
            for (StackTraceElement e : ctx.sourceTraceback()) {
                site |= e.getMethodName().contains("spawnFailing");
            }
            assertTrue(site, java.util.Arrays.toString(ctx.sourceTraceback()));
        }
    }

    private static void spawnFailing(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> {
            loop.createTask(() -> {
                throw new IllegalStateException("lost");
            }, "doomed", null);
            sleep(0);
            sleep(0);
            return null;
        });
    }

    @Test
    void retrievedExceptionIsNotReported() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            TestLoops.Collector c = new TestLoops.Collector();
            loop.setExceptionHandler(c);
            loop.runUntilComplete(() -> {
                Task<Object> t = loop.createTask(() -> {
                    throw new IllegalStateException("seen");
                });
                sleep(0);
                assertNotNull(t.exception());
                return null;
            });
            for (int i = 0; i < 3; i++) {
                System.gc();
                TestLoops.runOnce(loop);
            }
            assertEquals(List.of(), c.messages());
        }
    }

    @Test
    void neverRetrievedFutureExceptionIsReported() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            TestLoops.Collector c = new TestLoops.Collector();
            loop.setExceptionHandler(c);
            failFuture(loop);
            waitForReport(loop, c);
            assertEquals("Future exception was never retrieved", c.contexts().get(0).message());
        }
    }

    private static void failFuture(EventLoop loop) {
        Future<String> f = loop.createFuture();
        f.setException(new IllegalArgumentException("nobody looks"));
    }

    @Test
    void pendingTaskThatIsGarbageCollectedIsReported() throws Exception {
        // asyncio: "Task was destroyed but it is pending!"
        try (EventLoop loop = Asyncio.newEventLoop()) {
            loop.setDebug(true);
            TestLoops.Collector c = new TestLoops.Collector();
            loop.setExceptionHandler(c);
            spawnOrphan(loop);
            waitForReport(loop, c);
            ExceptionContext ctx = c.contexts().get(0);
            assertEquals("Task was destroyed but it is pending!", ctx.message());
            assertTrue(String.valueOf(ctx.get("task")).contains("name='orphan'"), String.valueOf(ctx.get("task")));
            assertNotNull(ctx.sourceTraceback());
        }
    }

    private static void spawnOrphan(EventLoop loop) throws Exception {
        loop.runUntilComplete(() -> {
            Future<String> nobodyKeepsThis = loop.createFuture();
            loop.createTask(nobodyKeepsThis::await, "orphan", null);
            sleep(0);
            sleep(0);
            return null;
        });
    }

    private static void waitForReport(EventLoop loop, TestLoops.Collector c) {
        for (int i = 0; i < 50 && c.contexts().isEmpty(); i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestLoops.runOnce(loop);
        }
        assertEquals(1, c.contexts().size(), c.messages().toString());
    }

    @Test
    void defaultHandlerLogsThroughSystemLogger() throws Exception {
        try (LogCapture cap = new LogCapture(); EventLoop loop = Asyncio.newEventLoop()) {
            loop.callSoon(() -> {
                throw new IllegalStateException("logged");
            });
            TestLoops.runOnce(loop);
            assertEquals(1, cap.records().size());
            assertTrue(cap.records().get(0).getMessage().startsWith("Exception in callback"), cap.records().get(0).getMessage());
            assertEquals("logged", cap.records().get(0).getThrown().getMessage());
        }
    }
}
