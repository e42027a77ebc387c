package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jasyncio.Awaitable;
import org.jasyncio.CancelledError;
import org.jasyncio.Future;
import org.junit.jupiter.api.Test;

/** CPython's test_tasks.py FutureGatherTests: {@code gather} over futures (with GatherTestsBase's tests). */
class TestTasksGatherFutures extends TasksGatherBase {

    @Override
    List<Awaitable<Object>> wrapFutures(List<Future<Object>> futures) {
        return new ArrayList<>(futures);
    }

    @Override
    Future<List<Object>> gatherOf(List<Awaitable<Object>> aws, boolean returnExceptions) {
        return gather(aws, returnExceptions);
    }

    // CPython: test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_without_loop
    @Test
    void testConstructorEmptySequenceWithoutLoop() {
        // Deviation D1: RuntimeError is IllegalStateException.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gather(List.<Future<Object>>of()));
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());
    }

    // CPython: test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_use_running_loop
    @Test
    void testConstructorEmptySequenceUseRunningLoop() throws Exception {
        Future<List<Object>> fut = oneLoop.runUntilComplete(() -> gather(List.<Future<Object>>of()));
        assertSame(oneLoop, fut.getLoop());
        runLoop(oneLoop);
        assertTrue(fut.done());
        assertEquals(List.of(), fut.result());
    }

    // CPython: test_tasks.py::FutureGatherTests::test_constructor_heterogenous_futures
    @Test
    void testConstructorHeterogenousFutures() {
        // Deviation D1: ValueError is IllegalArgumentException.
        Future<Object> fut1 = oneLoop.createFuture();
        Future<Object> fut2 = otherLoop.createFuture();
        assertThrows(IllegalArgumentException.class, () -> gather(fut1, fut2));
    }

    // CPython: test_tasks.py::FutureGatherTests::test_constructor_homogenous_futures
    @Test
    void testConstructorHomogenousFutures() {
        List<Future<Object>> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(otherLoop.createFuture());
        }
        Future<List<Object>> fut = gather(children);
        assertSame(otherLoop, fut.getLoop());
        runLoop(otherLoop);
        assertFalse(fut.done());
        fut = gather(children);
        assertSame(otherLoop, fut.getLoop());
        runLoop(otherLoop);
        assertFalse(fut.done());
    }

    // CPython: test_tasks.py::FutureGatherTests::test_one_cancellation
    @Test
    void testOneCancellation() {
        List<Future<Object>> fs = futures(5);
        Future<List<Object>> fut = gather(fs);
        MockCallback<List<Object>> cb = new MockCallback<>();
        fut.addDoneCallback(cb);
        fs.get(0).setResult(1);
        fs.get(1).cancel();
        runLoop(oneLoop);
        assertTrue(fut.done());
        cb.assertCalledOnceWith(fut);
        assertFalse(fut.cancelled());
        assertInstanceOf(CancelledError.class, fut.exception());
        // does nothing
        fs.get(2).setResult(3);
        fs.get(3).cancel();
        fs.get(4).setException(new IllegalStateException());
        fs.get(4).exception();
    }

    // CPython: test_tasks.py::FutureGatherTests::test_result_exception_one_cancellation
    @Test
    void testResultExceptionOneCancellation() throws Exception {
        List<Future<Object>> fs = futures(6);
        Future<List<Object>> fut = gather(new ArrayList<Awaitable<Object>>(fs), true);
        MockCallback<List<Object>> cb = new MockCallback<>();
        fut.addDoneCallback(cb);
        fs.get(0).setResult(1);
        ArithmeticException zde = new ArithmeticException();
        fs.get(1).setException(zde);
        fs.get(2).cancel();
        runLoop(oneLoop);
        assertFalse(fut.done());
        fs.get(3).setResult(3);
        fs.get(4).cancel();
        IllegalStateException rte = new IllegalStateException();
        fs.get(5).setException(rte);
        List<Object> res = new ArrayList<>(oneLoop.runUntilComplete(fut));
        assertInstanceOf(CancelledError.class, res.get(2));
        assertInstanceOf(CancelledError.class, res.get(4));
        res.set(2, null);
        res.set(4, null);
        assertEquals(Arrays.asList(1, zde, null, 3, null, rte), res);
        cb.assertCalledOnceWith(fut);
    }
}
