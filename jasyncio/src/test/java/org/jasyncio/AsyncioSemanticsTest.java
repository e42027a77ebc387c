package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.locks.Event;
import org.jasyncio.streams.StreamReader;
import org.junit.jupiter.api.Test;

/**
 * One test per behaviour the asyncio-semantics work fixed (each failed before its fix), and
 * per small 3.13-3.15 API it added. CPython's own tests for the same behaviour are in
 * {@code org.jasyncio.cpython}; these are the short, named statements of each rule.
 */
class AsyncioSemanticsTest {

    private static double now() {
        return getRunningLoop().time();
    }

    // ---- pending cancellation + await ----------------------------------------------------

    @Test
    void aPendingCancellationIsRaisedByTheNextSleep() throws Exception {
        double at = TestLoops.runVirtual(() -> {
            currentTask().cancel();
            try {
                sleep(2);
                fail("sleep ran in full");
            } catch (CancelledError expected) {
                // the cancellation arrived at the sleep
            }
            return now();
        });
        assertEquals(0.0, at, 1e-9);
    }

    @Test
    void aPendingCancellationIsRaisedByEventAwait() throws Exception {
        TestLoops.runVirtual(() -> {
            Event ev = new Event();
            currentTask().cancel("stop");
            CancelledError e = assertThrows(CancelledError.class, ev::await);
            assertEquals("stop", e.getMessage());
            assertEquals(1, currentTask().cancelling());
        });
    }

