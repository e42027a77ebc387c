package org.jasyncio.locks;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Task;
import org.jasyncio.TaskGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Semaphore} and {@link BoundedSemaphore}: CPython's test_locks.SemaphoreTests. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SemaphoreTest {

    @Test
    void initialValueZero() {
        // test_locks.SemaphoreTests.test_initial_value_zero
        assertTrue(new Semaphore(0).locked());
    }

    @Test
    void repr() throws Exception {
        // test_locks.SemaphoreTests.test_repr
        runVirtual(() -> {
            Semaphore sem = new Semaphore();
            assertTrue(sem.toString().endsWith("[unlocked, value:1]>"), sem.toString());
            assertTrue(LockTest.REPR.matcher(sem.toString()).matches());
            sem.acquire();
            assertTrue(sem.toString().endsWith("[locked]>"));
            Task<Held> t1 = createTask(() -> sem.acquire());
            Task<Held> t2 = createTask(() -> sem.acquire());
            sleep(0);
            assertTrue(sem.toString().contains("waiters:2"), sem.toString());
            assertTrue(LockTest.REPR.matcher(sem.toString()).matches());
            t1.cancel();
            t2.cancel();
            sleep(0);
        });
    }

    @Test
    void semaphore() {
        // test_locks.SemaphoreTests.test_semaphore
        Semaphore sem = new Semaphore();
        assertEquals(1, sem.value());
        assertFalse(sem.locked());
    }

    @Test
    void semaphoreValue() {
        // test_locks.SemaphoreTests.test_semaphore_value
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    }

    @Test
    void acquire() throws Exception {
        // test_locks.SemaphoreTests.test_acquire
        runVirtual(() -> {
            Semaphore sem = new Semaphore(3);
            List<Integer> result = new ArrayList<>();
            sem.acquire();
            sem.acquire();
            assertFalse(sem.locked());
            Task<Boolean> t1 = createTask(() -> { sem.acquire(); result.add(1); return true; });
            Task<Boolean> t2 = createTask(() -> { sem.acquire(); result.add(2); return true; });
            Task<Boolean> t3 = createTask(() -> { sem.acquire(); result.add(3); return true; });
            sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(sem.locked());
            assertEquals(2, sem.statistics().waiters());
            assertEquals(0, sem.value());
            Task<Boolean> t4 = createTask(() -> { sem.acquire(); result.add(4); return true; });
            sem.release();
            sem.release();
            assertEquals(0, sem.value());
            sleep(0);
            assertEquals(0, sem.value());
            assertEquals(3, result.size());
            assertTrue(sem.locked());
            assertEquals(1, sem.statistics().waiters());
            assertTrue(t1.done() && t1.result());
            int done = 0;
            for (Task<Boolean> t : List.of(t2, t3, t4)) {
                done += t.done() ? 1 : 0;
            }
            assertEquals(2, done);
            sem.release();
            gather(List.of(t2, t3, t4)).await();
        });
    }

    @Test
    void acquireCancel() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_cancel
        runVirtual(() -> {
            Semaphore sem = new Semaphore();
            sem.acquire();
            Task<Held> acquire = createTask(() -> sem.acquire());
            getRunningLoop().callSoon(acquire::cancel);
            assertThrows(CancelledError.class, acquire::await);
            assertEquals(0, sem.statistics().waiters());
            assertEquals(0, sem.value());
        });
    }

    @Test
    void acquireCancelBeforeAwoken() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_cancel_before_awoken
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            List<Task<Held>> t = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                t.add(createTask(() -> sem.acquire()));
            }
            sleep(0);
            t.get(0).cancel();
            t.get(1).cancel();
            sem.release();
            sleep(0);
            sleep(0);
            assertTrue(t.get(2).done());
            assertFalse(t.get(3).done());
            t.get(2).cancel();
            t.get(3).cancel();
            sleep(0);
        });
    }

    @Test
    void acquireHang() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_hang
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Held> t1 = createTask(() -> sem.acquire());
            Task<Held> t2 = createTask(() -> sem.acquire());
            sleep(0);
            t1.cancel();
            sem.release();
            sleep(0);
            sleep(0);
            assertTrue(sem.locked());
            assertTrue(t2.done());
        });
    }

    @Test
    void cancelledAsWokenGivesThePermitBack() throws Exception {
        // A permit handed to a waiter that is cancelled before it runs goes to the next waiter.
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Held> a = createTask(() -> sem.acquire());
            Task<Held> b = createTask(() -> sem.acquire());
            sleep(0);
            sem.release();
            a.cancel();
            sleep(0);
            sleep(0);
            assertTrue(a.cancelled());
            assertTrue(b.done() && !b.cancelled());
            assertEquals(0, sem.value());
            b.await().close();
            assertEquals(1, sem.value());
        });
    }

    @Test
    void acquireNoHang() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_no_hang
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Task<Void>[] t2 = new Task[1];
            Task<Void> t1 = createTask(() -> {
                try (var _ = sem.acquire()) {
                    sleep(0);
                    t2[0].cancel();
                }
            });
            t2[0] = createTask(() -> {
                try (var _ = sem.acquire()) {
                    fail("must not get the permit");
                }
            });
            List<Object> r = gather(List.of(t1, t2[0]), true).await();
            assertNull(r.get(0));
            assertInstanceOf(CancelledError.class, r.get(1));
            Asyncio.waitFor(() -> sem.acquire(), 1.0);
        });
    }

    @Test
    void releaseNotAcquired() {
        // test_locks.SemaphoreTests.test_release_not_acquired
        BoundedSemaphore sem = new BoundedSemaphore();
        assertThrows(IllegalStateException.class, sem::release);
        assertEquals(1, sem.value());
    }

    @Test
    void releaseNoWaiters() throws Exception {
        // test_locks.SemaphoreTests.test_release_no_waiters
        runVirtual(() -> {
            Semaphore sem = new Semaphore();
            sem.acquire();
            assertTrue(sem.locked());
            sem.release();
            assertFalse(sem.locked());
        });
    }

    @Test
    void unboundedReleaseRaisesTheCount() {
        Semaphore sem = new Semaphore(1);
        sem.release();
        assertEquals(2, sem.value());
    }

    @Test
    void boundedReleasePastTheBound() throws Exception {
        runVirtual(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            assertEquals(2, sem.bound());
            Held a = sem.acquire();
            Held b = sem.acquire();
            a.close();
            b.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
            assertTrue(e.getMessage().contains("released too many times"));
            assertEquals(2, sem.value());
            b.close(); // idempotent: no error, no release
            assertEquals(2, sem.value());
        });
    }

    private static void coro(Semaphore sem, List<String> result, String tag) {
        sem.acquire();
        result.add(tag + "_1");
        sleep(0.01);
        sem.release();
        sem.acquire();
        result.add(tag + "_2");
        sleep(0.01);
        sem.release();
    }

    @Test
    void acquireFifoOrder() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_fifo_order
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            List<String> result = new ArrayList<>();
            TaskGroup.run(tg -> {
                tg.createTask(() -> coro(sem, result, "c1"));
                tg.createTask(() -> coro(sem, result, "c2"));
                tg.createTask(() -> coro(sem, result, "c3"));
                return null;
            });
            assertEquals(List.of("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"), result);
        });
    }

    @Test
    void acquireFifoOrder2() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_fifo_order_2
        runVirtual(() -> {
            Semaphore sem = new Semaphore(1);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = createTask(() -> { sem.acquire(); result.add(1); return true; });
            Task<Boolean> t2 = createTask(() -> {
                sem.acquire();
                result.add(2);
                sem.release();
                sem.acquire();
                result.add(4);
                return true;
            });
            Task<Boolean> t3 = createTask(() -> { sem.acquire(); result.add(3); return true; });
            sleep(0);
            sem.release();
            sem.release();
            gather(List.of(t1, t2, t3)).await();
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    @Test
    void acquireFifoOrder3() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_fifo_order_3
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> result = new ArrayList<>();
            List<Task<Boolean>> ts = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int k = i;
                ts.add(createTask(() -> { sem.acquire(); result.add(k); return true; }));
            }
            sleep(0);
            ts.get(0).cancel();
            sleep(0);
            sem.release();
            sem.release();
            gather(ts, true).await();
            assertEquals(List.of(2, 3), result);
        });
    }

    @Test
    void acquireFifoOrder4() throws Exception {
        // test_locks.SemaphoreTests.test_acquire_fifo_order_4: a successful acquire wakes the
        // waiters that had to queue behind it
        runVirtual(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> result = new ArrayList<>();
            @SuppressWarnings({"unchecked", "rawtypes"})
            Task<Boolean>[] t4 = new Task[1];
            Task<Boolean> t1 = createTask(() -> {
                assertEquals(0, sem.value());
                sem.acquire();
                assertEquals(0, sem.value());
                t4[0] = createTask(() -> { result.add(4); return true; });
                result.add(1);
                return true;
            });
            Task<Boolean> t2 = createTask(() -> {
                sem.release();
                sem.release();
                sem.release();
                assertEquals(2, sem.value());
                assertTrue(sem.locked());
                sem.acquire();
                result.add(2);
                return true;
            });
            Task<Boolean> t3 = createTask(() -> {
                sem.acquire();
                assertTrue(sem.locked());
                result.add(3);
                return true;
            });
            sleep(0);
            assertEquals(2, sem.value());
            assertEquals(3, sem.statistics().waiters());
            sleep(0);
            gather(List.of(t1, t2, t3)).await();
            t4[0].await();
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    @Test
    void tryAcquire() throws Exception {
        runVirtual(() -> {
            Semaphore sem = new Semaphore(2);
            assertTrue(sem.tryAcquire());
            assertTrue(sem.tryAcquire());
            assertFalse(sem.tryAcquire());
            Task<Held> w = createTask(() -> sem.acquire());
            sleep(0);
            sem.release();
            assertFalse(sem.tryAcquire(), "the permit went to the waiter");
            w.await().close();
            sem.release();
            assertEquals(new Semaphore.Statistics(2, 0), sem.statistics());
        });
    }
}
