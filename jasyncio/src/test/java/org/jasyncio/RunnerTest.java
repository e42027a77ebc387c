package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** asyncio.run and asyncio.Runner (CPython test_runners). */
class RunnerTest {

    @Test
    void runReturnsTheResultAndClosesTheLoop() throws Exception {
        EventLoop[] loop = new EventLoop[1];
        assertEquals("r", Asyncio.run(() -> {
            loop[0] = getRunningLoop();
            return "r";
        }));
        assertTrue(loop[0].isClosed());
    }

    @Test
    void runCancelsHangingTasksAndWaitsForThem() throws Exception {
        // test_runners.test_asyncio_run_cancels_hanging_tasks
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            createTask(() -> {
                try {
                    sleep(1000);
                } catch (CancelledError e) {
                    events.add("cancelled");
                    sleep(0.01); // cleanup may suspend: run() waits for it
                    events.add("cleanup done");
                    throw e;
                }
            });
            sleep(0.01);
            return null;
        });
        assertEquals(List.of("cancelled", "cleanup done"), events);
    }

    @Test
    void runReportsUnhandledExceptionsDuringShutdown() throws Exception {
        // test_runners.test_asyncio_run_reports_hanging_tasks_errors
        TestLoops.Collector c = new TestLoops.Collector();
        Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler(c);
            createTask(() -> {
                try {
                    sleep(1000);
                } catch (CancelledError e) {
                    throw new IllegalStateException("failed while cancelled");
                }
            });
            sleep(0.01);
            return null;
        });
        assertEquals(List.of("unhandled exception during asyncio.run() shutdown"), c.messages());
        assertEquals("failed while cancelled", c.contexts().get(0).exception().getMessage());
    }

    @Test
    void runShutsTheDefaultExecutorDown() throws Exception {
        Thread[] worker = new Thread[1];
        Asyncio.run(() -> {
            toThread(() -> worker[0] = Thread.currentThread());
            return null;
        });
        worker[0].join(5000);
        assertFalse(worker[0].isAlive(), "the default executor's threads end with run()");
    }

    @Test
    void runInsideARunningLoopIsAnError() throws Exception {
        String msg = Asyncio.run(() -> {
            try {
                Asyncio.run(() -> 1);
                return "no error";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertEquals("Runner.run() cannot be called from a running event loop", msg);
    }

    @Test
    void runnerReusesItsLoopAndContext() throws Exception {
        ContextVar<String> v = new ContextVar<>("v", "unset");
        try (Runner r = new Runner()) {
            EventLoop l1 = r.run(Asyncio::getRunningLoop);
            r.run(() -> v.set("set by the first run"));
            EventLoop l2 = r.run(Asyncio::getRunningLoop);
            assertSame(l1, l2);
            assertSame(l1, r.getLoop());
            assertEquals("set by the first run", r.run(() -> v.get()));
        }
    }

    @Test
    void closedRunnerRefusesWork() throws Exception {
        Runner r = new Runner();
        EventLoop loop = r.getLoop();
        r.close();
        assertTrue(loop.isClosed());
        assertThrows(IllegalStateException.class, () -> r.run(() -> 1));
        r.close(); // twice is fine
    }

    @Test
    void runPropagatesTheMainTasksException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.run(() -> {
            throw new IllegalArgumentException("main failed");
        }));
        assertEquals("main failed", e.getMessage());
    }

    @Test
    void runnerWithAVirtualClockLoopFactory() throws Exception {
        try (Runner r = new Runner(false, TestLoops::virtualTimeLoop)) {
            double elapsed = r.run(() -> {
                double t0 = getRunningLoop().time();
                sleep(3600);
                return getRunningLoop().time() - t0;
            });
            assertEquals(3600.0, elapsed, 1e-6);
        }
    }
}