    @Test
    void anEagerChildFailingAtOnceDoesNotHangItsParent() throws Exception {
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            getRunningLoop().setTaskFactory(TaskFactory.EAGER);
            TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    throw new IllegalStateException("at once");
                });
                sleep(10);
                return null;
            });
        }));
        assertEquals("at once", eg.exceptions().get(0).getMessage());
    }

    // ---- two cancellations in one iteration ---------------------------------------------

    @Test
    void nestedTimeoutsExpiringInOneIterationRaiseFromTheOuterScope() throws Exception {
        List<String> seen = new ArrayList<>();
        double at = TestLoops.runVirtual(() -> {
            try {
                timeout(1, () -> {
                    try {
                        return timeout(1, () -> sleep(2, "slept"));
                    } catch (TimeoutError inner) {
                        seen.add("inner TimeoutError");
                        throw inner;
                    } catch (CancelledError inner) {
                        seen.add("inner CancelledError");
                        throw inner;
                    }
                });
            } catch (TimeoutError outer) {
                seen.add("outer TimeoutError");
            }
            return now();
        });
        assertEquals(List.of("inner CancelledError", "outer TimeoutError"), seen);
        assertEquals(1.0, at, 1e-9);
    }

    @Test
    void aDeadlineInThePastInterruptsEvenSleepZero() throws Exception {
        TestLoops.runVirtual(() -> {
            assertThrows(TimeoutError.class, () -> timeout(-1, () -> sleep(0, null)));
            assertThrows(TimeoutError.class, () -> timeout(0, () -> sleep(0, null)));
            try (Timeout t = timeout(-5)) {
                assertThrows(TimeoutError.class, () -> sleep(0));
                assertTrue(t.expired());
            }
            assertEquals(0, currentTask().cancelling());
        });
    }

    // ---- waitFor keeps results ------------------------------------------------------------

    @Test
    void waitForNeverDropsBytesItAlreadyRead() throws Exception {
        String all = TestLoops.runVirtual(() -> {
            StreamReader reader = new StreamReader();
            getRunningLoop().callLater(1, () -> reader.feedData("hello".getBytes(StandardCharsets.US_ASCII)));
            StringBuilder got = new StringBuilder();
            try {
                // the data and the deadline arrive in the same iteration
                got.append(new String(waitFor(() -> reader.read(5), 1), StandardCharsets.US_ASCII));
            } catch (TimeoutError e) {
                got.append(new String(reader.read(5), StandardCharsets.US_ASCII));
            }
            return got.toString();
        });
        assertEquals("hello", all);
    }

    @Test
    void waitForRunsACoroutineInlineSoACancelBeforeItStartsStillRunsIt() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                waitFor(() -> {
                    events.add("coroutine ran");
                    return sleep(1, null);
                }, 10);
            });
            sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
        });
        assertEquals(List.of("coroutine ran"), events);
    }

    // ---- callbacks through the ready queue ----------------------------------------------

    @Test
    void tasksCreatedInMainsLastStepRunTheirFinallyAtShutdown() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            createTask(() -> {
                try {
                    sleep(10);
                } finally {
                    events.add("finally ran");
                }
            });
        });
        assertEquals(List.of("finally ran"), events);
    }

    @Test
    void waitFirstCompletedSeesTasksFinishingInTheSameIteration() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> a = createTask(() -> sleep(1, 1));
            Task<Integer> b = createTask(() -> sleep(1, 2));
            WaitResult<Integer> r = Asyncio.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
            assertEquals(2, r.done().size());
            assertTrue(r.pending().isEmpty());
        });
    }

    @Test
    void aTaskGroupReportsEveryChildFailingInTheSameIteration() throws Exception {
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    sleep(1);
                    throw new IllegalStateException("one");
                });
                tg.createTask(() -> {
                    sleep(1);
                    throw new IllegalArgumentException("two");
                });
                return null;
            });
        }));
        assertEquals(2, eg.exceptions().size());
    }

    @Test
    void doneCallbacksRunThroughTheReadyQueueInOrder() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Future<String> f = getRunningLoop().createFuture();
            f.addDoneCallback(x -> events.add("callback"));
            getRunningLoop().callSoon(() -> events.add("callSoon before"));
            f.setResult("x");
            events.add("after setResult");
            getRunningLoop().callSoon(() -> events.add("callSoon after"));
            sleep(0);
        });
        assertEquals(List.of("after setResult", "callSoon before", "callback", "callSoon after"), events);
    }

    // ---- TaskGroup -------------------------------------------------------------------------

    @Test
    void aTaskGroupBodyGetsCancelledErrorThenTheGroupRaises() throws Exception {
        List<String> events = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    sleep(1);
                    throw new IllegalStateException("child");
                });
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    events.add("body cleanup: " + e.getClass().getSimpleName());
                    throw e;
                }
                return null;
            });
        }));
        assertEquals(List.of("body cleanup: CancelledError"), events);
        assertEquals("child", eg.exceptions().get(0).getMessage());
    }

    @Test
    void anOutsideCancelCoincidingWithAChildFailureIsReArmed() throws Exception {
        TestLoops.runVirtual(() -> {
            List<String> events = new ArrayList<>();
            Task<Void> parent = createTask(() -> {
                Task<?> me = currentTask();
                try {
                    TaskGroup.run(tg -> {
                        tg.createTask(() -> {
                            sleep(1);
                            me.cancel(); // from outside the group, in the step that fails
                            throw new IllegalStateException("child");
                        });
                        sleep(10);
                        return null;
                    });
                } catch (ExceptionGroup e) {
                    events.add("group");
                }
                try {
                    sleep(5);
                    events.add("not re-armed");
                } catch (CancelledError e) {
                    events.add("re-armed");
                    throw e;
                }
            });
            assertThrows(CancelledError.class, parent::await);
            assertEquals(List.of("group", "re-armed"), events);
        });
    }

    @Test
    void aKeyboardInterruptInAChildLeavesTheGroupAsItself() {
        assertThrows(KeyboardInterrupt.class, () -> TestLoops.runVirtual(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> {
                sleep(1);
                throw new KeyboardInterrupt();
            });
            return sleep(10, null);
        })));
    }

    @Test
    void tryWithResourcesWithoutJoinCancelsTheChildren() throws Exception {
        List<String> events = new ArrayList<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestLoops.runVirtual(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } catch (CancelledError c) {
                        events.add("child cancelled");
                        throw c;
                    }
                });
                sleep(1);
                throw new IllegalArgumentException("body failed");
            }
        }));
        assertEquals(List.of("child cancelled"), events);
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(IllegalStateException.class, e.getSuppressed()[0]);
    }

    @Test
    void tryWithResourcesThrowsTheGroupIntoTheBody() throws Exception {
        List<String> events = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(() -> {
                    sleep(1);
                    throw new IllegalStateException("child");
                });
                try {
                    sleep(10);
                } catch (CancelledError c) {
                    events.add("body saw " + c.getClass().getSimpleName());
                    throw c;
                }
                tg.join();
            }
        }));
        assertEquals(List.of("body saw ExceptionGroup"), events);
        assertEquals(1, eg.exceptions().size());
        assertEquals(0, eg.getSuppressed().length - eg.exceptions().size());
    }

    // ---- gather, Task, currentTask ---------------------------------------------------------

    @Test
    void gatherFailsWithAChildsCancellationInsteadOfBeingCancelled() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> a = createTask(() -> sleep(10, 1));
            Future<List<Integer>> g = gather(a, createTask(() -> sleep(10, 2)));
            sleep(0);
            a.cancel();
            assertThrows(CancelledError.class, g::await);
            assertFalse(g.cancelled());
            assertInstanceOf(CancelledError.class, g.exception());
        });
    }

    @Test
    void aTaskRefusesSetResultAndSetException() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> t = createTask(() -> 1);
            assertThrows(IllegalStateException.class, () -> t.setResult(2));
            assertThrows(IllegalStateException.class, () -> t.setException(new RuntimeException()));
            assertEquals(1, t.await());
        });
    }

    @Test
    void getCoroStillAnswersWhenTheTaskIsDone() throws Exception {
        TestLoops.runVirtual(() -> {
            Coroutine<Integer> c = () -> 7;
            Task<Integer> t = createTask(c);
            t.await();
            assertSame(c, t.getCoro());
        });
    }

    @Test
    void shieldReportsAnInnerFailureOnceWhenTheOuterWasCancelled() throws Exception {
        List<ExceptionContext> reports = new ArrayList<>();
        EventLoop loop = TestLoops.virtualTimeLoop();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        loop.runUntilComplete(() -> {
            Task<Void> inner = createTask(() -> {
                sleep(1);
                throw new IllegalStateException("inner failed");
            });
            Future<Void> outer = shield(inner);
            outer.cancel();
            sleep(2);
            assertTrue(inner.done());
        });
        loop.close();
        assertEquals(1, reports.size(), reports.toString());
        assertEquals("inner failed", reports.get(0).exception().getMessage());
    }

    @Test
    void currentTaskWithoutARunningLoopThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Asyncio::currentTask);
        assertEquals("no running event loop", e.getMessage());
    }

    @Test
    void aCancelledErrorChainsOneLevelPerFuture() throws Exception {
        TestLoops.runVirtual(() -> {
            Future<Void> f = getRunningLoop().createFuture();
            f.cancel("why");
            CancelledError first = assertThrows(CancelledError.class, f::result);
            CancelledError second = assertThrows(CancelledError.class, f::result);
            assertEquals("why", first.getMessage());
            assertNull(second.getCause());
        });
    }

    @Test
    void asCompletedResumesWhenIteratedAgain() throws Exception {
        TestLoops.runVirtual(() -> {
            Iterable<Future<Integer>> it = asCompleted(List.of(createTask(() -> sleep(1, 1)), createTask(() -> sleep(2, 2))));
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : it) {
                got.add(f.result());
                break;
            }
            for (Future<Integer> f : it) {
                got.add(f.result());
            }
            assertEquals(List.of(1, 2), got);
        });
    }

    // ---- ordering ----------------------------------------------------------------------------

    @Test
    void callSoonThreadsafeFromTheLoopThreadKeepsCallOrderWithCallSoon() throws Exception {
        List<Integer> order = new ArrayList<>();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            loop.callSoon(() -> order.add(1));
            loop.callSoonThreadsafe(() -> order.add(2));
            loop.callSoon(() -> order.add(3));
            loop.callSoon(() -> {
                loop.callSoon(() -> order.add(4));
                loop.callSoonThreadsafe(() -> order.add(5));
                loop.callSoon(() -> order.add(6));
                loop.callSoon(loop::stop);
            });
            loop.runForever();
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6), order);
    }

    // ---- negative and zero delays ------------------------------------------------------------

    @Test
    void negativeAndZeroDelaysMeanNow() throws Exception {
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            List<String> order = new ArrayList<>();
            double t0 = loop.time();
            loop.callLater(-1, () -> order.add("callLater(-1)"));
            loop.callLater(0, () -> order.add("callLater(0)"));
            sleep(-1);
            sleep(0.5);
            assertEquals(List.of("callLater(-1)", "callLater(0)"), order);
            assertEquals(t0 + 0.5, loop.time(), 1e-9);
            Future<Integer> never = loop.createFuture();
            assertThrows(TimeoutError.class, () -> waitFor(never, 0));
            assertTrue(never.cancelled());
            assertThrows(TimeoutError.class, () -> waitFor(loop.<Integer>createFuture(), -1));
            TimerHandle h = loop.callLater(2.5, () -> {});
            assertEquals(loop.time() + 2.5, h.when(), 1e-9);
            h.cancel();
        });
    }

    // ---- blocking JDK calls under a deadline ----------------------------------------------

    @Test
    void aBlockingJdkCallInsideTimeoutRaisesTimeoutError() {
        // a real clock: Thread.sleep is not on the loop's virtual clock
        TimeoutError e = assertThrows(TimeoutError.class, () -> Asyncio.run(() -> timeout(0.05, () -> {
            Thread.sleep(30_000);
            return null;
        })));
        assertInstanceOf(InterruptedException.class, e.getCause());
    }

    // ---- never retrieved ---------------------------------------------------------------------

    @Test
    void anExceptionNeverRetrievedIsReportedWhenTheLoopCloses() throws Exception {
        List<ExceptionContext> reports = new ArrayList<>();
        EventLoop loop = TestLoops.virtualTimeLoop();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        Task<Void> kept = loop.createTask(() -> {
            throw new IllegalStateException("lost");
        });
        loop.runUntilComplete(() -> sleep(0.1));
        assertTrue(kept.done());
        loop.close();
        assertEquals(1, reports.size());
        assertEquals("Task exception was never retrieved", reports.get(0).message());
        assertEquals("lost", reports.get(0).exception().getMessage());
    }

    // ---- small API of 3.13-3.15 ----------------------------------------------------------------

    @Test
    void taskGroupCancelEndsTheGroupWithoutAnError() throws Exception {
        List<String> events = new ArrayList<>();
        Object r = TestLoops.runVirtual(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    events.add("child cancelled");
                    throw e;
                }
            });
            tg.createTask(() -> {
                sleep(1);
                tg.cancel();
            });
            sleep(100);
            events.add("body not cancelled");
            return "not reached";
        }));
        assertNull(r);
        assertEquals(List.of("child cancelled"), events);
    }

    @Test
    void currentTaskOfALoop() throws Exception {
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            assertSame(currentTask(), currentTask(loop));
            List<Object> inCallback = new ArrayList<>();
            loop.callSoon(() -> inCallback.add(String.valueOf(currentTask(loop))));
            sleep(0);
            assertEquals(List.of("null"), inCallback);
        });
    }

    @Test
    void createTaskWithEagerStart() throws Exception {
        TestLoops.runVirtual(() -> {
            List<String> events = new ArrayList<>();
            Task<Boolean> eager = createTask(() -> events.add("eager first step"), null, null, true);
            events.add("after createTask");
            assertTrue(eager.done());
            Task<Boolean> lazy = createTask(() -> events.add("lazy first step"), null, null, false);
            assertFalse(lazy.done());
            lazy.await();
            assertEquals(List.of("eager first step", "after createTask", "lazy first step"), events);
        });
    }

    @Test
    void aFutureCanBeMadeForAGivenLoop() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = new Future<>(loop);
            assertSame(loop, f.getLoop());
            loop.callSoon(() -> f.setResult("x"));
            assertEquals("x", loop.runUntilComplete(f));
        }
    }

    @Test
    void contextsAreEqualByContent() {
        ContextVar<String> v = new ContextVar<>("v");
        Context a = new Context();
        Context b = new Context();
        assertEquals(a, b);
        a.run(() -> {
            v.set("x");
        });
        assertNotEquals(a, b);
        b.run(() -> {
            v.set("x");
        });
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void exceptionGroupSplitsByClass() {
        ExceptionGroup eg = new ExceptionGroup("m", List.of(new IllegalStateException("a"), new ArithmeticException("b")));
        ExceptionGroup[] parts = eg.split(ArithmeticException.class);
        assertEquals("b", parts[0].exceptions().get(0).getMessage());
        assertEquals("a", parts[1].exceptions().get(0).getMessage());
        assertNull(eg.split(NullPointerException.class)[0]);
        assertSame(eg, eg.split(ExceptionGroup.class)[0]); // the group itself matches, as in Python
    }
}
