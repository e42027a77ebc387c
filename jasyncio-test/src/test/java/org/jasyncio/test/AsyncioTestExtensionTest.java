package org.jasyncio.test;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.VirtualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs small {@code @AsyncioTest} classes through the JUnit engine and checks their outcome:
 * that a leaking or failing test really fails, with the culprit named. The nested classes are
 * not run by Surefire on their own (it skips nested classes).
 */
class AsyncioTestExtensionTest {

    private static EngineExecutionResults execute(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    /** The one test of {@code testClass} must fail; returns why. */
    private static Throwable failureOf(Class<?> testClass) {
        EngineExecutionResults results = execute(testClass);
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Event failed = results.testEvents().failed().stream().findFirst().orElseThrow();
        return failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    private static void assertPasses(Class<?> testClass) {
        EngineExecutionResults results = execute(testClass);
        List<Throwable> failures = new ArrayList<>();
        results.testEvents().failed().stream().forEach(e -> failures.add(
                e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()));
        assertEquals(List.of(), failures, "the nested test failed");
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    // ---- virtual time ----------------------------------------------------------------

    static class HourOfSleep {
        static volatile double loopTime;
        static volatile double realSeconds;

        @AsyncioTest(virtualTime = true)
        void sleepsAnHour(EventLoop loop, VirtualClock clock) throws Exception {
            long t0 = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                sleep(60);
            }
            loopTime = loop.time();
            realSeconds = (System.nanoTime() - t0) / 1e9;
            assertSame(clock, VirtualClock.of(loop));
        }
    }

    @Test
    void anHourOfSleepRunsInWellUnderASecond() {
        assertPasses(HourOfSleep.class);
        assertEquals(3600.0, HourOfSleep.loopTime);
        assertTrue(HourOfSleep.realSeconds < 0.5, "took " + HourOfSleep.realSeconds + " s");
    }

    static class ManualClock {
        static volatile boolean ok;

        @AsyncioTest(virtualTime = true, autojumpThreshold = Double.POSITIVE_INFINITY)
        void advancesByHand(VirtualClock clock) throws Exception {
            Task<Void> sleeper = createTask(() -> sleep(10));
            sleep(0);
            clock.advance(9.5);
            sleep(0);
            assertFalse(sleeper.done());
            clock.advance(0.5);
            sleeper.await();
            ok = getRunningLoop().time() == 10.0;
        }
    }

    @Test
    void aManualClockMovesOnlyWhenAdvanced() {
        assertPasses(ManualClock.class);
        assertTrue(ManualClock.ok);
    }

    static class RealClock {
        static volatile double realSeconds;
        static volatile boolean debug;

        @AsyncioTest(debug = true)
        void sleepsForReal(EventLoop loop) throws Exception {
            long t0 = System.nanoTime();
            sleep(0.05);
            realSeconds = (System.nanoTime() - t0) / 1e9;
            debug = loop.getDebug();
        }
    }

    @Test
    void withoutVirtualTimeTheBodyRunsOnTheRealClockInDebugModeWhenAsked() {
        assertPasses(RealClock.class);
        assertTrue(RealClock.realSeconds >= 0.04, "slept " + RealClock.realSeconds + " s");
        assertTrue(RealClock.debug);
    }

    static class ClockWithoutVirtualTime {
        @AsyncioTest
        void wantsAClock(VirtualClock clock) {
            fail("must not run");
        }
    }

    @Test
    void aClockParameterNeedsVirtualTime() {
        Throwable t = failureOf(ClockWithoutVirtualTime.class);
        assertInstanceOf(ParameterResolutionException.class, t);
        assertTrue(t.getMessage().contains("virtualTime = true"), t.getMessage());
    }

    // ---- leaks -------------------------------------------------------------------------

    static class PendingTask {
        @AsyncioTest
        void forgetsATask() throws Exception {
            createTask(() -> {
                sleep(10);
                return null;
            }, "forgotten-sleeper");
            sleep(0);
        }
    }

    @Test
    void aTaskStillPendingAfterTheBodyFailsTheTestByName() {
        Throwable t = failureOf(PendingTask.class);
        assertInstanceOf(AssertionError.class, t);
        assertTrue(t.getMessage().contains("1 task is still pending"), t.getMessage());
        assertTrue(t.getMessage().contains("forgotten-sleeper"), t.getMessage());
    }

    static class UnretrievedFailure {
        @AsyncioTest
        void dropsAFailure() throws Exception {
            createTask(() -> {
                throw new IllegalStateException("boom");
            }, "doomed-worker");
            sleep(0);
            sleep(0);
        }
    }

    @Test
    void anExceptionNeverRetrievedFailsTheTestNamingTheTaskWithTheExceptionAsCause() {
        Throwable t = failureOf(UnretrievedFailure.class);
        assertInstanceOf(AssertionError.class, t);
        assertTrue(t.getMessage().contains("Task exception was never retrieved"), t.getMessage());
        assertTrue(t.getMessage().contains("doomed-worker"), t.getMessage());
        assertInstanceOf(IllegalStateException.class, t.getCause());
        assertEquals("boom", t.getCause().getMessage());
    }

    static class UnretrievedFailureInDebugMode {
        @AsyncioTest(debug = true)
        void dropsAFailure() throws Exception {
            createTask(() -> {
                throw new IllegalStateException("boom");
            }, "doomed-worker");
            sleep(0);
            sleep(0);
        }
    }

    @Test
    void inDebugModeTheLeakReportSaysWhereTheTaskWasCreated() {
        Throwable t = failureOf(UnretrievedFailureInDebugMode.class);
        assertTrue(t.getMessage().contains("created at " + UnretrievedFailureInDebugMode.class.getName()
                + ".dropsAFailure("), t.getMessage());
    }

    static class LeaksAllowed {
        @AsyncioTest(checkLeaks = false)
        void leaksOnPurpose() throws Exception {
            createTask(() -> {
                sleep(10);
                return null;
            });
            createTask(() -> {
                throw new IllegalStateException("ignored");
            });
            sleep(0);
        }
    }

    @Test
    void checkLeaksFalseLetsLeaksPass() {
        assertPasses(LeaksAllowed.class);
    }

    static class FailingBodyAndLeak {
        @AsyncioTest
        void failsAndLeaks() throws Exception {
            createTask(() -> {
                throw new IllegalStateException("lost");
            }, "lost-worker");
            sleep(0);
            sleep(0);
            fail("the body's own failure");
        }
    }

    @Test
    void theBodysFailureWinsAndCarriesTheLeakAsSuppressed() {
        Throwable t = failureOf(FailingBodyAndLeak.class);
        assertEquals("the body's own failure", t.getMessage());
        assertEquals(1, t.getSuppressed().length);
        assertTrue(t.getSuppressed()[0].getMessage().contains("lost-worker"), t.getSuppressed()[0].getMessage());
    }

    static class AwaitedEverything {
        @AsyncioTest(virtualTime = true)
        void cleanTest() throws Exception {
            var a = createTask(() -> {
                sleep(1);
                return 1;
            });
            var b = createTask(() -> {
                throw new IllegalStateException("seen");
            });
            assertEquals(1, a.await());
            assertThrows(IllegalStateException.class, b::await);
        }
    }

    @Test
    void aTestThatAwaitsItsTasksPasses() {
        assertPasses(AwaitedEverything.class);
    }
}
