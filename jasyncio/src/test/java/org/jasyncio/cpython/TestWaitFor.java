package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.TimeoutError;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_waitfor.py} (3.13): {@code waitFor}, alone and with
 * {@code shield}, on a virtual-time loop. Python's {@code timeout=None} is
 * {@code Double.POSITIVE_INFINITY}; the {@code CancelledError} CPython finds in a TimeoutError's
 * {@code __context__} is its {@linkplain Throwable#getCause() cause} here.
 */
class TestWaitFor {

    /** A timeout that passes {@code timeout > 0} but costs nothing: CPython's {@code _EPSILON}. */
    static final double EPSILON = 0.0001;

    /** CPython's {@code support.LONG_TIMEOUT}. */
    static final double LONG_TIMEOUT = 5 * 60;

    /** Runs for {@link #TASK_TIMEOUT} seconds of loop time, ignoring cancel requests. */
    static final class SlowTask {
        static final double TASK_TIMEOUT = 0.2;
        volatile boolean exited;

        void run() {
            // CPython measures time.monotonic(); the loop's virtual clock stands in for it
            EventLoop loop = getRunningLoop();
            double exitAt = loop.time() + TASK_TIMEOUT;
            while (true) {
                double toSleep = exitAt - loop.time();
                if (toSleep <= 0) {
                    break;
                }
                try {
                    sleep(toSleep);
                } catch (CancelledError e) {
                    // ignored on purpose: this task does not let itself be cancelled
                }
            }
            exited = true;
        }
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_cancelled
    @Test
    void testAsyncioWaitForCancelled() throws Exception {
        SlowTask t = new SlowTask();
        TestLoops.runVirtual(() -> {
            Task<Void> waitForTask = createTask(() -> waitFor(t::run, SlowTask.TASK_TIMEOUT * 2));
            sleep(0);
            waitForTask.cancel();
            Asyncio.wait(List.of(waitForTask));
            assertTrue(t.exited);
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_asyncio_wait_for_timeout
    @Test
    void testAsyncioWaitForTimeout() throws Exception {
        SlowTask t = new SlowTask();
        TestLoops.runVirtual(() -> {
            try {
                waitFor(t::run, SlowTask.TASK_TIMEOUT / 2);
            } catch (TimeoutError e) {
                // expected: the task outlives the timeout, and waitFor waits for it
            }
            assertTrue(t.exited);
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_future_done
    @Test
    void testWaitForTimeoutLessThen0Or0FutureDone() throws Exception {
        TestLoops.runVirtual(() -> {
            Future<String> fut = getRunningLoop().createFuture();
            fut.setResult("done");
            String ret = waitFor(fut, 0);
            assertEquals("done", ret);
            assertTrue(fut.done());
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    @Test
    void testWaitForTimeoutLessThen0Or0CoroutineDoNotStarted() throws Exception {
        AtomicBoolean fooStarted = new AtomicBoolean();
        TestLoops.runVirtual(() -> {
            assertThrows(TimeoutError.class, () -> waitFor(() -> fooStarted.set(true), 0));
        });
        assertFalse(fooStarted.get());
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_timeout_less_then_0_or_0
    @Test
    void testWaitForTimeoutLessThen0Or0() throws Exception {
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            for (double timeout : new double[] {0, -1}) {
                AtomicReference<Boolean> fooRunning = new AtomicReference<>();
                Future<Void> started = loop.createFuture();
                Task<String> fut = createTask(() -> {
                    fooRunning.set(true);
                    started.setResult(null);
                    try {
                        sleep(10);
                    } finally {
                        fooRunning.set(false);
                    }
                    return "done";
                });
                started.await();
                assertThrows(TimeoutError.class, () -> waitFor(fut, timeout), "timeout=" + timeout);
                assertTrue(fut.done());
                // cancelled because of the timeout
                assertTrue(fut.cancelled());
                assertEquals(false, fooRunning.get());
            }
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for
    @Test
    void testWaitFor() throws Exception {
        AtomicReference<Boolean> fooRunning = new AtomicReference<>();
        TestLoops.runVirtual(() -> {
            Task<String> fut = createTask(() -> {
                fooRunning.set(true);
                try {
                    sleep(LONG_TIMEOUT);
                } finally {
                    fooRunning.set(false);
                }
                return "done";
            });
            assertThrows(TimeoutError.class, () -> waitFor(fut, 0.1));
            assertTrue(fut.done());
            // cancelled because of the timeout
            assertTrue(fut.cancelled());
            assertEquals(false, fooRunning.get());
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_blocking
    @Test
    void testWaitForBlocking() throws Exception {
        TestLoops.runVirtual(() -> {
            // Python's timeout=None
            String res = waitFor(() -> "done", Double.POSITIVE_INFINITY);
            assertEquals("done", res);
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_race_condition
    @Test
    void testWaitForRaceCondition() throws Exception {
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            Future<String> fut = loop.createFuture();
            loop.callSoon(() -> fut.setResult("ok"));
            String res = waitFor(fut, 0.2);
            assertEquals("ok", res);
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancellation_race_condition
    @Test
    void testWaitForCancellationRaceCondition() throws Exception {
        TestLoops.runVirtual(() -> {
            int result = waitFor(() -> {
                assertThrows(CancelledError.class, () -> sleep(1));
                return 1;
            }, 0.01);
            assertEquals(1, result);
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation
    @Test
    void testWaitForWaitsForTaskCancellation() throws Exception {
        AtomicBoolean taskDone = new AtomicBoolean();
        TestLoops.runVirtual(() -> {
            Task<Void> innerTask = createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    sleep(EPSILON);
                    throw e;
                } finally {
                    taskDone.set(true);
                }
            });
            TimeoutError e = assertThrows(TimeoutError.class, () -> waitFor(innerTask, EPSILON));
            assertTrue(taskDone.get());
            // CPython's __context__
            assertEquals(CancelledError.class, e.getCause().getClass());
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_waits_for_task_cancellation_w_timeout_0
    @Test
    void testWaitForWaitsForTaskCancellationWTimeout0() throws Exception {
        AtomicBoolean taskDone = new AtomicBoolean();
        TestLoops.runVirtual(() -> {
            TimeoutError e = assertThrows(TimeoutError.class, () -> {
                Task<Void> innerTask = createTask(() -> {
                    try {
                        sleep(10);
                    } catch (CancelledError ce) {
                        sleep(EPSILON);
                        throw ce;
                    } finally {
                        taskDone.set(true);
                    }
                });
                sleep(EPSILON);
                waitFor(innerTask, 0);
            });
            assertTrue(taskDone.get());
            // CPython's __context__
            assertEquals(CancelledError.class, e.getCause().getClass());
        });
    }

    /** CPython's {@code FooException}. */
    static final class FooException extends Exception {
        FooException() {
            super("FooException");
        }
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_reraises_exception_during_cancellation
    @Test
    void testWaitForReraisesExceptionDuringCancellation() throws Exception {
        TestLoops.runVirtual(() -> {
            assertThrows(FooException.class, () -> {
                Task<Void> innerTask = createTask(() -> {
                    try {
                        sleep(0.2);
                    } finally {
                        throw new FooException();
                    }
                });
                waitFor(innerTask, EPSILON);
            });
        });
    }

    /** CPython's {@code _test_cancel_wait_for(timeout)}. */
    static void cancelWaitFor(double timeout) throws Exception {
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            Task<Object> task = createTask(() -> {
                Future<Object> fut = loop.createFuture();
                // block: the future's result is never set
                return fut.await();
            });
            Task<Object> waitTask = createTask(() -> waitFor(task, timeout));
            loop.callSoon(waitTask::cancel);
            assertThrows(CancelledError.class, waitTask::await);
            // Python issue #23219: cancelling the wait must also cancel the task
            assertTrue(task.cancelled());
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_cancel_blocking_wait_for
    @Test
    void testCancelBlockingWaitFor() throws Exception {
        cancelWaitFor(Double.POSITIVE_INFINITY);
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_cancel_wait_for
    @Test
    void testCancelWaitFor() throws Exception {
        cancelWaitFor(60.0);
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_cancel_suppressed
    @Test
    void testWaitForCancelSuppressed() throws Exception {
        TestLoops.runVirtual(() -> {
            // GH-86296: a task that suppresses its cancellation and returns a value: waitFor returns it
            int res = waitFor(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    return 42;
                }
                return 0;
            }, 0.1);
            assertEquals(42, res);
        });
    }

    // CPython: test_waitfor.py::AsyncioWaitForTest::test_wait_for_issue86296
    @Test
    void testWaitForIssue86296() throws Exception {
        AtomicBoolean reachedEnd = new AtomicBoolean();
        TestLoops.runVirtual(() -> {
            // GH-86296: the inner task finishes in one loop cycle, before the outer task is cancelled
            Task<String> innerTask = createTask(() -> "done");
            Task<Void> task = createTask(() -> {
                waitFor(innerTask, 100);
                sleep(1);
                reachedEnd.set(true);
            });
            assertFalse(task.done());
            // run the task
            sleep(0);
            task.cancel();
            assertThrows(CancelledError.class, task::await);
            assertTrue(innerTask.done());
            assertEquals("done", innerTask.await());
        });
        assertFalse(reachedEnd.get());
    }

    // CPython: test_waitfor.py::WaitForShieldTests::test_zero_timeout
    @Test
    void testZeroTimeout() throws Exception {
        TestLoops.runVirtual(() -> {
            // shield() wraps the task in an outer future that timeout=0 cancels at once, while the
            // task itself keeps running
            Task<String> task = createTask(() -> sleep(0.01, "done"));
            AtomicReference<Future<String>> shieldedTask = new AtomicReference<>();
            assertThrows(TimeoutError.class, () -> {
                shieldedTask.set(shield(task));
                waitFor(shieldedTask.get(), 0);
            });
            // the task runs in the background
            assertFalse(task.done());
            assertFalse(task.cancelled());
            assertTrue(shieldedTask.get().cancelled());
            // wait for it to complete
            sleep(0.1);
            assertTrue(task.done());
        });
    }

    // CPython: test_waitfor.py::WaitForShieldTests::test_none_timeout
    @Test
    void testNoneTimeout() throws Exception {
        TestLoops.runVirtual(() -> {
            // with timeout=None (POSITIVE_INFINITY) the shielded task runs to completion
            Task<String> task = createTask(() -> sleep(0.1, "done"));
            waitFor(shield(task), Double.POSITIVE_INFINITY);
            assertTrue(task.done());
            assertEquals("done", task.await());
        });
    }

    // CPython: test_waitfor.py::WaitForShieldTests::test_shielded_timeout
    @Test
    void testShieldedTimeout() throws Exception {
        TestLoops.runVirtual(() -> {
            // shield() keeps the task from being cancelled
            Task<String> task = createTask(() -> sleep(0.1, "done"));
            assertThrows(TimeoutError.class, () -> waitFor(shield(task), 0.01));
            assertFalse(task.done());
            assertFalse(task.cancelled());
            assertEquals("done", task.await());
        });
    }
}
