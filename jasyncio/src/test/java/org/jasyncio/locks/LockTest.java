package org.jasyncio.locks;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jasyncio.CancelledError;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Lock}: CPython's test_locks.LockTests, plus the Java surface (Held, tryAcquire, statistics). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LockTest {
    /** CPython's RGX_REPR, for our class names. */
    static final Pattern REPR = Pattern.compile("^<(\\w+) object at 0x[0-9a-f]+ \\[(set|unset|locked|unlocked|filling"
            + "|draining|resetting|broken)(, value:\\d+)?(, waiters:\\d+)?(, waiters:\\d+/\\d+)?\\]>$");

    @Test
    void repr() throws Exception {
        // test_locks.LockTests.test_repr
        runVirtual(() -> {
            Lock lock = new Lock();
            assertTrue(lock.toString().endsWith("[unlocked]>"), lock.toString());
            assertTrue(REPR.matcher(lock.toString()).matches(), lock.toString());
            lock.acquire();
            assertTrue(lock.toString().endsWith("[locked]>"));
            Task<?> t = createTask(() -> lock.acquire());
            sleep(0);
            assertTrue(lock.toString().endsWith("[locked, waiters:1]>"), lock.toString());
            assertTrue(REPR.matcher(lock.toString()).matches());
            lock.release();
            t.await();
        });
    }

    @Test
    void newLockIsUnlocked() {
        // test_locks.LockTests.test_lock
        assertFalse(new Lock().locked());
        assertEquals(new Lock.Statistics(false, 0), new Lock().statistics());
    }

    @Test
    void acquireIsFifo() throws Exception {
        // test_locks.LockTests.test_acquire
        runVirtual(() -> {
            Lock lock = new Lock();
            List<Integer> result = new ArrayList<>();
            lock.acquire();
            Task<Boolean> t1 = createTask(() -> { lock.acquire(); result.add(1); return true; });
            Task<Boolean> t2 = createTask(() -> { lock.acquire(); result.add(2); return true; });
            sleep(0);
            assertEquals(List.of(), result);
            lock.release();
            sleep(0);
            assertEquals(List.of(1), result);
            sleep(0);
            assertEquals(List.of(1), result);
            Task<Boolean> t3 = createTask(() -> { lock.acquire(); result.add(3); return true; });
            lock.release();
            sleep(0);
            assertEquals(List.of(1, 2), result);
            lock.release();
            sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(t1.done() && t1.result() && t2.done() && t2.result() && t3.done() && t3.result());
        });
    }

    @Test
    void acquireCancel() throws Exception {
        // test_locks.LockTests.test_acquire_cancel
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Held> task = createTask(() -> lock.acquire());
            getRunningLoop().callSoon(task::cancel);
            assertThrows(CancelledError.class, task::await);
            assertEquals(0, lock.statistics().waiters());
            assertTrue(lock.locked());
        });
    }

    @Test
    void cancelRace() throws Exception {
        // test_locks.LockTests.test_cancel_race: B's waiter is cancelled, A releases; C gets the lock
        runVirtual(() -> {
            Lock lock = new Lock();
            Future<Void> fa = getRunningLoop().createFuture();
            Task<Void> ta = createTask(() -> { try (var _ = lock.acquire()) { fa.await(); } });
            sleep(0);
            assertTrue(lock.locked());
            Task<Void> tb = createTask(() -> { try (var _ = lock.acquire()) { /* nothing */ } });
            sleep(0);
            assertEquals(1, lock.statistics().waiters());
            Task<Void> tc = createTask(() -> { try (var _ = lock.acquire()) { /* nothing */ } });
            sleep(0);
            assertEquals(2, lock.statistics().waiters());
            fa.setResult(null);
            tb.cancel();
            sleep(0);
            assertFalse(lock.locked());
            assertTrue(ta.done());
            assertTrue(tb.cancelled());
            tc.await();
            assertFalse(lock.locked());
        });
    }

    @Test
    void cancelReleaseRace() throws Exception {
        // test_locks.LockTests.test_cancel_release_race (bpo-32734): cancel a waiter and release
        // in one callback: exactly one other waiter takes the lock
        runVirtual(() -> {
            Lock lock = new Lock();
            int[] lockCount = {0};
            int[] callCount = {0};
            lock.acquire();
            List<Task<Void>> ts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ts.add(createTask(() -> { callCount[0]++; lock.acquire(); lockCount[0]++; }));
            }
            sleep(0);
            getRunningLoop().callSoon(() -> { ts.get(0).cancel(); lock.release(); });
            assertThrows(CancelledError.class, ts.get(0)::await);
            assertEquals(1, lockCount[0]);
            assertEquals(3, callCount[0]);
            assertTrue(ts.get(0).cancelled() && ts.get(1).done());
            ts.get(2).cancel();
            sleep(0);
            assertTrue(ts.get(2).cancelled());
        });
    }

    @Test
    void finishedWaiterCancelled() throws Exception {
        // test_locks.LockTests.test_finished_waiter_cancelled: a waiter woken and cancelled
        // before it runs passes the wake-up on
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Held> tb = createTask(() -> lock.acquire());
            sleep(0);
            assertEquals(1, lock.statistics().waiters());
            Task<Held> tc = createTask(() -> lock.acquire());
            tb.cancel();
            lock.release();
            sleep(0);
            assertTrue(lock.locked());
            assertTrue(tb.cancelled());
            tc.await();
        });
    }

    @Test
    void cancelledAsWokenDoesNotSwallowTheWakeUp() throws Exception {
        // The lock is handed to A (release), then A is cancelled before it runs: B gets it.
        runVirtual(() -> {
            Lock lock = new Lock();
            List<String> got = new ArrayList<>();
            lock.acquire();
            Task<Void> a = createTask(() -> { lock.acquire(); got.add("a"); });
            Task<Void> b = createTask(() -> { lock.acquire(); got.add("b"); });
            sleep(0);
            lock.release();
            a.cancel();
            sleep(0);
            sleep(0);
            assertEquals(List.of("b"), got);
            assertTrue(a.cancelled());
            assertTrue(lock.locked());
            assertEquals(0, lock.statistics().waiters());
            b.await();
        });
    }

    @Test
    void releaseNotAcquired() {
        // test_locks.LockTests.test_release_not_acquired
        Lock lock = new Lock();
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
        assertTrue(e.getMessage().contains("not acquired"));
    }

    @Test
    void releaseNoWaiters() throws Exception {
        // test_locks.LockTests.test_release_no_waiters
        runVirtual(() -> {
            Lock lock = new Lock();
            lock.acquire();
            assertTrue(lock.locked());
            lock.release();
            assertFalse(lock.locked());
        });
    }

    @Test
    void tryWithResources() throws Exception {
        // test_locks.LockTests.test_context_manager
        runVirtual(() -> {
            Lock lock = new Lock();
            try (Held held = lock.acquire()) {
                assertTrue(lock.locked());
                assertFalse(held.released());
            }
            assertFalse(lock.locked());
            try (var _ = lock.acquire()) {
                throw new IllegalArgumentException("boom");
            } catch (IllegalArgumentException expected) {
                assertFalse(lock.locked(), "released on the way out of a failing block");
            }
        });
    }

    @Test
    void heldClosesOnce() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            Held first = lock.acquire();
            first.close();
            Task<Held> other = createTask(() -> lock.acquire());
            sleep(0);
            assertTrue(lock.locked());
            first.close(); // must not release the other task's acquisition
            assertTrue(lock.locked());
            assertTrue(first.released());
            other.await().close();
            assertFalse(lock.locked());
        });
    }

    @Test
    void tryAcquireRespectsWaiters() throws Exception {
        runVirtual(() -> {
            Lock lock = new Lock();
            assertTrue(lock.tryAcquire());
            assertFalse(lock.tryAcquire());
            Task<Held> waiter = createTask(() -> lock.acquire());
            sleep(0);
            lock.release();
            assertFalse(lock.locked());
            assertFalse(lock.tryAcquire(), "the woken waiter comes first");
            waiter.await().close();
            assertTrue(lock.tryAcquire());
            lock.release();
        });
    }

    @Test
    void newAcquireQueuesBehindAWokenWaiter() throws Exception {
        // Python 3.11's no-barging rule
        runVirtual(() -> {
            Lock lock = new Lock();
            List<String> order = new ArrayList<>();
            lock.acquire();
            Task<Void> w = createTask(() -> { lock.acquire(); order.add("waiter"); lock.release(); });
            sleep(0);
            lock.release();
            lock.acquire(); // the releaser tries again at once: it must queue behind w
            order.add("releaser");
            lock.release();
            w.await();
            assertEquals(List.of("waiter", "releaser"), order);
        });
    }
}
