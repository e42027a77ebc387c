package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** gather, wait, waitFor, asCompleted, shield (CPython test_tasks, test_waitfor). */
class CombinatorsTest {

    static <T> Coroutine<T> after(double delay, T value) {
        return () -> sleep(delay, value);
    }

    // ---- gather ------------------------------------------------------------------------

    @Test
    void gatherReturnsResultsInArgumentOrder() throws Exception {
        // test_tasks.GatherTests: results keep argument order whatever the finishing order
        double[] elapsed = new double[1];
        List<String> r = TestLoops.runVirtual(() -> {
            double t0 = getRunningLoop().time();
            List<String> res = gather(after(3, "slow"), after(1, "fast"), after(2, "mid")).await();
            elapsed[0] = getRunningLoop().time() - t0;
            return res;
        });
        assertEquals(List.of("slow", "fast", "mid"), r);
        assertEquals(3.0, elapsed[0], 1e-6);
    }

    @Test
    void gatherOfNothingIsAnEmptyList() throws Exception {
        assertEquals(List.of(), TestLoops.runVirtual(() -> gather(List.<Coroutine<String>>of()).await()));
    }

    @Test
    void gatherFirstExceptionPropagatesAndOthersKeepRunning() throws Exception {
        // DESIGN.md §3: without returnExceptions the first exception propagates, the others keep running
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<String> slow = createTask(() -> {
                sleep(5);
                events.add("slow finished");
                return "slow";
            });
            Coroutine<String> failing = () -> {
                sleep(1);
                throw new IllegalArgumentException("child failed");
            };
            Future<List<Object>> g = gather(List.of(slow, failing), false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::await);
            assertEquals("child failed", e.getMessage());
            assertFalse(slow.done(), "the other child is still running");
            assertEquals("slow", slow.await());
        });
        assertEquals(List.of("slow finished"), events);
    }

    @Test
    void gatherReturnExceptionsPutsThemInTheirSlots() throws Exception {
        List<Object> r = TestLoops.runVirtual(() -> {
            Task<String> cancelled = createTask(() -> sleep(10, "never"));
            Coroutine<String> failing = () -> {
                throw new IllegalStateException("bad");
            };
            getRunningLoop().callLater(1, cancelled::cancel);
            return gather(List.of(after(2, "ok"), failing, cancelled), true).await();
        });
        assertEquals("ok", r.get(0));
        assertInstanceOf(IllegalStateException.class, r.get(1));
        assertInstanceOf(CancelledError.class, r.get(2));
    }

    @Test
    void cancellingTheGatherCancelsEveryChild() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(10, "a"));
            Task<String> b = createTask(after(10, "b"));
            Future<List<String>> g = gather(a, b);
            sleep(1);
            assertTrue(g.cancel());
            assertThrows(CancelledError.class, g::await);
            assertTrue(a.cancelled());
            assertTrue(b.cancelled());
        });
    }

    @Test
    void cancellingTheAwaiterOfAGatherCancelsTheChildren() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(10, "a"));
            Task<List<String>> outer = createTask(() -> gather(a).await());
            sleep(1);
            outer.cancel();
            assertThrows(CancelledError.class, outer::await);
            assertTrue(a.cancelled());
        });
    }

    @Test
    void gatherWithACancelledChildRaisesCancelledError() throws Exception {
        // test_tasks: a child cancelled from elsewhere makes the gather raise CancelledError
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(10, "a"));
            Future<List<String>> g = gather(a, createTask(after(1, "b")));
            getRunningLoop().callLater(0.5, a::cancel);
            assertThrows(CancelledError.class, g::await);
        });
    }

    @Test
    void gatherRunsARepeatedLambdaEachTime() throws Exception {
        // a Java lambda is a coroutine function: `tasks.add(Async::hello)` five times means five runs
        int[] runs = {0};
        Coroutine<Integer> c = () -> ++runs[0];
        List<Integer> r = TestLoops.runVirtual(() -> gather(c, c, c).await());
        assertEquals(List.of(1, 2, 3), r);
        assertEquals(3, runs[0]);
    }

    @Test
    void gatherAwaitsARepeatedFutureOnce() throws Exception {
        // test_tasks.GatherTests: the same future twice gives its result twice
        List<String> r = TestLoops.runVirtual(() -> {
            Task<String> t = createTask(after(1, "x"));
            return gather(t, t, createTask(after(2, "y"))).await();
        });
        assertEquals(List.of("x", "x", "y"), r);
    }

    @Test
    void gatherOfTasksOfVoidCoroutines() throws Exception {
        List<String> events = new ArrayList<>();
        List<Void> r = TestLoops.runVirtual(() -> gather(createTask(() -> {
            events.add("x");
        }), createTask(() -> {
            events.add("y");
        })).await());
        assertEquals(2, r.size());
        assertEquals(List.of("x", "y"), events);
    }

    // ---- wait --------------------------------------------------------------------------

    @Test
    void waitAllCompleted() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(1, "a"));
            Task<String> b = createTask(after(2, "b"));
            WaitResult<String> r = Asyncio.wait(List.of(a, b));
            assertEquals(2, r.done().size());
            assertTrue(r.pending().isEmpty());
        });
    }

    @Test
    void waitFirstCompletedLeavesTheRestRunning() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(1, "a"));
            Task<String> b = createTask(after(2, "b"));
            WaitResult<String> r = Asyncio.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
            assertEquals(List.of(a), new ArrayList<>(r.done()));
            assertEquals(List.of(b), new ArrayList<>(r.pending()));
            assertFalse(b.cancelled());
            assertEquals("b", b.await());
        });
    }

    @Test
    void waitFirstException() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(5, "a"));
            Task<String> bad = createTask(() -> {
                sleep(1);
                throw new IllegalStateException("x");
            });
            double t0 = getRunningLoop().time();
            WaitResult<String> r = Asyncio.wait(List.of(a, bad), ReturnWhen.FIRST_EXCEPTION);
            assertEquals(1.0, getRunningLoop().time() - t0, 1e-6);
            assertTrue(r.done().contains(bad));
            assertTrue(r.pending().contains(a));
            a.cancel();
        });
    }

    @Test
    void waitTimeoutReturnsPendingWithoutRaising() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(1, "a"));
            Task<String> b = createTask(after(10, "b"));
            WaitResult<String> r = Asyncio.wait(List.of(a, b), 2.0);
            assertEquals(List.of(a), new ArrayList<>(r.done()));
            assertEquals(List.of(b), new ArrayList<>(r.pending()));
            assertFalse(b.done());
            b.cancel();
        });
    }

    @Test
    void waitWithCoroutinesWrapsThemInTasks() throws Exception {
        TestLoops.runVirtual(() -> {
            WaitResult<String> r = Asyncio.wait(List.of(after(1, "a"), after(2, "b")));
            List<String> results = new ArrayList<>();
            for (Future<String> f : r.done()) {
                results.add(f.result());
            }
            assertEquals(List.of("a", "b"), results);
        });
    }

    @Test
    void waitOnNothingIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> TestLoops.runVirtual(() -> Asyncio.wait(List.of())));
    }

    @Test
    void cancellingTheWaiterDoesNotCancelTheFutures() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> a = createTask(after(10, "a"));
            Task<WaitResult<String>> w = createTask(() -> Asyncio.wait(List.of(a)));
            sleep(1);
            w.cancel();
            assertThrows(CancelledError.class, w::await);
            assertFalse(a.cancelled());
            assertEquals("a", a.await());
        });
    }

    // ---- waitFor -----------------------------------------------------------------------

    @Test
    void waitForReturnsTheResultInTime() throws Exception {
        assertEquals("x", TestLoops.runVirtual(() -> waitFor(after(1, "x"), 2)));
    }

    @Test
    void waitForTimeoutCancelsTheInnerAndWaitsForIt() throws Exception {
        // test_waitfor.test_wait_for_waits_for_task_cancellation: the timeout is raised only
        // after the inner task has finished handling its cancellation
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            double t0 = loop.time();
            Task<String> inner = createTask(() -> {
                try {
                    sleep(10);
                    return "never";
                } catch (CancelledError e) {
                    events.add("inner cancelled at " + (loop.time() - t0));
                    sleep(2); // cleanup takes a while
                    events.add("inner cleanup done at " + (loop.time() - t0));
                    throw e;
                }
            });
            TimeoutError e = assertThrows(TimeoutError.class, () -> waitFor(inner, 1));
            events.add("timeout raised at " + (loop.time() - t0));
            assertInstanceOf(CancelledError.class, e.getCause(), "the cause is the cancellation");
            assertTrue(inner.cancelled());
        });
        assertEquals(List.of("inner cancelled at 1.0", "inner cleanup done at 3.0", "timeout raised at 3.0"), events);
    }

    @Test
    void waitForReturnsTheResultWhenTheInnerSuppressesTheCancellation() throws Exception {
        // test_waitfor.test_wait_for_cancel_suppressed (3.12 semantics)
        String r = TestLoops.runVirtual(() -> waitFor(createTask(() -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                currentTask().uncancel();
                return "suppressed";
            }
            return "never";
        }), 1));
        assertEquals("suppressed", r);
    }

    @Test
    void waitForZeroTimeout() throws Exception {
        TestLoops.runVirtual(() -> {
            Future<String> done = getRunningLoop().createFuture();
            done.setResult("ready");
            assertEquals("ready", waitFor(done, 0));
            Task<String> slow = createTask(after(1, "slow"));
            assertThrows(TimeoutError.class, () -> waitFor(slow, 0));
            assertTrue(slow.cancelled());
        });
    }

    @Test
    void cancellingTheWaitForAwaiterCancelsTheInner() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> inner = createTask(after(10, "x"));
            Task<String> outer = createTask(() -> waitFor(inner, 5));
            sleep(1);
            outer.cancel();
            CancelledError e = assertThrows(CancelledError.class, outer::await);
            assertFalse(e instanceof TimeoutError, "a foreign cancel is not a timeout");
            assertTrue(inner.cancelled());
        });
    }

    @Test
    void waitForTreatsANegativeTimeoutAsExpiredAndRejectsNaN() {
        assertThrows(TimeoutError.class, () -> TestLoops.runVirtual(() -> waitFor(after(1, 1), -1)));
        assertThrows(IllegalArgumentException.class, () -> TestLoops.runVirtual(() -> waitFor(after(1, 1), Double.NaN)));
    }

    // ---- asCompleted -------------------------------------------------------------------

    @Test
    void asCompletedYieldsInCompletionOrder() throws Exception {
        List<String> order = TestLoops.runVirtual(() -> {
            List<String> out = new ArrayList<>();
            for (Future<String> f : asCompleted(List.of(after(3, "c"), after(1, "a"), after(2, "b")))) {
                out.add(f.result());
            }
            return out;
        });
        assertEquals(List.of("a", "b", "c"), order);
    }

    @Test
    void asCompletedTimeout() throws Exception {
        TestLoops.runVirtual(() -> {
            List<String> out = new ArrayList<>();
            Task<String> slow = createTask(after(10, "slow"));
            Iterable<Future<String>> it = asCompleted(List.of(createTask(after(1, "fast")), slow), 2);
            assertThrows(TimeoutError.class, () -> {
                for (Future<String> f : it) {
                    out.add(f.result());
                }
            });
            assertEquals(List.of("fast"), out);
            assertFalse(slow.cancelled(), "as_completed does not cancel on timeout");
            slow.cancel();
        });
    }

    // ---- shield ------------------------------------------------------------------------

    @Test
    void shieldEffect() throws Exception {
        // test_tasks.test_shield_effect: cancelling the awaiter of shield(x) does not cancel x
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<String> inner = createTask(() -> {
                sleep(2);
                events.add("inner finished");
                return "inner";
            });
            Task<String> outer = createTask(() -> shield(inner).await());
            sleep(1);
            outer.cancel();
            assertThrows(CancelledError.class, outer::await);
            assertFalse(inner.cancelled());
            assertEquals("inner", inner.await());
        });
        assertEquals(List.of("inner finished"), events);
    }

    @Test
    void shieldPassesResultAndException() throws Exception {
        TestLoops.runVirtual(() -> {
            assertEquals("r", shield(after(1, "r")).await());
            Future<String> f = shield(() -> {
                throw new IllegalStateException("inner failed");
            });
            assertEquals("inner failed", assertThrows(IllegalStateException.class, f::await).getMessage());
            Future<String> done = getRunningLoop().createFuture();
            done.setResult("d");
            assertSame(done, shield(done));
        });
    }

    @Test
    void shieldedInnerCancelledCancelsOuter() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> inner = createTask(after(5, "x"));
            Future<String> outer = shield(inner);
            inner.cancel();
            assertThrows(CancelledError.class, outer::await);
        });
    }
}
