package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jasyncio.Awaitable;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_tasks.py GatherTestsBase: the {@code gather} tests run both over futures
 * ({@link TestTasksGatherFutures}, CPython's FutureGatherTests) and over coroutines that await
 * them ({@link TestTasksGatherCoroutines}, CoroutineGatherTests). Not a test class itself.
 */
abstract class TasksGatherBase {

    EventLoop oneLoop;
    EventLoop otherLoop;

    @BeforeEach
    void setUp() {
        oneLoop = TestLoops.virtualTimeLoop();
        otherLoop = TestLoops.virtualTimeLoop();
    }

    @AfterEach
    void tearDown() {
        oneLoop.close();
        otherLoop.close();
    }

    /**
     * CPython's {@code _run_loop}: runs iterations while callbacks are ready. jasyncio does not
     * expose its ready queue, so it runs a fixed number of iterations, more than any test needs.
     */
    static void runLoop(EventLoop loop) {
        for (int i = 0; i < 10; i++) {
            TestLoops.runOnce(loop);
        }
    }

    /** Records each call, as CPython's test_utils.MockCallback. */
    static final class MockCallback<T> implements Consumer<Future<T>> {
        final List<Future<T>> calls = new ArrayList<>();

        @Override
        public void accept(Future<T> f) {
            calls.add(f);
        }

        void assertCalledOnceWith(Future<T> f) {
            assertEquals(1, calls.size(), calls.toString());
            assertSame(f, calls.get(0));
        }
    }

    /** Futures as given, or coroutines awaiting them. */
    abstract List<Awaitable<Object>> wrapFutures(List<Future<Object>> futures);

    /** asyncio.gather(*args, return_exceptions=...) */
    abstract Future<List<Object>> gatherOf(List<Awaitable<Object>> aws, boolean returnExceptions) throws Exception;

    List<Future<Object>> futures(int n) {
        List<Future<Object>> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(oneLoop.createFuture());
        }
        return l;
    }

    void checkSuccess(boolean returnExceptions) throws Exception {
        List<Future<Object>> fs = futures(3);
        Future<Object> a = fs.get(0), b = fs.get(1), c = fs.get(2);
        Future<List<Object>> fut = gatherOf(wrapFutures(fs), returnExceptions);
        MockCallback<List<Object>> cb = new MockCallback<>();
        fut.addDoneCallback(cb);
        b.setResult(1);
        a.setResult(2);
        runLoop(oneLoop);
        assertEquals(List.of(), cb.calls);
        assertFalse(fut.done());
        c.setResult(3);
        runLoop(oneLoop);
        cb.assertCalledOnceWith(fut);
        assertEquals(List.of(2, 1, 3), fut.result());
    }

    // CPython: test_tasks.py::GatherTestsBase::test_success
    @Test
    void testSuccess() throws Exception {
        checkSuccess(false);
    }

    // CPython: test_tasks.py::GatherTestsBase::test_result_exception_success
    @Test
    void testResultExceptionSuccess() throws Exception {
        checkSuccess(true);
    }

    // CPython: test_tasks.py::GatherTestsBase::test_one_exception
    @Test
    void testOneException() throws Exception {
        List<Future<Object>> fs = futures(5);
        Future<List<Object>> fut = gatherOf(wrapFutures(fs), false);
        MockCallback<List<Object>> cb = new MockCallback<>();
        fut.addDoneCallback(cb);
        ArithmeticException exc = new ArithmeticException();
        fs.get(0).setResult(1);
        fs.get(1).setException(exc);
        runLoop(oneLoop);
        assertTrue(fut.done());
        cb.assertCalledOnceWith(fut);
        assertSame(exc, fut.exception());
        // does nothing
        fs.get(2).setResult(3);
        fs.get(3).cancel();
        fs.get(4).setException(new IllegalStateException());
        fs.get(4).exception();
    }

    // CPython: test_tasks.py::GatherTestsBase::test_return_exceptions
    @Test
    void testReturnExceptions() throws Exception {
        List<Future<Object>> fs = futures(4);
        Future<List<Object>> fut = gatherOf(wrapFutures(fs), true);
        MockCallback<List<Object>> cb = new MockCallback<>();
        fut.addDoneCallback(cb);
        ArithmeticException exc = new ArithmeticException();
        IllegalStateException exc2 = new IllegalStateException();
        fs.get(1).setResult(1);
        fs.get(2).setException(exc);
        fs.get(0).setResult(3);
        runLoop(oneLoop);
        assertFalse(fut.done());
        fs.get(3).setException(exc2);
        runLoop(oneLoop);
        assertTrue(fut.done());
        cb.assertCalledOnceWith(fut);
        assertEquals(List.of(3, 1, exc, exc2), fut.result());
    }
}
