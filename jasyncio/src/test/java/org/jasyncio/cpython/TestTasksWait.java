package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.asCompleted;
import static org.jasyncio.Asyncio.ensureFuture;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.cpython.TestTasks.newTask;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jasyncio.Asyncio;
import org.jasyncio.Awaitable;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.KeyboardInterrupt;
import org.jasyncio.ReturnWhen;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.TimeoutError;
import org.jasyncio.WaitResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_tasks.py, BaseTaskTests from test_wait to test_coroutine_non_gen_function_return_future:
 * {@code wait}, {@code asCompleted}, {@code sleep}, and how a task waits on futures. Times are on
 * the virtual clock; where CPython's TestLoop generator checks a timer's deadline, the test checks
 * the loop time at the end instead.
 *
 * <p>asyncio's {@code as_completed} has a plain iterator (of awaitables to await later) and an
 * async iterator (of the futures themselves); jasyncio's {@code asCompleted} has one form, the
 * async one: each {@code next()} suspends until one more future is done. Tests that run both
 * variants are ported once.
 */
class TestTasksWait {

    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = TestLoops.virtualTimeLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    private Task<Void> sleepTask(double delay) {
        return newTask(loop, () -> {
            sleep(delay);
            return null;
        });
    }

    /** Lets every task left pending finish, as CPython's tests do to close their TestLoop generator. */
    private void finish(Future<?>... fs) throws Exception {
        List<Future<?>> all = List.of(fs);
        loop.runUntilComplete(() -> Asyncio.wait(all));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait
    @Test
    void testWait() throws Exception {
        Task<Void> a = sleepTask(0.1);
        Task<Void> b = sleepTask(0.15);
        Coroutine<Integer> foo = () -> {
            WaitResult<Void> r = Asyncio.wait(List.of(b, a));
            assertEquals(Set.of(a, b), r.done());
            assertEquals(Set.of(), r.pending());
            return 42;
        };
        assertEquals(42, loop.runUntilComplete(newTask(loop, foo)));
        assertEquals(0.15, loop.time(), 1e-9);

        // again: takes no time and goes through another path (everything is done already)
        assertEquals(42, loop.runUntilComplete(newTask(loop, foo)));
        assertEquals(0.15, loop.time(), 1e-9);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_duplicate_coroutines
    @Test
    void testWaitDuplicateCoroutines() throws Exception {
        Task<String> c = loop.createTask(() -> "test");
        Task<String> spam = loop.createTask(() -> "spam");
        Task<WaitResult<String>> task = newTask(loop, () -> Asyncio.wait(List.of(c, c, spam)));
        WaitResult<String> r = loop.runUntilComplete(task);
        assertTrue(r.pending().isEmpty());
        Set<String> results = new HashSet<>();
        for (Future<String> f : r.done()) {
            results.add(f.result());
        }
        assertEquals(Set.of("test", "spam"), results);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_errors
    @Test
    void testWaitErrors() {
        // Deviation D1: ValueError is IllegalArgumentException. CPython's second case, an invalid
        // return_when (-1), does not compile: ReturnWhen is an enum.
        assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> Asyncio.wait(List.<Future<Object>>of())));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_first_completed
    @Test
    void testWaitFirstCompleted() throws Exception {
        Task<Void> a = sleepTask(10.0);
        Task<Void> b = sleepTask(0.1);
        Task<WaitResult<Void>> task = newTask(loop, () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED));
        WaitResult<Void> r = loop.runUntilComplete(task);
        assertEquals(Set.of(b), r.done());
        assertEquals(Set.of(a), r.pending());
        assertFalse(a.done());
        assertTrue(b.done());
        assertNull(b.result());
        assertEquals(0.1, loop.time(), 1e-9);
        finish(a, b);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_really_done
    @Test
    void testWaitReallyDone() throws Exception {
        // some tasks of the pending list may be done without all their callbacks having run yet
        Task<Void> a = newTask(loop, () -> {
            sleep(0);
            return null;
        });
        Task<Void> b = newTask(loop, () -> {
            sleep(0);
            sleep(0);
            return null;
        });
        Task<WaitResult<Void>> task = newTask(loop, () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED));
        WaitResult<Void> r = loop.runUntilComplete(task);
        assertEquals(Set.of(a, b), r.done());
        assertTrue(a.done());
        assertNull(a.result());
        assertTrue(b.done());
        assertNull(b.result());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_first_exception
    @Test
    void testWaitFirstException() throws Exception {
        // FIRST_EXCEPTION, a task has its exception already
        Task<Void> a = sleepTask(10.0);
        Task<Void> b = newTask(loop, () -> {
            throw new ArithmeticException("err");
        });
        Task<WaitResult<Void>> task = newTask(loop, () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION));
        WaitResult<Void> r = loop.runUntilComplete(task);
        assertEquals(Set.of(b), r.done());
        assertEquals(Set.of(a), r.pending());
        assertEquals(0.0, loop.time(), 1e-9);
        finish(a, b);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_first_exception_in_wait
    @Test
    void testWaitFirstExceptionInWait() throws Exception {
        // FIRST_EXCEPTION, the exception comes while waiting
        Task<Void> a = sleepTask(10.0);
        Task<Void> b = newTask(loop, () -> {
            sleep(0.01);
            throw new ArithmeticException("err");
        });
        WaitResult<Void> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION));
        assertEquals(Set.of(b), r.done());
        assertEquals(Set.of(a), r.pending());
        assertEquals(0.01, loop.time(), 1e-9);
        finish(a, b);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_with_exception
    @Test
    void testWaitWithException() throws Exception {
        Task<Void> a = sleepTask(0.1);
        Task<Void> b = newTask(loop, () -> {
            sleep(0.15);
            throw new ArithmeticException("really");
        });
        Coroutine<Void> foo = () -> {
            WaitResult<Void> r = Asyncio.wait(List.of(b, a));
            assertEquals(2, r.done().size());
            assertEquals(Set.of(), r.pending());
            int errors = 0;
            for (Future<Void> f : r.done()) {
                if (f.exception() != null) {
                    errors++;
                }
            }
            assertEquals(1, errors);
            return null;
        };
        loop.runUntilComplete(newTask(loop, foo));
        assertEquals(0.15, loop.time(), 1e-9);
        loop.runUntilComplete(newTask(loop, foo));
        assertEquals(0.15, loop.time(), 1e-9);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_with_timeout
    @Test
    void testWaitWithTimeout() throws Exception {
        Task<Void> a = sleepTask(0.1);
        Task<Void> b = sleepTask(0.15);
        loop.runUntilComplete(newTask(loop, () -> {
            WaitResult<Void> r = Asyncio.wait(List.of(b, a), 0.11);
            assertEquals(Set.of(a), r.done());
            assertEquals(Set.of(b), r.pending());
            return null;
        }));
        assertEquals(0.11, loop.time(), 1e-9);
        finish(a, b);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_concurrent_complete
    @Test
    void testWaitConcurrentComplete() throws Exception {
        // the timeout and a task end at the same time: the task counts as done
        Task<Void> a = sleepTask(0.1);
        Task<Void> b = sleepTask(0.15);
        WaitResult<Void> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(b, a), 0.1));
        assertEquals(Set.of(a), r.done());
        assertEquals(Set.of(b), r.pending());
        assertEquals(0.1, loop.time(), 1e-9);
        finish(a, b);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed
    @Test
    void testAsCompleted() throws Exception {
        Set<String> completed = new HashSet<>();
        boolean[] timeShifted = {false};
        class Sleeper {
            Coroutine<String> of(double dt, String x) {
                return () -> {
                    sleep(dt);
                    completed.add(x);
                    if (!timeShifted[0] && completed.contains("a") && completed.contains("b")) {
                        timeShifted[0] = true;
                        TestLoops.advanceTime(loop, 0.14);
                    }
                    return x;
                };
            }
        }
        Sleeper s = new Sleeper();
        List<Coroutine<String>> fs = List.of(s.of(0.01, "b"), s.of(0.15, "c"), s.of(0.01, "a"));
        List<String> res = loop.runUntilComplete(newTask(loop, () -> {
            List<String> values = new ArrayList<>();
            for (Future<String> f : asCompleted(fs)) {
                values.add(f.await());
            }
            return values;
        }));
        assertEquals(0.15, loop.time(), 1e-9);
        assertTrue(res.subList(0, 2).contains("a"), res.toString());
        assertTrue(res.subList(0, 2).contains("b"), res.toString());
        assertEquals("c", res.get(2));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_same_tasks_in_as_out
    @Test
    void testAsCompletedSameTasksInAsOut() throws Exception {
        // Futures given to asCompleted come back as they are; coroutines come back as new tasks.
        List<Coroutine<Integer>> coros = List.of(() -> 0, () -> 1, () -> 2, () -> 3);
        Set<Future<Integer>> out = loop.runUntilComplete(() -> {
            Set<Future<Integer>> o = new HashSet<>();
            for (Future<Integer> f : asCompleted(coros)) {
                o.add(f);
            }
            return o;
        });
        assertEquals(4, out.size());
        for (Future<Integer> f : out) {
            assertFalse(coros.contains(f));
        }

        Coroutine<String> coroA = () -> "a";
        Task<String> taskB = loop.createTask(() -> "b");
        Coroutine<String> coroC = () -> "c";
        Task<String> taskD = loop.createTask(() -> "d");
        List<Awaitable<String>> in = List.of(coroA, taskB, coroC, taskD);
        Set<Object> out2 = loop.runUntilComplete(() -> {
            Set<Object> o = new HashSet<>();
            for (Future<String> f : asCompleted(in)) {
                o.add(f);
            }
            return o;
        });
        Set<Object> common = new HashSet<>(in);
        common.retainAll(out2);
        assertEquals(Set.of(taskB, taskD), common);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_with_timeout
    @Test
    void testAsCompletedWithTimeout() throws Exception {
        Task<String> a = loop.createTask(() -> sleep(0.1, "a"));
        Task<String> b = loop.createTask(() -> sleep(0.15, "b"));
        List<Object[]> res = loop.runUntilComplete(newTask(loop, () -> {
            List<Object[]> values = new ArrayList<>();
            try {
                for (Future<String> f : asCompleted(List.of(a, b), 0.12)) {
                    String v = f.await();
                    values.add(new Object[] {1, v});
                    TestLoops.advanceTime(loop, 0.02);
                }
            } catch (TimeoutError exc) {
                values.add(new Object[] {2, exc});
            }
            return values;
        }));
        assertEquals(2, res.size());
        assertArrayEquals(new Object[] {1, "a"}, res.get(0));
        assertEquals(2, res.get(1)[0]);
        assertInstanceOf(TimeoutError.class, res.get(1)[1]);
        assertEquals(0.12, loop.time(), 1e-9);
        finish(a, b);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_with_unused_timeout
    @Test
    void testAsCompletedWithUnusedTimeout() throws Exception {
        Coroutine<String> a = () -> sleep(0.01, "a");
        loop.runUntilComplete(newTask(loop, () -> {
            for (Future<String> f : asCompleted(List.of(a), 1)) {
                assertEquals("a", f.await());
            }
            return null;
        }));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_resume_iterator
    @Test
    void testAsCompletedResumeIterator() throws Exception {
        List<Coroutine<Integer>> coros = List.of(() -> 0, () -> 1, () -> 2, () -> 3);
        List<Integer> results = loop.runUntilComplete(() -> {
            int iterations = 0;
            Iterable<Future<Integer>> iterator = asCompleted(coros);
            List<Integer> collected = new ArrayList<>();
            for (Future<Integer> f : iterator) {
                collected.add(f.await());
                iterations++;
                if (iterations == 2) {
                    break;
                }
            }
            assertEquals(2, collected.size());
            // resume the same iterator
            for (Future<Integer> f : iterator) {
                collected.add(f.await());
            }
            return collected;
        });
        assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(results));
        assertEquals(4, results.size());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_concurrent
    @Test
    void testAsCompletedConcurrent() throws Exception {
        // more than one future from asCompleted can be awaited concurrently
        Coroutine<String> a = () -> sleep(0.05, "a");
        Coroutine<String> b = () -> sleep(0.05, "b");
        loop.runUntilComplete(() -> {
            List<Future<String>> futs = new ArrayList<>();
            for (Future<String> f : asCompleted(List.of(a, b))) {
                futs.add(f);
            }
            assertEquals(2, futs.size());
            List<Future<String>> ensured = new ArrayList<>();
            for (Future<String> f : futs) {
                ensured.add(ensureFuture(f));
            }
            WaitResult<String> r = Asyncio.wait(ensured);
            Set<String> results = new HashSet<>();
            for (Future<String> f : r.done()) {
                results.add(f.result());
            }
            assertEquals(Set.of("a", "b"), results);
        });
        assertEquals(0.05, loop.time(), 1e-9);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_duplicate_coroutines
    @Test
    void testAsCompletedDuplicateCoroutines() throws Exception {
        // Deviation D5: asyncio's coroutine object given twice runs once; the same lambda given
        // twice runs twice.
        Coroutine<String> c = () -> "ham";
        Coroutine<String> spam = () -> "spam";
        Task<List<String>> fut = newTask(loop, () -> {
            List<String> result = new ArrayList<>();
            for (Future<String> f : asCompleted(List.of(c, c, spam))) {
                result.add(f.await());
            }
            return result;
        });
        loop.runUntilComplete(fut);
        List<String> result = fut.result();
        assertEquals(Set.of("ham", "spam"), new HashSet<>(result));
        assertEquals(3, result.size());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_coroutine_without_loop
    @Test
    void testAsCompletedCoroutineWithoutLoop() {
        // Deviation D1: RuntimeError is IllegalStateException.
        Coroutine<Integer> a = () -> 42;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            for (Future<Integer> f : asCompleted(List.of(a))) {
                f.result();
            }
        });
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_as_completed_coroutine_use_running_loop
    @Test
    void testAsCompletedCoroutineUseRunningLoop() throws Exception {
        Coroutine<Integer> coro = () -> 42;
        loop.runUntilComplete(() -> {
            List<Future<Integer>> futs = new ArrayList<>();
            for (Future<Integer> f : asCompleted(List.of(coro))) {
                futs.add(f);
            }
            assertEquals(1, futs.size());
            assertEquals(42, futs.get(0).await());
        });
    }

    // CPython: test_tasks.py::BaseTaskTests::test_sleep
    @Test
    void testSleep() throws Exception {
        Task<String> t = newTask(loop, () -> {
            sleep(0.1 / 2);
            return sleep(0.1 / 2, "yeah");
        });
        loop.runUntilComplete(t);
        assertTrue(t.done());
        assertEquals("yeah", t.result());
        assertEquals(0.1, loop.time(), 1e-9);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_sleep_when_delay_is_nan
    @Test
    void testSleepWhenDelayIsNan() {
        // Deviation D1: ValueError is IllegalArgumentException.
        Task<Void> t = newTask(loop, () -> {
            sleep(Double.NaN);
            return null;
        });
        assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(t));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_cancel_sleeping_task
    @Test
    void testTaskCancelSleepingTask() throws Exception {
        String r = loop.runUntilComplete(() -> {
            Task<Void> sleeper = newTask(loop, () -> {
                sleep(5000);
                return null;
            });
            loop.callLater(0.1, () -> sleeper.cancel());
            try {
                sleeper.await();
            } catch (CancelledError e) {
                return "cancelled";
            }
            return "slept in";
        });
        assertEquals("cancelled", r);
        assertEquals(0.1, loop.time(), 1e-9);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_cancel_waiter_future
    @Test
    void testTaskCancelWaiterFuture() {
        // CPython also checks the private _fut_waiter before and after; the future's state shows it.
        Future<Object> fut = loop.createFuture();
        Task<Object> task = newTask(loop, fut::await);
        TestLoops.runOnce(loop);
        task.cancel();
        TestLoops.runOnce(loop);
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        assertTrue(fut.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_set_methods
    @Test
    void testTaskSetMethods() throws Exception {
        Task<String> task = newTask(loop, () -> "ko");
        // Deviation D1: RuntimeError is IllegalStateException.
        IllegalStateException e1 = assertThrows(IllegalStateException.class, () -> task.setResult("ok"));
        assertTrue(e1.getMessage().contains("not support setResult"), e1.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> task.setException(new IllegalArgumentException()));
        assertTrue(e2.getMessage().contains("not support setException"), e2.getMessage());
        assertEquals("ko", loop.runUntilComplete(task));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_step_result_future
    @Test
    void testStepResultFuture() throws Exception {
        // A task waits on the future it awaits, and its next step runs once the future is done.
        // Deviation: Future is a sealed class, so CPython's subclass that records
        // add_done_callback is left out; the wake-up is observed instead.
        Future<Object> fut = loop.createFuture();
        Object[] result = {null};
        Task<Void> t = newTask(loop, () -> {
            result[0] = fut.await();
            return null;
        });
        TestLoops.runOnce(loop);
        assertFalse(t.done());
        Object res = new Object();
        fut.setResult(res);
        TestLoops.runOnce(loop);
        assertSame(res, result[0]);
        assertTrue(t.done());
        assertNull(t.result());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_baseexception_during_cancel
    @Test
    void testBaseexceptionDuringCancel() throws Exception {
        // Deviation: Java has no SystemExit; KeyboardInterrupt, the other BaseException asyncio's
        // loop lets through, stands for it.
        KeyboardInterrupt baseExc = new KeyboardInterrupt();
        Task<Void> task = newTask(loop, () -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                throw baseExc;
            }
            return null;
        });
        TestLoops.runOnce(loop);
        task.cancel();
        assertFalse(task.done());
        assertThrows(KeyboardInterrupt.class, () -> TestLoops.runOnce(loop));
        assertTrue(task.done());
        assertFalse(task.cancelled());
        assertSame(baseExc, task.exception());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_coroutine_non_gen_function_return_future
    @Test
    void testCoroutineNonGenFunctionReturnFuture() throws Exception {
        // a coroutine that returns a future (without awaiting it) has the future as its result
        Future<String> fut = loop.createFuture();
        Task<Future<String>> t1 = newTask(loop, () -> fut);
        Task<Void> t2 = newTask(loop, () -> {
            fut.setResult("test");
            return null;
        });
        assertSame(fut, loop.runUntilComplete(t1));
        assertNull(t2.result());
    }
}
