package org.jasyncio.locks;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Task;
import org.jasyncio.Timeout;
import org.jasyncio.TimeoutError;
import org.junit.jupiter.api.Test;

/** {@link Condition}: CPython's test_locks.ConditionTests. */
@org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class ConditionTest {

    private static Task<Boolean> waiter(Condition cond, List<Integer> result, int tag, boolean release) {
        return createTask(() -> {
            cond.acquire();
            if (cond.await()) {
                result.add(tag);
                if (release) {
                    cond.release();
                }
            }
            return true;
        });
    }

    @Test
    void await() throws Exception {
        // test_locks.ConditionTests.test_wait
        runVirtual(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waiter(cond, result, 1, false);
            Task<Boolean> t2 = waiter(cond, result, 2, false);
            Task<Boolean> t3 = waiter(cond, result, 3, false);
            sleep(0);
            assertEquals(List.of(), result);
            assertFalse(cond.locked());

            cond.acquire();
            cond.signal();
            sleep(0);
            assertEquals(List.of(), result);
            assertTrue(cond.locked());

            cond.release();
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());

            cond.signal(2);
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());

            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2), result);
            assertTrue(cond.locked());

            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(cond.locked());
            assertTrue(t1.result() && t2.result() && t3.result());
        });
    }

    @Test
    void awaitCancel() throws Exception {
        // test_locks.ConditionTests.test_wait_cancel: the lock is held again after a cancelled wait
        runVirtual(() -> {
            Condition cond = new Condition();
            cond.acquire();
            Task<Boolean> wait = createTask(() -> cond.await());
            getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, wait::await);
            assertEquals(0, cond.statistics().waiters());
            assertTrue(cond.locked());
        });
    }

    @Test
    void awaitCancelContested() throws Exception {
        // test_locks.ConditionTests.test_wait_cancel_contested
        runVirtual(() -> {
            Condition cond = new Condition();
            cond.acquire();
            assertTrue(cond.locked());
            Task<Boolean> waitTask = createTask(() -> cond.await());
            sleep(0);
            assertFalse(cond.locked());
            // Signal, but contest the lock before cancelling
            cond.acquire();
            assertTrue(cond.locked());
            cond.signal();
            getRunningLoop().callSoon(waitTask::cancel);
            getRunningLoop().callSoon(cond::release);
            try {
                waitTask.await();
            } catch (CancelledError e) {
                // should not happen (no cancellation point), but allowed
            }
            assertTrue(cond.locked());
        });
    }

    @Test
    void awaitCancelAfterSignal() throws Exception {
        // test_locks.ConditionTests.test_wait_cancel_after_notify (bpo-32841)
        runVirtual(() -> {
            Condition cond = new Condition();
            boolean[] waited = {false};
            Task<Void> waiter = createTask(() -> {
                try (var _ = cond.acquire()) {
                    waited[0] = true;
                    cond.await();
                }
            });
            sleep(0);
            cond.acquire();
            cond.signal();
            sleep(0); // get to re-acquire
            waiter.cancel();
            sleep(0);
            cond.release();
            sleep(0);
            assertTrue(waiter.cancelled());
            assertTrue(waited[0]);
            assertFalse(cond.locked());
        });
    }

    @Test
    void awaitUnacquired() throws Exception {
        // test_locks.ConditionTests.test_wait_unacquired
        runVirtual(() -> {
            Condition cond = new Condition();
            assertThrows(IllegalStateException.class, cond::await);
        });
    }

    @Test
    void awaitFor() throws Exception {
        // test_locks.ConditionTests.test_wait_for
        runVirtual(() -> {
            Condition cond = new Condition();
            boolean[] presult = {false};
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = createTask(() -> {
                cond.acquire();
                if (cond.awaitFor(() -> presult[0])) {
                    result.add(1);
                    cond.release();
                }
                return true;
            });
            sleep(0);
            assertEquals(List.of(), result);
            cond.acquire();
            cond.signal();
            cond.release();
            sleep(0);
            assertEquals(List.of(), result);
            presult[0] = true;
            cond.acquire();
            cond.signal();
            cond.release();
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(t.done() && t.result());
        });
    }

    @Test
    void awaitForUnacquired() throws Exception {
        // test_locks.ConditionTests.test_wait_for_unacquired: a true predicate needs no lock
        runVirtual(() -> {
            Condition cond = new Condition();
            assertTrue(cond.awaitFor(() -> true));
            assertThrows(IllegalStateException.class, () -> cond.awaitFor(() -> false));
        });
    }

    @Test
    void signal() throws Exception {
        // test_locks.ConditionTests.test_notify
        runVirtual(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waiter(cond, result, 1, true);
            Task<Boolean> t2 = waiter(cond, result, 2, true);
            Task<Boolean> t3 = waiter(cond, result, 3, true);
            sleep(0);
            assertEquals(List.of(), result);
            cond.acquire();
            cond.signal(1);
            cond.release();
            sleep(0);
            assertEquals(List.of(1), result);
            cond.acquire();
            cond.signal(1);
            cond.signal(2048);
            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(t1.result() && t2.result() && t3.result());
        });
    }

    @Test
    void signalAll() throws Exception {
        // test_locks.ConditionTests.test_notify_all
        runVirtual(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waiter(cond, result, 1, true);
            Task<Boolean> t2 = waiter(cond, result, 2, true);
            sleep(0);
            cond.acquire();
            cond.signalAll();
            cond.release();
            sleep(0);
            assertEquals(List.of(1, 2), result);
            assertTrue(t1.result() && t2.result());
        });
    }

    @Test
    void signalUnacquired() {
        // test_locks.ConditionTests.test_notify_unacquired, test_notify_all_unacquired
        Condition cond = new Condition();
        assertThrows(IllegalStateException.class, cond::signal);
        assertThrows(IllegalStateException.class, cond::signalAll);
    }

    @Test
    void repr() throws Exception {
        // test_locks.ConditionTests.test_repr
        runVirtual(() -> {
            Condition cond = new Condition();
            assertTrue(cond.toString().contains("unlocked"));
            assertTrue(LockTest.REPR.matcher(cond.toString()).matches(), cond.toString());
            cond.acquire();
            assertTrue(cond.toString().contains("[locked]"));
            Task<Void> w1 = createTask(() -> { cond.acquire(); cond.await(); cond.release(); });
            Task<Void> w2 = createTask(() -> { cond.acquire(); cond.await(); cond.release(); });
            cond.release();
            sleep(0);
            assertTrue(cond.toString().contains("waiters:2"), cond.toString());
            assertTrue(LockTest.REPR.matcher(cond.toString()).matches());
            try (var _ = cond.acquire()) {
                cond.signalAll();
            }
            w1.await();
            w2.await();
        });
    }

    @Test
    void tryWithResources() throws Exception {
        // test_locks.ConditionTests.test_context_manager
        runVirtual(() -> {
            Condition cond = new Condition();
            assertFalse(cond.locked());
            try (var _ = cond.acquire()) {
                assertTrue(cond.locked());
            }
            assertFalse(cond.locked());
        });
    }

    @Test
    void explicitLock() throws Exception {
        // test_locks.ConditionTests.test_explicit_lock
        runVirtual(() -> {
            for (int variant = 0; variant < 2; variant++) {
                Lock lock = new Lock();
                Condition cond = variant == 0 ? new Condition(lock) : new Condition(lock);
                assertSame(lock, cond.lock());
                try (var _ = cond.acquire()) {
                    assertTrue(lock.locked());
                    assertTrue(cond.locked());
                }
                assertFalse(lock.locked());
                try (var _ = lock.acquire()) {
                    assertTrue(cond.locked());
                }
                assertFalse(cond.locked());
            }
            // two conditions sharing one lock
            Lock shared = new Lock();
            Condition a = new Condition(shared);
            Condition b = new Condition(shared);
            try (var _ = a.acquire()) {
                assertTrue(b.locked());
            }
        });
    }

    @Test
    void timeoutInBlock() throws Exception {
        // test_locks.ConditionTests.test_timeout_in_block
        runVirtual(() -> {
            Condition cond = new Condition();
            try (var _ = cond.acquire()) {
                assertThrows(TimeoutError.class, () -> Asyncio.waitFor(() -> cond.await(), 0.5));
                assertTrue(cond.locked());
            }
            assertFalse(cond.locked());
            try (var _ = cond.acquire(); Timeout _ = Asyncio.timeout(1)) {
                cond.await();
                fail("not signalled");
            } catch (TimeoutError expected) {
                assertFalse(cond.locked(), "held again by await, then released by try-with-resources");
            }
        });
    }

    @Test
    void cancelledErrorWakeup() throws Exception {
        // test_locks.ConditionTests.test_cancelled_error_wakeup: the same CancelledError comes out
        runVirtual(() -> {
            Condition cond = new Condition();
            CancelledError[] raised = {null};
            Task<Void> task = createTask(() -> {
                try (var _ = cond.acquire()) {
                    try {
                        cond.awaitFor(() -> false);
                    } catch (CancelledError e) {
                        raised[0] = e;
                        assertTrue(cond.locked());
                        throw e;
                    }
                }
            });
            sleep(0);
            task.cancel("foo");
            CancelledError err = assertThrows(CancelledError.class, task::await);
            assertEquals("foo", err.getMessage());
            // the task reports a CancelledError chained to the very instance await() threw
            assertEquals("foo", raised[0].getMessage());
            assertSame(raised[0], err); // asyncio re-raises the same instance
            assertFalse(cond.locked());
        });
    }

    @Test
    void cancelledErrorReacquire() throws Exception {
        // test_locks.ConditionTests.test_cancelled_error_re_aquire
        runVirtual(() -> {
            Condition cond = new Condition();
            boolean[] wake = {false};
            CancelledError[] raised = {null};
            Task<Void> task = createTask(() -> {
                try (var _ = cond.acquire()) {
                    try {
                        cond.awaitFor(() -> wake[0]);
                    } catch (CancelledError e) {
                        raised[0] = e;
                        assertTrue(cond.locked(), "re-acquired before the cancellation propagates");
                        throw e;
                    }
                }
            });
            sleep(0);
            cond.acquire();
            wake[0] = true;
            cond.signal();
            sleep(0); // the task now tries to take the lock back
            task.cancel("foo");
            cond.release();
            CancelledError err = assertThrows(CancelledError.class, task::await);
            assertEquals("foo", err.getMessage());
            assertEquals("foo", raised[0].getMessage());
            assertSame(raised[0], err); // asyncio re-raises the same instance
            assertFalse(cond.locked());
        });
    }

    private static void cancelledWakeup(boolean relock) throws Exception {
        runVirtual(() -> {
            Condition condition = new Condition();
            int[] state = {0};
            List<Task<Void>> c = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                c.add(createTask(() -> {
                    try (var _ = condition.acquire()) {
                        while (true) {
                            condition.awaitFor(() -> state[0] != 0);
                            if (state[0] < 0) {
                                return;
                            }
                            state[0]--;
                        }
                    }
                }));
            }
            sleep(0);
            try (var _ = condition.acquire()) {
                state[0]++;
                condition.signal(1);
                if (relock) {
                    sleep(0); // the woken task settles on re-acquiring the lock
                }
                c.get(0).cancel();
                try (Timeout _ = Asyncio.timeout(0.01)) {
                    condition.awaitFor(() -> state[0] == 0);
                } catch (TimeoutError ignored) {
                    // checked below
                }
                assertEquals(0, state[0], "the signal was lost to the cancelled task");
                state[0] = -1;
                condition.signalAll();
            }
            c.get(1).await();
            assertTrue(c.get(0).cancelled());
        });
    }

    @Test
    void cancelledWakeup() throws Exception {
        // test_locks.ConditionTests.test_cancelled_wakeup
        cancelledWakeup(false);
    }

    @Test
    void cancelledWakeupRelock() throws Exception {
        // test_locks.ConditionTests.test_cancelled_wakeup_relock
        cancelledWakeup(true);
    }

    @Test
    void statistics() throws Exception {
        runVirtual(() -> {
            Condition cond = new Condition();
            assertEquals(new Condition.Statistics(false, 0, 0), cond.statistics());
            Task<Void> w = createTask(() -> { try (var _ = cond.acquire()) { cond.await(); } });
            sleep(0);
            cond.acquire();
            Task<Void> l = createTask(() -> { try (var _ = cond.acquire()) { /* nothing */ } });
            sleep(0);
            assertEquals(new Condition.Statistics(true, 1, 1), cond.statistics());
            cond.signalAll();
            cond.release();
            w.await();
            l.await();
            assertEquals(new Condition.Statistics(false, 0, 0), cond.statistics());
        });
    }
}
