package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.jasyncio.cpython.TestTasks.newTask;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Context;
import org.jasyncio.ContextVar;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.InvalidStateError;
import org.jasyncio.LogCapture;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.WaitResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_tasks.py, the rest of BaseTaskTests (current task, cancellation through
 * coroutines and {@code wait}, {@code shield}, logging, context variables, {@code getCoro} and
 * {@code getContext}), SetMethodsTest, BaseCurrentLoopTests, GenericTaskTests and SleepTests.
 */
class TestTasksMisc {

    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = TestLoops.virtualTimeLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    // CPython: test_tasks.py::BaseTaskTests::test_current_task
    @Test
    void testCurrentTask() throws Exception {
        assertNull(currentTask(loop));
        @SuppressWarnings("unchecked")
        Task<Void>[] task = new Task[1];
        task[0] = newTask(loop, () -> {
            assertSame(task[0], currentTask());
            return null;
        });
        loop.runUntilComplete(task[0]);
        assertNull(currentTask(loop));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_current_task_with_interleaving_tasks
    @Test
    void testCurrentTaskWithInterleavingTasks() throws Exception {
        assertNull(currentTask(loop));
        Future<Boolean> fut1 = loop.createFuture();
        Future<Boolean> fut2 = loop.createFuture();
        @SuppressWarnings("unchecked")
        Task<Void>[] t = new Task[2];
        t[0] = newTask(loop, () -> {
            assertSame(t[0], currentTask());
            fut1.await();
            assertSame(t[0], currentTask());
            fut2.setResult(true);
            return null;
        });
        t[1] = newTask(loop, () -> {
            assertSame(t[1], currentTask());
            fut1.setResult(true);
            fut2.await();
            assertSame(t[1], currentTask());
            return null;
        });
        WaitResult<Void> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(t[0], t[1])));
        for (Future<Void> f : r.done()) {
            f.result(); // the assertions inside the tasks
        }
        assertNull(currentTask(loop));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_yield_future_passes_cancel
    @Test
    void testYieldFuturePassesCancel() throws Exception {
        // cancelling outer() cancels inner() cancels waiter
        int[] proof = {0};
        Future<Object> waiter = loop.createFuture();
        Coroutine<Void> inner = () -> {
            try {
                waiter.await();
            } catch (CancelledError e) {
                proof[0] += 1;
                throw e;
            }
            fail("got past the await in inner()");
            return null;
        };
        Task<Void> f = loop.createTask(() -> {
            try {
                inner.call();
                proof[0] += 10;
            } catch (CancelledError e) {
                proof[0] += 100; // expected path
            }
            return null;
        });
        TestLoops.runOnce(loop);
        f.cancel();
        loop.runUntilComplete(f);
        assertEquals(101, proof[0]);
        assertTrue(waiter.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_yield_wait_does_not_shield_cancel
    @Test
    void testYieldWaitDoesNotShieldCancel() throws Exception {
        // cancelling outer() makes wait() return early and leaves inner() running
        // (CPython's DeprecationWarning for passing a coroutine to wait() has no equivalent.)
        int[] proof = {0};
        Future<Object> waiter = loop.createFuture();
        Task<Void> f = loop.createTask(() -> {
            Asyncio.wait(List.of(createTask(() -> {
                waiter.await();
                proof[0] += 1;
                return null;
            })));
            proof[0] += 100;
            return null;
        });
        TestLoops.runOnce(loop);
        f.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        waiter.setResult(null);
        TestLoops.runOnce(loop);
        assertEquals(1, proof[0]);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_result
    @Test
    void testShieldResult() throws Exception {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        inner.setResult(42);
        assertEquals(42, loop.runUntilComplete(outer));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_exception
    @Test
    void testShieldException() {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        TestLoops.runOnce(loop);
        IllegalStateException exc = new IllegalStateException("expected");
        inner.setException(exc);
        TestLoops.runOnce(loop);
        assertSame(exc, outer.exception());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_cancel_inner
    @Test
    void testShieldCancelInner() {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        TestLoops.runOnce(loop);
        inner.cancel();
        TestLoops.runOnce(loop);
        assertTrue(outer.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_cancel_outer
    @Test
    void testShieldCancelOuter() {
        // CPython also checks that the outer future's callback list is empty afterwards, a
        // private field; the inner future being left alone is the observable part.
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = shield(inner);
        TestLoops.runOnce(loop);
        outer.cancel();
        TestLoops.runOnce(loop);
        assertTrue(outer.cancelled());
        assertFalse(inner.done());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_shortcut
    @Test
    void testShieldShortcut() throws Exception {
        Future<Integer> fut = loop.createFuture();
        fut.setResult(42);
        assertEquals(42, loop.runUntilComplete(shield(fut)));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_effect
    @Test
    void testShieldEffect() throws Exception {
        // cancelling outer() does not affect inner()
        int[] proof = {0};
        Future<Object> waiter = loop.createFuture();
        Task<Void> f = loop.createTask(() -> {
            shield(() -> {
                waiter.await();
                proof[0] += 1;
                return null;
            }).await();
            proof[0] += 100;
            return null;
        });
        TestLoops.runOnce(loop);
        f.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        waiter.setResult(null);
        TestLoops.runOnce(loop);
        assertEquals(1, proof[0]);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_gather
    @Test
    void testShieldGather() throws Exception {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<List<Integer>> parent = gather(child1, child2);
        Future<List<Integer>> outer = shield(parent);
        TestLoops.runOnce(loop);
        outer.cancel();
        TestLoops.runOnce(loop);
        assertTrue(outer.cancelled());
        child1.setResult(1);
        child2.setResult(2);
        TestLoops.runOnce(loop);
        assertEquals(List.of(1, 2), parent.result());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_gather_shield
    @Test
    void testGatherShield() {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<Integer> inner1 = shield(child1);
        Future<Integer> inner2 = shield(child2);
        Future<List<Integer>> parent = gather(inner1, inner2);
        TestLoops.runOnce(loop);
        parent.cancel();
        // this cancels inner1 and inner2 but not child1 and child2
        TestLoops.runOnce(loop);
        assertInstanceOf(CancelledError.class, parent.exception());
        assertTrue(inner1.cancelled());
        assertTrue(inner2.cancelled());
        child1.setResult(1);
        child2.setResult(2);
        TestLoops.runOnce(loop);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_coroutine_without_loop
    @Test
    void testShieldCoroutineWithoutLoop() {
        // Deviation D1: RuntimeError is IllegalStateException.
        Coroutine<Integer> inner = () -> 42;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shield(inner));
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_shield_coroutine_use_running_loop
    @Test
    void testShieldCoroutineUseRunningLoop() throws Exception {
        Coroutine<Integer> coro = () -> 42;
        Future<Integer> outer = loop.runUntilComplete(() -> shield(coro));
        assertSame(loop, outer.getLoop());
        assertEquals(42, loop.runUntilComplete(outer));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_wait_invalid_args
    @Test
    void testWaitInvalidArgs() {
        // Deviation D1: passing a single future or coroutine instead of a collection does not
        // compile (TypeError); the ValueError for an empty collection is IllegalArgumentException.
        assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> Asyncio.wait(List.<Future<Object>>of())));
    }

    /** Starts kill_me(): a task whose only reference is the future it waits on. */
    private static void startKillMe(EventLoop loop) {
        Task<Void> task = loop.createTask(() -> {
            Future<Object> future = loop.createFuture();
            future.await();
            throw new IllegalStateException("code never reached");
        });
        assertEquals(Set.of(task), allTasks(loop));
        // run the task until it waits for its future
        TestLoops.runOnce(loop);
        assertFalse(task.done());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_log_destroyed_pending_task
    @Test
    void testLogDestroyedPendingTask() {
        // Deviation: CPython's reference counting frees the task at once; the JVM's collector runs
        // when System.gc() gets to it, so the test collects and runs the loop until the report
        // comes (a bounded number of times). The private source traceback is only checked to be
        // there: the task object is gone.
        TestLoops.Collector handler = new TestLoops.Collector();
        loop.setDebug(true);
        loop.setExceptionHandler(handler);
        startKillMe(loop);
        for (int i = 0; i < 200 && handler.contexts().isEmpty(); i++) {
            System.gc();
            TestLoops.runOnce(loop);
        }
        assertEquals(Set.of(), allTasks(loop));
        List<ExceptionContext> calls = handler.contexts();
        assertEquals(1, calls.size(), calls.toString());
        assertEquals("Task was destroyed but it is pending!", calls.get(0).message());
        assertNotNull(calls.get(0).get("task"));
        assertNotNull(calls.get(0).sourceTraceback());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_tb_logger_not_called_after_cancel
    @Test
    void testTbLoggerNotCalledAfterCancel() throws Exception {
        // cancel() on a task that already failed marks its exception retrieved: no "exception was
        // never retrieved" report when the task is collected
        TestLoops.Collector handler = new TestLoops.Collector();
        loop.setExceptionHandler(handler);
        try (LogCapture log = new LogCapture()) {
            loop.runUntilComplete(() -> {
                Task<Void> task = newTask(loop, () -> {
                    throw new IllegalArgumentException();
                });
                sleep(0.05);
                task.cancel();
            });
            for (int i = 0; i < 3; i++) {
                System.gc();
                TestLoops.runOnce(loop);
            }
            assertEquals(List.of(), handler.messages());
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_source_traceback
    @Test
    void testTaskSourceTraceback() throws Exception {
        // Deviation: the private _source_traceback is shown by toString() as "created at <frame>",
        // its innermost user frame (asyncio's [-1]): here the new_task() helper, whose caller is
        // this test (asyncio's [-2]).
        loop.setDebug(true);
        Task<Object> task = newTask(loop, () -> null);
        assertTrue(task.toString().contains("created at " + TestTasks.class.getName() + ".newTask(TestTasks.java:"),
                task.toString());
        loop.runUntilComplete(task);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_exception_traceback
    @Test
    void testExceptionTraceback() throws Exception {
        // bpo-28843: the exception of a failed task keeps its traceback
        loop.runUntilComplete(() -> {
            Task<Integer> task = newTask(loop, () -> 1 / zero());
            sleep(0); // skip one loop iteration
            Throwable e = task.exception();
            assertInstanceOf(ArithmeticException.class, e);
            assertTrue(e.getStackTrace().length > 0);
        });
    }

    private static int zero() {
        return 0;
    }

    // CPython: test_tasks.py::BaseTaskTests::test_create_task_with_async_function
    @Test
    void testCreateTaskWithAsyncFunction() throws Exception {
        Coroutine<Object> coro = () -> null;
        Object task = newTask(loop, coro);
        assertInstanceOf(Task.class, task);
        loop.runUntilComplete((Task<?>) task);
        // a second time (CPython checks that iscoroutine()'s cache breaks nothing)
        task = newTask(loop, coro);
        assertInstanceOf(Task.class, task);
        loop.runUntilComplete((Task<?>) task);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_bare_create_task
    @Test
    void testBareCreateTask() throws Exception {
        loop.runUntilComplete(() -> {
            Object task = createTask(() -> 1);
            assertInstanceOf(Task.class, task);
            @SuppressWarnings("unchecked")
            int ret = ((Task<Integer>) task).await();
            assertEquals(1, ret);
        });
    }

    // CPython: test_tasks.py::BaseTaskTests::test_bare_create_named_task
    @Test
    void testBareCreateNamedTask() throws Exception {
        loop.runUntilComplete(() -> {
            Task<Object> task = createTask(() -> null, "No-op");
            assertEquals("No-op", task.getName());
            task.await();
        });
    }

    // CPython: test_tasks.py::BaseTaskTests::test_context_1
    @Test
    void testContext1() throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Task<Void> task = newTask(loop, () -> {
            assertEquals("nope", cvar.get());
            Task<Void> subtask = newTask(loop, () -> {
                sleep(0.01);
                assertEquals("nope", cvar.get());
                cvar.set("something else");
                return null;
            });
            cvar.set("yes");
            assertEquals("yes", cvar.get());
            subtask.await();
            assertEquals("yes", cvar.get());
            return null;
        });
        loop.runUntilComplete(task);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_context_2
    @Test
    void testContext2() throws Exception {
        ContextVar<String> cvar = new ContextVar<>("cvar", "nope");
        Task<Void> task = newTask(loop, () -> {
            assertEquals("nope", cvar.get());
            for (int j = 0; j < 2; j++) {
                Future<Object> fut = loop.createFuture();
                // this change must not pollute the context of the main task
                fut.addDoneCallback(f -> cvar.set("something else"));
                cvar.set("yes" + j);
                loop.callSoon(() -> fut.setResult(null));
                fut.await();
                assertEquals("yes" + j, cvar.get());
                for (int i = 0; i < 3; i++) {
                    // the task passed its context to addDoneCallback
                    cvar.set("yes" + i + "-" + j);
                    sleep(0.001);
                    assertEquals("yes" + i + "-" + j, cvar.get());
                }
            }
            return null;
        });
        loop.runUntilComplete(task);
        assertEquals("nope", cvar.get());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_context_3
    @Test
    void testContext3() throws Exception {
        // 100 tasks in parallel, each changing cvar (a seeded Random: the same interleaving each run)
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        Random random = new Random(3);
        loop.runUntilComplete(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int num = random.nextInt(11);
                tasks.add(loop.createTask(() -> {
                    for (int k = 0; k < 10; k++) {
                        cvar.set(num + k);
                        sleep(0.001 + random.nextDouble() * 0.049);
                        assertEquals(num + k, cvar.get());
                    }
                    return null;
                }));
            }
            gather(tasks).await();
        });
        assertEquals(-1, cvar.get());
    }

    /** Python's {@code ctx.get(var)}: the value, or null (jasyncio's Context.get is {@code ctx[var]}). */
    private static <T> T valueIn(Context ctx, ContextVar<T> var) {
        return ctx.containsKey(var) ? ctx.get(var) : null;
    }

    /** test_context_4 to 6: a task made three ways runs in the given context. */
    private List<Integer> contextTaskRuns(int how) throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        Coroutine<List<Integer>> main = () -> {
            List<Integer> ret = new ArrayList<>();
            Context ctx = Context.copyContext();
            ret.add(valueIn(ctx, cvar));
            for (int val = 1; val <= 2; val++) {
                int v = val;
                Coroutine<Void> coro = () -> {
                    sleep(0);
                    cvar.set(v);
                    return null;
                };
                Task<Void> t = switch (how) {
                    case 4 -> loop.createTask(coro, "TestTask", ctx);
                    case 5 -> createTask(coro, null, ctx);
                    default -> getRunningLoop().createTask(coro, null, ctx);
                };
                t.await();
                ret.add(valueIn(ctx, cvar));
            }
            return ret;
        };
        Task<List<Integer>> task = how == 6 ? loop.createTask(main) : newTask(loop, main);
        return loop.runUntilComplete(task);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_context_4
    @Test
    void testContext4() throws Exception {
        assertEquals(Arrays.asList(null, 1, 2), contextTaskRuns(4));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_context_5
    @Test
    void testContext5() throws Exception {
        assertEquals(Arrays.asList(null, 1, 2), contextTaskRuns(5));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_context_6
    @Test
    void testContext6() throws Exception {
        assertEquals(Arrays.asList(null, 1, 2), contextTaskRuns(6));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_get_coro
    @Test
    void testGetCoro() throws Exception {
        Coroutine<Object> coro = () -> null;
        Task<Object> task = newTask(loop, coro);
        loop.runUntilComplete(task);
        assertSame(coro, task.getCoro());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_get_context
    @Test
    void testGetContext() throws Exception {
        Coroutine<Object> coro = () -> null;
        Context context = Context.copyContext();
        Task<Object> task = loop.createTask(coro, "TestTask", context);
        loop.runUntilComplete(task);
        assertSame(context, task.getContext());
    }

    // CPython: test_tasks.py::BaseCurrentLoopTests::test_current_task_no_running_loop
    @Test
    void testCurrentTaskNoRunningLoop() {
        assertNull(currentTask(loop));
    }

    // CPython: test_tasks.py::BaseCurrentLoopTests::test_current_task_no_running_loop_implicit
    @Test
    void testCurrentTaskNoRunningLoopImplicit() {
        // Deviation D1: RuntimeError is IllegalStateException.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> currentTask());
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
    }

    // CPython: test_tasks.py::BaseCurrentLoopTests::test_current_task_with_implicit_loop
    @Test
    void testCurrentTaskWithImplicitLoop() throws Exception {
        @SuppressWarnings("unchecked")
        Task<Void>[] task = new Task[1];
        task[0] = loop.createTask(() -> {
            assertSame(task[0], currentTask());
            return null;
        });
        loop.runUntilComplete(task[0]);
        assertThrows(IllegalStateException.class, () -> currentTask()); // no running event loop
    }

    // CPython: test_tasks.py::GenericTaskTests::test_future_subclass
    @Test
    void testFutureSubclass() {
        assertTrue(Future.class.isAssignableFrom(Task.class));
    }

    // CPython: test_tasks.py::SleepTests::test_sleep_zero
    @Test
    void testSleepZero() throws Exception {
        int[] result = {0};
        loop.runUntilComplete(() -> {
            loop.callSoon(() -> result[0] += 1);
            assertEquals(0, result[0]);
            int num = sleep(0, 10);
            assertEquals(1, result[0]); // incremented by the callSoon callback
            result[0] += num;           // now 11
        });
        assertEquals(11, result[0]);
    }
}
