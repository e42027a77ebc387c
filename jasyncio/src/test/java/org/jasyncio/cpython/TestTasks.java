package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jasyncio.Asyncio;
import org.jasyncio.Awaitable;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.TimeoutError;
import org.jasyncio.TimerHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CPython's test_tasks.py, BaseTaskTests up to test_log_traceback: task basics, ensureFuture,
 * names and repr, and cancellation (messages, cancelling/uncancel, inner futures, tracebacks).
 * The wait/asCompleted/sleep tests are in {@link TestTasksWait}, the rest of BaseTaskTests in
 * {@link TestTasksMisc}, gather in {@link TestTasksGatherFutures}, {@link TestTasksGatherCoroutines}
 * and {@link TestTasksGather} (with run_coroutine_threadsafe).
 *
 * <p>CPython's {@code self.loop} is a TestLoop with a virtual clock; each test here gets a
 * virtual-time loop too ({@link TestLoops#virtualTimeLoop()}), also where CPython makes a real
 * {@code asyncio.new_event_loop()}: no test depends on real time.
 */
class TestTasks {

    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = TestLoops.virtualTimeLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** CPython's {@code new_task(loop, coro)}: a task named 'TestTask'. */
    static <T> Task<T> newTask(EventLoop loop, Coroutine<T> coro) {
        return loop.createTask(coro, "TestTask", null);
    }

    /** The deepest cause of {@code e}: CPython's get_innermost_context, following getCause() instead of __context__. */
    static Throwable innermost(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** What traceback.format_exc() shows: the stack trace with its causes. */
    static String stackTraceOf(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_cancel_message_getter
    @Test
    void testTaskCancelMessageGetter() {
        // CPython also reads the private _cancel_message; the message is observed where it
        // surfaces: in the CancelledError.
        Task<Void> t = newTask(loop, () -> null);
        t.cancel("my message");
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals("my message", e.getMessage());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_other_loop_future
    @Test
    void testOtherLoopFuture() {
        EventLoop other = TestLoops.virtualTimeLoop();
        try {
            Future<Object> fut = other.createFuture();
            // Deviation D1: RuntimeError is IllegalStateException.
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.runUntilComplete(() -> fut.await()));
            assertTrue(Pattern.compile("Task .* got Future .* attached").matcher(e.getMessage()).find(), e.getMessage());
        } finally {
            other.close();
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_awaits_on_itself
    @Test
    void testTaskAwaitsOnItself() {
        @SuppressWarnings("unchecked")
        Task<Object>[] task = new Task[1];
        task[0] = loop.createTask(() -> task[0].await());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(task[0]));
        assertTrue(e.getMessage().contains("Task cannot await on itself"), e.getMessage());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_class
    @Test
    void testTaskClass() throws Exception {
        Task<String> t = newTask(loop, () -> "ok");
        loop.runUntilComplete(t);
        assertTrue(t.done());
        assertEquals("ok", t.result());
        assertSame(loop, t.getLoop());

        EventLoop loop2 = TestLoops.virtualTimeLoop();
        try {
            Task<String> t2 = newTask(loop2, () -> "ok");
            assertSame(loop2, t2.getLoop());
            loop2.runUntilComplete(t2);
        } finally {
            loop2.close();
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_ensure_future_coroutine
    @Test
    void testEnsureFutureCoroutine() throws Exception {
        // Deviation: ensureFuture has no loop= argument and jasyncio has no set_event_loop(); a
        // coroutine is wrapped in a task of the running loop, and outside a loop it is refused
        // (Deviation D1: the RuntimeError 'no current event loop' is an IllegalStateException).
        Coroutine<String> notmuch = () -> "ok";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ensureFuture(notmuch));
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());

        Future<String> t = loop.runUntilComplete(() -> ensureFuture(notmuch));
        assertSame(loop, t.getLoop());
        loop.runUntilComplete(t);
        assertTrue(t.done());
        assertEquals("ok", t.result());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_ensure_future_future
    @Test
    void testEnsureFutureFuture() throws Exception {
        Future<String> fOrig = loop.createFuture();
        fOrig.setResult("ko");
        Future<String> f = ensureFuture(fOrig);
        loop.runUntilComplete(f);
        assertTrue(f.done());
        assertEquals("ko", f.result());
        assertSame(fOrig, f);
        // Deviation: the ValueError for a future of another loop needs ensure_future's loop=
        // argument, which jasyncio's ensureFuture does not have.
    }

    // CPython: test_tasks.py::BaseTaskTests::test_ensure_future_task
    @Test
    void testEnsureFutureTask() throws Exception {
        Task<String> tOrig = newTask(loop, () -> "ok");
        Future<String> t = ensureFuture(tOrig);
        loop.runUntilComplete(t);
        assertTrue(t.done());
        assertEquals("ok", t.result());
        assertSame(tOrig, t);
        // Deviation: no loop= argument, so no ValueError case (see testEnsureFutureFuture).
    }

    // CPython: test_tasks.py::BaseTaskTests::test_ensure_future_awaitable
    @Test
    void testEnsureFutureAwaitable() throws Exception {
        // An object with __await__ is any Awaitable here: ensureFuture wraps it in a task.
        Awaitable<String> aw = () -> "ok";
        Future<String> fut = loop.runUntilComplete(() -> ensureFuture(aw));
        loop.runUntilComplete(fut);
        assertEquals("ok", fut.result());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_ensure_future_task_awaitable
    @Test
    void testEnsureFutureTaskAwaitable() throws Exception {
        Awaitable<String> aw = () -> sleep(0, "ok");
        Future<String> fut = loop.runUntilComplete(() -> ensureFuture(aw));
        loop.runUntilComplete(fut);
        assertTrue(fut.done());
        assertEquals("ok", fut.result());
        Task<String> task = assertInstanceOf(Task.class, fut);
        assertNotNull(task.getCoro());
    }

    private static Task<Void> stackTask;

    private static void getStackFoo() throws Exception {
        getStackBar();
    }

    private static void getStackBar() {
        StackTraceElement[] f = stackTask.getStack();
        List<String> names = new ArrayList<>();
        for (StackTraceElement e : f) {
            names.add(e.getMethodName());
        }
        int bar = names.indexOf("getStackBar");
        int foo = names.indexOf("getStackFoo");
        assertTrue(bar >= 0 && foo > bar, names.toString());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_get_stack
    @Test
    void testGetStack() throws Exception {
        // Deviation: getStack() has no limit and lists the innermost frame first (a Java stack
        // trace), where get_stack(limit=1) returns the outermost coroutine frame; there is no
        // print_stack(). The test checks both coroutines are on the stack, bar inside foo.
        loop.runUntilComplete(() -> {
            stackTask = loop.createTask(TestTasks::getStackFoo);
            stackTask.await();
        });
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_repr
    @Test
    void testTaskRepr() throws Exception {
        // Only the task's part of the repr is compared: coroutine reprs cannot be ported.
        loop.setDebug(false);
        Task<String> t = newTask(loop, () -> "abc");
        t.addDoneCallback(f -> { });
        assertTrue(t.toString().startsWith("<Task pending name='TestTask' "), t.toString());
        assertTrue(t.toString().contains(" cb=["), t.toString());

        t.cancel(); // does not take immediate effect
        assertTrue(t.toString().startsWith("<Task cancelling name='TestTask' "), t.toString());
        assertTrue(t.toString().contains(" cb=["), t.toString());

        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.toString().startsWith("<Task cancelled name='TestTask' "), t.toString());

        Task<String> t2 = newTask(loop, () -> "abc");
        loop.runUntilComplete(t2);
        assertTrue(t2.toString().startsWith("<Task finished name='TestTask' "), t2.toString());
        assertTrue(t2.toString().endsWith(" result='abc'>"), t2.toString());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_repr_autogenerated
    @Test
    void testTaskReprAutogenerated() throws Exception {
        Task<Integer> t1 = loop.createTask(() -> 123);
        Task<Integer> t2 = loop.createTask(() -> 123);
        assertNotEquals(t1.toString(), t2.toString());

        Matcher m1 = Pattern.compile("^<Task pending name='Task-(\\d+)'").matcher(t1.toString());
        assertTrue(m1.find(), t1.toString());
        Matcher m2 = Pattern.compile("^<Task pending name='Task-(\\d+)'").matcher(t2.toString());
        assertTrue(m2.find(), t2.toString());
        // autogenerated names have monotonically increasing numbers
        assertTrue(Integer.parseInt(m1.group(1)) < Integer.parseInt(m2.group(1)));
        loop.runUntilComplete(t1);
        loop.runUntilComplete(t2);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_repr_wait_for
    @Test
    void testTaskReprWaitFor() throws Exception {
        loop.setDebug(false);
        Future<Object> fut = loop.createFuture();
        Task<Object> task = newTask(loop, fut::await);
        TestLoops.runOnce(loop);
        assertTrue(Pattern.compile("<Task .* wait_for=" + Pattern.quote(fut.toString()) + ">")
                .matcher(task.toString()).find(), task + " / " + fut);
        fut.setResult(null);
        loop.runUntilComplete(task);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_task_basics
    @Test
    void testTaskBasics() throws Exception {
        Coroutine<Integer> inner1 = () -> 42;
        Coroutine<Integer> inner2 = () -> 1000;
        int r = loop.runUntilComplete(() -> {
            int a = inner1.call();
            int b = inner2.call();
            return a + b;
        });
        assertEquals(1042, r);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancelling
    @Test
    void testCancelling() {
        Task<Void> t = newTask(loop, () -> {
            sleep(10);
            return null;
        });
        assertEquals(0, t.cancelling());
        assertFalse(t.toString().contains(" cancelling "));
        assertTrue(t.cancel());
        assertTrue(t.cancelling() > 0);
        assertTrue(t.toString().contains(" cancelling "), t.toString());
        // a second cancel() of a task not yet done also returns true
        assertTrue(t.cancel());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
    }

    // CPython: test_tasks.py::BaseTaskTests::test_uncancel_basic
    @Test
    void testUncancelBasic() throws Exception {
        Task<Void> t = newTask(loop, () -> {
            try {
                sleep(10);
            } catch (CancelledError e) {
                currentTask().uncancel();
                sleep(10);
            }
            return null;
        });
        loop.runUntilComplete(() -> sleep(0.01));

        // cancel the first sleep
        assertTrue(t.cancel());
        assertTrue(t.toString().contains(" cancelling "), t.toString());
        assertEquals(1, t.cancelling());
        assertFalse(t.cancelled()); // still not complete
        loop.runUntilComplete(() -> sleep(0.01));

        // after uncancel()
        assertFalse(t.toString().contains(" cancelling "), t.toString());
        assertEquals(0, t.cancelling());
        assertFalse(t.cancelled());

        // cancel the second sleep
        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertFalse(t.cancelled());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.cancelled());
        assertTrue(t.done());

        // uncancel() does nothing to a done task
        t.uncancel();
        assertTrue(t.cancelled());
        assertTrue(t.done());
    }

    /** The body of test_uncancel_structured_blocks: a hand-made timeout built on cancel/uncancel. */
    private static boolean[] makeRequestWithTimeout(double sleepFor, double timeout) {
        Task<?> task = currentTask();
        EventLoop l = task.getLoop();
        boolean[] timedOut = {false};
        boolean structuredBlockFinished = false;
        TimerHandle timeoutHandle = l.callLater(timeout, () -> {
            timedOut[0] = true;
            task.cancel();
        });
        try {
            try {
                // the structured block affected by the timeout
                sleep(sleepFor);
                structuredBlockFinished = true;
            } catch (CancelledError e) {
                // Java has no sys.exception() in a finally block: the CancelledError case is
                // handled here, in the order CPython's finally block checks it.
                timeoutHandle.cancel();
                if (timedOut[0] && task.uncancel() == 0 && e.getClass() == CancelledError.class) {
                    throw new TimeoutError();
                }
                throw e;
            } finally {
                timeoutHandle.cancel();
            }
        } catch (TimeoutError e) {
            assertTrue(timedOut[0]);
        }
        // outer code, not affected by the timeout
        boolean outerCodeReached = true;
        sleep(0);
        return new boolean[] {timedOut[0], structuredBlockFinished, outerCodeReached};
    }

    // CPython: test_tasks.py::BaseTaskTests::test_uncancel_structured_blocks
    @Test
    void testUncancelStructuredBlocks() throws Exception {
        Task<boolean[]> t1 = newTask(loop, () -> makeRequestWithTimeout(10.0, 0.1));
        boolean[] r1 = loop.runUntilComplete(t1);
        assertTrue(r1[0]);  // timed out
        assertFalse(r1[1]); // the structured block was cancelled
        assertTrue(r1[2]);  // uncancelled after the block, so it ran to completion
        assertEquals(0, t1.cancelling());

        Task<boolean[]> t2 = newTask(loop, () -> makeRequestWithTimeout(0, 10.0));
        boolean[] r2 = loop.runUntilComplete(t2);
        assertFalse(r2[0]);
        assertTrue(r2[1]);
        assertTrue(r2[2]);
        assertEquals(0, t2.cancelling());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_uncancel_resets_must_cancel
    @Test
    void testUncancelResetsMustCancel() throws Exception {
        Future<Object> fut = loop.createFuture();
        Task<Integer> task = newTask(loop, () -> {
            fut.await();
            return 42;
        });
        loop.runUntilComplete(() -> sleep(0)); // the task now waits for fut
        fut.setResult(null);                      // the task is runnable
        try {
            task.cancel();
            assertEquals(1, task.cancelling());
            // (CPython also checks the private _must_cancel flag; uncancel() clearing it is
            // observed below: the task returns 42 instead of being cancelled.)
            task.uncancel();
            assertEquals(0, task.cancelling());
        } finally {
            assertEquals(42, loop.runUntilComplete(task));
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel
    @Test
    void testCancel() {
        Task<Integer> t = newTask(loop, () -> {
            sleep(10.0);
            return 12;
        });
        loop.callSoon(() -> t.cancel());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(t.cancelled());
        assertFalse(t.cancel());
        // CPython's test loop checks the 10 s timer was scheduled and never reached
        assertEquals(0.0, loop.time(), 1e-9);
    }

    /** The cancel(...) argument lists of the message tests; asyncio's (5,) case cannot be written in Java. */
    private static final List<String[]> CANCEL_ARGS = Arrays.asList(new String[0], new String[] {null},
            new String[] {"my message"});

    private static void cancelWith(Task<?> task, String[] args) {
        if (args.length == 0) {
            task.cancel();
        } else {
            task.cancel(args[0]);
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_with_message_then_future_result
    @Test
    void testCancelWithMessageThenFutureResult() {
        // Deviation: a cancel message is a String, so asyncio's non-string case (5,) is left out.
        // Deviation: asyncio re-raises the one CancelledError (innermost context at depth 0);
        // jasyncio raises a fresh CancelledError at each await, chained through getCause() to the
        // one that interrupted the sleep, so the message is checked on the innermost cause.
        for (String[] args : CANCEL_ARGS) {
            EventLoop l = TestLoops.virtualTimeLoop();
            try {
                Task<Void> task = newTask(l, () -> {
                    Task<Void> inner = newTask(l, () -> {
                        sleep(10);
                        return null;
                    });
                    sleep(0);
                    cancelWith(inner, args);
                    Asyncio.wait(List.of(inner));
                    inner.result();
                    return null;
                });
                CancelledError exc = assertThrows(CancelledError.class, () -> l.runUntilComplete(task));
                String expected = args.length == 0 ? null : args[0];
                assertEquals(expected, exc.getMessage());
                Throwable actual = innermost(exc);
                assertInstanceOf(CancelledError.class, actual);
                assertEquals(expected, actual.getMessage());
            } finally {
                l.close();
            }
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_with_message_then_future_exception
    @Test
    void testCancelWithMessageThenFutureException() {
        // Deviation: no non-string message; the chain is checked on its innermost cause (see
        // testCancelWithMessageThenFutureResult).
        for (String[] args : CANCEL_ARGS) {
            EventLoop l = TestLoops.virtualTimeLoop();
            try {
                Task<Void> task = newTask(l, () -> {
                    Task<Void> inner = newTask(l, () -> {
                        sleep(10);
                        return null;
                    });
                    sleep(0);
                    cancelWith(inner, args);
                    Asyncio.wait(List.of(inner));
                    inner.exception();
                    return null;
                });
                CancelledError exc = assertThrows(CancelledError.class, () -> l.runUntilComplete(task));
                String expected = args.length == 0 ? null : args[0];
                assertEquals(expected, exc.getMessage());
                Throwable actual = innermost(exc);
                assertInstanceOf(CancelledError.class, actual);
                assertEquals(expected, actual.getMessage());
            } finally {
                l.close();
            }
        }
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancellation_exception_context
    @Test
    void testCancellationExceptionContext() {
        // Deviation D1: ValueError is IllegalArgumentException; `raise ... from ex` is the
        // cause, and the CancelledError('msg') is the innermost cause of the chain (at depth 1 in
        // asyncio, deeper here: see testCancelWithMessageThenFutureResult).
        Future<Object> fut = loop.createFuture();
        Task<Void> task = newTask(loop, () -> {
            Task<Void> innerTask = newTask(loop, () -> {
                fut.setResult(null);
                sleep(10);
                return null;
            });
            fut.await();
            loop.callSoon(() -> innerTask.cancel("msg"));
            try {
                innerTask.await();
            } catch (CancelledError ex) {
                throw new IllegalArgumentException("cancelled", ex);
            }
            return null;
        });
        IllegalArgumentException exc = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(task));
        assertEquals("cancelled", exc.getMessage());
        Throwable actual = innermost(exc);
        assertInstanceOf(CancelledError.class, actual);
        assertEquals("msg", actual.getMessage());
        assertNotSame(exc, actual);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_with_message_before_starting_task
    @Test
    void testCancelWithMessageBeforeStartingTask() {
        Task<Void> task = newTask(loop, () -> {
            Task<Void> inner = newTask(loop, () -> {
                sleep(10);
                return null;
            });
            // deliberately no sleep here: the task is cancelled before it starts
            inner.cancel("my message");
            Asyncio.wait(List.of(inner));
            inner.exception();
            return null;
        });
        CancelledError exc = assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        assertEquals("my message", exc.getMessage());
        // Deviation: checked on the innermost cause (see testCancelWithMessageThenFutureResult).
        Throwable actual = innermost(exc);
        assertInstanceOf(CancelledError.class, actual);
        assertEquals("my message", actual.getMessage());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_yield
    @Test
    void testCancelYield() {
        Task<Integer> t = newTask(loop, () -> {
            sleep(0);
            sleep(0);
            return 12;
        });
        TestLoops.runOnce(loop); // start the coroutine
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(t.cancelled());
        assertFalse(t.cancel());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_inner_future
    @Test
    void testCancelInnerFuture() {
        Future<Object> f = loop.createFuture();
        Task<Integer> t = newTask(loop, () -> {
            f.await();
            return 12;
        });
        TestLoops.runOnce(loop); // start the task
        f.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(f.cancelled());
        assertTrue(t.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_both_task_and_inner_future
    @Test
    void testCancelBothTaskAndInnerFuture() {
        Future<Object> f = loop.createFuture();
        Task<Integer> t = newTask(loop, () -> {
            f.await();
            return 12;
        });
        TestLoops.runOnce(loop);
        f.cancel();
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(f.cancelled());
        assertTrue(t.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_task_catching
    @Test
    void testCancelTaskCatching() throws Exception {
        // CPython also checks the private _fut_waiter at each step; the futures' states show
        // which one the task waited on.
        Future<Object> fut1 = loop.createFuture();
        Future<Object> fut2 = loop.createFuture();
        Task<Integer> t = newTask(loop, () -> {
            fut1.await();
            try {
                fut2.await();
            } catch (CancelledError e) {
                return 42;
            }
            return null;
        });
        TestLoops.runOnce(loop);
        fut1.setResult(null);
        TestLoops.runOnce(loop);
        t.cancel();
        assertTrue(fut2.cancelled());
        assertEquals(42, loop.runUntilComplete(t));
        assertFalse(t.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_task_ignoring
    @Test
    void testCancelTaskIgnoring() throws Exception {
        Future<Object> fut1 = loop.createFuture();
        Future<Object> fut2 = loop.createFuture();
        Future<Integer> fut3 = loop.createFuture();
        Task<Integer> t = newTask(loop, () -> {
            fut1.await();
            try {
                fut2.await();
            } catch (CancelledError e) {
                // ignored
            }
            return fut3.await();
        });
        TestLoops.runOnce(loop);
        fut1.setResult(null);
        TestLoops.runOnce(loop);
        t.cancel();
        assertTrue(fut2.cancelled());
        TestLoops.runOnce(loop);
        fut3.setResult(42);
        assertEquals(42, loop.runUntilComplete(t));
        assertFalse(fut3.cancelled());
        assertFalse(t.cancelled());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_current_task
    @Timeout(5)
    @Test
    void testCancelCurrentTask() {
        @SuppressWarnings("unchecked")
        Task<Integer>[] t = new Task[1];
        t[0] = newTask(loop, () -> {
            t[0].cancel();
            // the sleep is cancelled at once (CPython checks the private _must_cancel here)
            sleep(100);
            return 12;
        });
        assertFalse(t[0].cancelled());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t[0]));
        assertTrue(t[0].done());
        assertTrue(t[0].cancelled());
        assertFalse(t[0].cancel());
        // the 100 s sleep never ran
        assertEquals(0.0, loop.time(), 1e-9);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_at_end
    @Test
    void testCancelAtEnd() {
        // the coroutine ends right after its task is cancelled
        @SuppressWarnings("unchecked")
        Task<Integer>[] t = new Task[1];
        t[0] = newTask(loop, () -> {
            t[0].cancel();
            return 12;
        });
        assertFalse(t[0].cancelled());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t[0]));
        assertTrue(t[0].done());
        assertTrue(t[0].cancelled());
        assertFalse(t[0].cancel());
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_awaited_task
    @Test
    void testCancelAwaitedTask() {
        // A task cancelled while it is not blocked (it cancels itself) must cancel whatever it
        // blocks on next (bpo-34872).
        Future<Object> fut = loop.createFuture();
        @SuppressWarnings("unchecked")
        Task<Object>[] nested = new Task[1];
        @SuppressWarnings("unchecked")
        Task<Object>[] task = new Task[1];
        task[0] = newTask(loop, () -> {
            nested[0] = newTask(loop, fut::await);
            sleep(0);
            task[0].cancel();
            return nested[0].await();
        });
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(task[0]));
        assertTrue(task[0].cancelled());
        assertTrue(nested[0].cancelled());
        assertTrue(fut.cancelled());
    }

    private static void cancelTracebackNested() {
        sleep(10); // cancelled at once
    }

    private static void cancelTracebackResultCoro(EventLoop loop) throws Exception {
        Task<Void> task = loop.createTask(TestTasks::cancelTracebackNested);
        sleep(0);
        task.cancel();
        task.await(); // search target
    }

    private static void cancelTracebackExceptionCoro(EventLoop loop) {
        Task<Void> task = loop.createTask(TestTasks::cancelTracebackNested);
        sleep(0);
        task.cancel();
        Asyncio.wait(List.of(task));
        task.exception(); // search target
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_traceback_for_future_result
    @Test
    void testCancelTracebackForFutureResult() {
        // Deviation: the traceback is the Java stack trace with its causes; the frames looked for
        // are the interrupted sleep's method and the await's method.
        Task<Void> task = newTask(loop, () -> {
            cancelTracebackResultCoro(loop);
            return null;
        });
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        String tb = stackTraceOf(e);
        assertTrue(tb.contains(".cancelTracebackNested("), tb);
        assertTrue(tb.contains(".cancelTracebackResultCoro("), tb);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_cancel_traceback_for_future_exception
    @Test
    void testCancelTracebackForFutureException() {
        // Deviation: a Java stack trace with causes, as in testCancelTracebackForFutureResult.
        Task<Void> task = newTask(loop, () -> {
            cancelTracebackExceptionCoro(loop);
            return null;
        });
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        String tb = stackTraceOf(e);
        assertTrue(tb.contains(".cancelTracebackNested("), tb);
        assertTrue(tb.contains(".cancelTracebackExceptionCoro("), tb);
    }

    // CPython: test_tasks.py::BaseTaskTests::test_stop_while_run_in_complete
    @Test
    void testStopWhileRunInComplete() {
        int[] x = {0};
        Task<Void> t = newTask(loop, () -> {
            while (x[0] < 10) {
                sleep(0.1);
                x[0]++;
                if (x[0] == 2) {
                    loop.stop();
                }
            }
            return null;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t));
        assertEquals("Event loop stopped before Future completed.", e.getMessage());
        assertFalse(t.done());
        assertEquals(2, x[0]);
        // Deviation: CPython's TestLoop advances its clock right after the iteration that
        // scheduled a timer (to 0.3 here); the virtual-time loop jumps only when it would wait,
        // so the clock stands where the loop stopped, at 0.2.
        assertEquals(0.2, loop.time(), 1e-9);

        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
    }
}
