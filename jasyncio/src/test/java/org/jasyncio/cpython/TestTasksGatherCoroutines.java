package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Awaitable;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.Test;

/** CPython's test_tasks.py CoroutineGatherTests: {@code gather} over coroutines (with GatherTestsBase's tests). */
class TestTasksGatherCoroutines extends TasksGatherBase {

    @Override
    List<Awaitable<Object>> wrapFutures(List<Future<Object>> futures) {
        List<Awaitable<Object>> coros = new ArrayList<>();
        for (Future<Object> fut : futures) {
            coros.add((Coroutine<Object>) fut::await);
        }
        return coros;
    }

    @Override
    Future<List<Object>> gatherOf(List<Awaitable<Object>> aws, boolean returnExceptions) throws Exception {
        // gather() of coroutines needs the running loop: made inside it, as CPython does
        return oneLoop.runUntilComplete(() -> gather(aws, returnExceptions));
    }

    // CPython: test_tasks.py::CoroutineGatherTests::test_constructor_without_loop
    @Test
    void testConstructorWithoutLoop() {
        // Deviation D1: RuntimeError is IllegalStateException.
        Coroutine<String> gen1 = () -> "abc";
        Coroutine<String> gen2 = () -> "abc";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gather(gen1, gen2));
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());
    }

    // CPython: test_tasks.py::CoroutineGatherTests::test_constructor_use_running_loop
    @Test
    void testConstructorUseRunningLoop() throws Exception {
        Coroutine<String> gen1 = () -> "abc";
        Coroutine<String> gen2 = () -> "abc";
        Future<List<String>> fut = oneLoop.runUntilComplete(() -> gather(gen1, gen2));
        assertSame(oneLoop, fut.getLoop());
        oneLoop.runUntilComplete(fut);
    }

    // CPython: test_tasks.py::CoroutineGatherTests::test_duplicate_coroutines
    @Test
    void testDuplicateCoroutines() throws Exception {
        // Deviation D5: the same lambda given three times runs three times; asyncio's one
        // coroutine object runs once. The results are the same.
        Coroutine<Object> c = () -> "abc";
        Coroutine<Object> def = () -> "def";
        Future<List<Object>> fut = gatherOf(List.of(c, c, def, c), false);
        runLoop(oneLoop);
        assertEquals(List.of("abc", "abc", "def", "abc"), fut.result());
    }

    // CPython: test_tasks.py::CoroutineGatherTests::test_cancellation_broadcast
    @Test
    void testCancellationBroadcast() throws Exception {
        // cancelling outer() cancels all children
        int[] proof = {0};
        Future<Object> waiter = oneLoop.createFuture();
        Coroutine<Void> inner = () -> {
            waiter.await();
            proof[0] += 1;
            return null;
        };
        Task<Void> child1 = oneLoop.createTask(inner);
        Task<Void> child2 = oneLoop.createTask(inner);
        @SuppressWarnings("unchecked")
        Future<List<Void>>[] gatherer = new Future[1];
        Task<Void> f = oneLoop.createTask(() -> {
            gatherer[0] = gather(child1, child2);
            gatherer[0].await();
            proof[0] += 100;
            return null;
        });
        TestLoops.runOnce(oneLoop);
        assertTrue(f.cancel());
        assertThrows(CancelledError.class, () -> oneLoop.runUntilComplete(f));
        assertFalse(gatherer[0].cancel());
        assertTrue(waiter.cancelled());
        assertTrue(child1.cancelled());
        assertTrue(child2.cancelled());
        TestLoops.runOnce(oneLoop);
        assertEquals(0, proof[0]);
    }

    // CPython: test_tasks.py::CoroutineGatherTests::test_exception_marking
    @Test
    void testExceptionMarking() {
        // the first exception is marked retrieved, and the outer task fails with it
        Future<Object> a = oneLoop.createFuture();
        Future<Object> b = oneLoop.createFuture();
        Task<Void> f = oneLoop.createTask(() -> {
            gather((Coroutine<Object>) () -> {
                a.await();
                throw new IllegalStateException("should not be ignored");
            }, (Coroutine<Object>) () -> {
                b.await();
                throw new IllegalStateException("should not be ignored");
            }).await();
            return null;
        });
        TestLoops.runBriefly(oneLoop);
        a.setResult(null);
        TestLoops.runBriefly(oneLoop);
        b.setResult(null);
        TestLoops.runBriefly(oneLoop);
        assertInstanceOf(IllegalStateException.class, f.exception());
    }
}
