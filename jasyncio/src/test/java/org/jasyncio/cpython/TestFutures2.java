package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.allTasks;
import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.Asyncio.waitFor;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Set;

import org.jasyncio.ContextVar;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_futures2.py}: tracebacks and contexts of awaited tasks,
 * and the repr of a task whose result refers back to pending tasks. CPython runs
 * {@code FutureTests} for the C and the Python task; they are ported once. Each test runs in a
 * task of a virtual-time loop, as {@code IsolatedAsyncioTestCase} runs each test in a task.
 */
class TestFutures2 {

    // CPython: test_futures2.py::FutureTests::test_future_traceback
    @Test
    void testFutureTraceback() throws Exception {
        runVirtual(() -> {
            // Deviation: D1, asyncio's TypeError is IllegalArgumentException.
            Task<Object> future = createTask(() -> {
                throw new IllegalArgumentException("42");
            });

            // CPython checks that awaiting the future again and again does not add a frame
            // per await to the traceback. A Java stack trace is filled in where the exception
            // is made and never grows when it is rethrown: it must be the same each time.
            StackTraceElement[] first = null;
            for (int i = 0; i < 5; i++) {
                try {
                    future.await();
                    fail("IllegalArgumentException was not raised");
                } catch (IllegalArgumentException e) {
                    StackTraceElement[] st = e.getStackTrace();
                    if (first == null) {
                        first = st;
                    }
                    assertArrayEquals(first, st);
                    assertEquals(0, e.getSuppressed().length);
                }
            }
        });
    }

    // CPython: test_futures2.py::FutureTests::test_task_exc_handler_correct_context
    @Test
    void testTaskExcHandlerCorrectContext() throws Exception {
        runVirtual(() -> {
            // see https://github.com/python/cpython/issues/96704
            ContextVar<String> name = new ContextVar<>("name", "foo");
            String[] seen = {null};

            EventLoop loop = getRunningLoop();
            loop.setExceptionHandler((l, context) -> seen[0] = name.get());
            dropFailingTask(name);
            // Deviation: CPython's refcounting reports the dropped task at once; the JVM
            // reports it once the garbage collector has found it.
            for (int i = 0; i < 100 && seen[0] == null; i++) {
                System.gc();
                sleep(0);
            }
            assertEquals("bar", seen[0]);
        });
    }

    /** Starts a task that sets {@code name} and fails, and keeps no reference to it. */
    private static void dropFailingTask(ContextVar<String> name) {
        createTask(() -> {
            name.set("bar");
            throw new ArithmeticException("/ by zero");
        });
    }

    // CPython: test_futures2.py::FutureTests::test_handle_exc_handler_correct_context
    @Test
    void testHandleExcHandlerCorrectContext() throws Exception {
        runVirtual(() -> {
            // see https://github.com/python/cpython/issues/96704
            ContextVar<String> name = new ContextVar<>("name", "foo");
            String[] seen = {null};

            EventLoop loop = getRunningLoop();
            loop.setExceptionHandler((l, context) -> seen[0] = name.get());
            loop.callSoon(() -> {
                name.set("bar");
                throw new ArithmeticException("/ by zero");
            });
            sleep(0);
            assertEquals("bar", seen[0]);
        });
    }

    // CPython: test_futures2.py::FutureReprTests::test_recursive_repr_for_pending_tasks
    @Test
    void testRecursiveReprForPendingTasks() throws Exception {
        runVirtual(() -> {
            // The toString() must not recurse without end (StackOverflowError) through the
            // pending test task that the result contains.
            Set<Task<?>> waiter = waitFor(createTask(() -> allTasks()), 10);
            String repr = waiter.toString();
            assertTrue(repr.contains("..."), repr);
        });
    }
}
