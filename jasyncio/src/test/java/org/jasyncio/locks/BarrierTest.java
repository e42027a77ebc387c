package org.jasyncio.locks;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Barrier}: CPython's test_locks.BarrierTests. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BarrierTest {
    static final int N = 5;

    private static <T> List<Task<T>> makeTasks(int n, Coroutine<T> coro) {
        List<Task<T>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(createTask(coro));
        }
        return tasks;
    }

    private static <T> List<T> gatherTasks(int n, Coroutine<T> coro) throws Exception {
        return gather(makeTasks(n, coro)).await();
    }

    @Test
    void barrier() {
        // test_locks.BarrierTests.test_barrier
        assertTrue(new Barrier(N).toString().contains("filling"));
    }

    @Test
    void repr() throws Exception {
        // test_locks.BarrierTests.test_repr
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            assertTrue(LockTest.REPR.matcher(barrier.toString()).matches(), barrier.toString());
            List<Task<Integer>> waiters = new ArrayList<>();
            int incr = 2;
            for (int i = 0; i < incr; i++) {
                waiters.add(createTask(barrier::await));
            }
            sleep(0);
            assertTrue(LockTest.REPR.matcher(barrier.toString()).matches());
            assertTrue(barrier.toString().contains("waiters:" + incr + "/" + N), barrier.toString());
            assertTrue(barrier.toString().contains("filling"));
            for (int i = barrier.parties() - barrier.nWaiting(); i > 0; i--) {
                waiters.add(createTask(barrier::await));
            }
            sleep(0);
            assertTrue(barrier.toString().contains("draining"), barrier.toString());
            for (int i = 0; i < incr; i++) {
                waiters.add(createTask(barrier::await));
            }
            sleep(0);
            barrier.reset();
            assertTrue(LockTest.REPR.matcher(barrier.toString()).matches());
            assertTrue(barrier.toString().contains("resetting"), barrier.toString());
            for (int i = 0; i < incr; i++) {
                waiters.add(createTask(barrier::await));
            }
            sleep(0);
            barrier.abort();
            assertTrue(LockTest.REPR.matcher(barrier.toString()).matches());
            assertTrue(barrier.toString().contains("broken"));
            assertTrue(barrier.broken());
            gather(waiters, true).await();
        });
    }

    @Test
    void parties() {
        // test_locks.BarrierTests.test_barrier_parties
        assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertThrows(IllegalArgumentException.class, () -> new Barrier(-4));
        assertEquals(N, new Barrier(N).parties());
    }

    @Test
    void indexes() throws Exception {
        // test_locks.BarrierTests.test_context_manager (async with barrier as i)
        runVirtual(() -> {
            Barrier barrier = new Barrier(3);
            List<Integer> results = gatherTasks(3, barrier::await);
            List<Integer> sorted = new ArrayList<>(results);
            Collections.sort(sorted);
            assertEquals(List.of(0, 1, 2), sorted);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingOneTask() throws Exception {
        // test_locks.BarrierTests.test_filling_one_task
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            assertEquals(0, barrier.await());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingOneTaskTwice() throws Exception {
        // test_locks.BarrierTests.test_filling_one_task_twice
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            Task<Integer> t1 = createTask(barrier::await);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            Task<Integer> t2 = createTask(barrier::await);
            sleep(0);
            assertEquals(t1.result(), t2.result());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void fillingTaskByTask() throws Exception {
        // test_locks.BarrierTests.test_filling_task_by_task
        runVirtual(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> t1 = createTask(barrier::await);
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertTrue(barrier.toString().contains("filling"));
            Task<Integer> t2 = createTask(barrier::await);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            Task<Integer> t3 = createTask(barrier::await);
            sleep(0);
            Asyncio.wait(List.of(t1, t2, t3));
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void fillingTasksWaitTwice() throws Exception {
        // test_locks.BarrierTests.test_filling_tasks_wait_twice
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = Collections.synchronizedList(new ArrayList<>());
            gatherTasks(N, () -> {
                barrier.await();
                results.add(true);
                barrier.await();
                results.add(false);
                return null;
            });
            assertEquals(2 * N, results.size());
            assertEquals(N, Collections.frequency(results, true));
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void drainingState() throws Exception {
        // test_locks.BarrierTests.test_draining_state
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            gatherTasks(N, () -> {
                barrier.await();
                results.add(barrier.toString().contains("draining"));
                return null;
            });
            assertEquals(N, results.size());
            assertFalse(results.get(N - 1));
            assertTrue(results.subList(0, N - 1).stream().allMatch(b -> b));
        });
    }

    @Test
    void blockingTasksWhileDraining() throws Exception {
        // test_locks.BarrierTests.test_blocking_tasks_while_draining
        runVirtual(() -> {
            int rewait = 2;
            Barrier barrier = new Barrier(N);
            Barrier barrierNowaiting = new Barrier(N - rewait);
            int[] rewaitN = {rewait};
            gatherTasks(N, () -> {
                barrier.await();
                if (rewaitN[0] > 0) {
                    rewaitN[0]--;
                    barrier.await();
                } else {
                    barrierNowaiting.await();
                    barrier.await();
                }
                return null;
            });
        });
    }

    @Test
    void fillingTasksCancelOne() throws Exception {
        // test_locks.BarrierTests.test_filling_tasks_cancel_one
        runVirtual(() -> {
            Barrier barrier = new Barrier(3);
            List<Boolean> results = new ArrayList<>();
            Coroutine<Void> coro = () -> { barrier.await(); results.add(true); return null; };
            Task<Void> t1 = createTask(coro);
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            Task<Void> t2 = createTask(coro);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            t1.cancel();
            sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertThrows(CancelledError.class, t1::await);
            assertTrue(t1.cancelled());
            Task<Void> t3 = createTask(coro);
            sleep(0);
            assertEquals(2, barrier.nWaiting());
            Task<Void> t4 = createTask(coro);
            gather(List.of(t2, t3, t4)).await();
            assertEquals(3, results.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrier() throws Exception {
        // test_locks.BarrierTests.test_reset_barrier
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            createTask(barrier::reset);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrierWhileTasksWaiting() throws Exception {
        // test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            List<Task<Void>> tasks = makeTasks(N - 1, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results.add(true);
                }
                return null;
            });
            sleep(0);
            createTask(barrier::reset);
            gather(tasks).await();
            assertEquals(N - 1, results.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrierWhenTasksHalfDraining() throws Exception {
        // test_locks.BarrierTests.test_reset_barrier_when_tasks_half_draining
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            int restOfTasks = N / 2;
            gatherTasks(N, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                    return null;
                }
                if (restOfTasks == barrier.count()) {
                    barrier.reset(); // drained tasks outside the barrier reset it
                }
                return null;
            });
            assertEquals(restOfTasks, results1.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    @Test
    void resetBarrierWhileTasksWaitingAndWaitingAgain() throws Exception {
        // test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Task<Void>> tasks = makeTasks(N - 1, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                } finally {
                    barrier.await();
                    results2.add(true);
                }
                return null;
            });
            createTask(barrier::reset);
            sleep(0);
            createTask(() -> { barrier.await(); results2.add(true); return null; });
            gather(tasks).await();
            assertFalse(barrier.broken());
            assertEquals(N - 1, results1.size());
            assertEquals(N, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void resetBarrierWhileTasksDraining() throws Exception {
        // test_locks.BarrierTests.test_reset_barrier_while_tasks_draining
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Boolean> results3 = new ArrayList<>();
            int[] count = {0};
            gatherTasks(N, () -> {
                barrier.await();
                count[0]++;
                if (count[0] == N) {
                    barrier.reset();
                    barrier.await();
                } else {
                    try {
                        barrier.await();
                        results1.add(true);
                    } catch (RuntimeException e) {
                        results2.add(true);
                    }
                }
                barrier.await();
                results3.add(true);
                return null;
            });
            assertFalse(barrier.broken());
            assertEquals(N - 1, results1.size());
            assertEquals(0, results2.size());
            assertEquals(N, results3.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void abortBarrier() throws Exception {
        // test_locks.BarrierTests.test_abort_barrier
        runVirtual(() -> {
            Barrier barrier = new Barrier(1);
            createTask(barrier::abort);
            sleep(0);
            assertEquals(0, barrier.nWaiting());
            assertTrue(barrier.broken());
            assertThrows(BrokenBarrierError.class, barrier::await);
        });
    }

    @Test
    void abortBarrierWhenTasksHalfDrainingHalfBlocking() throws Exception {
        // test_locks.BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            int blockingTasks = N / 2;
            int[] count = {0};
            gatherTasks(N, () -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                    return null;
                }
                count[0]++;
                if (count[0] > blockingTasks) {
                    barrier.abort();
                } else {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results2.add(true);
                    }
                }
                return null;
            });
            assertTrue(barrier.broken());
            assertEquals(blockingTasks, results1.size());
            assertEquals(N - blockingTasks - 1, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void abortBarrierWhenException() throws Exception {
        // test_locks.BarrierTests.test_abort_barrier_when_exception
        runVirtual(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            gatherTasks(N, () -> {
                try {
                    int i = barrier.await();
                    if (i == N / 2) {
                        throw new ArithmeticException("boom");
                    }
                    barrier.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                } catch (ArithmeticException e) {
                    barrier.abort();
                }
                return null;
            });
            assertTrue(barrier.broken());
            assertEquals(0, results1.size());
            assertEquals(N - 1, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    @Test
    void abortBarrierWhenExceptionThenResetting() throws Exception {
        // test_locks.BarrierTests.test_abort_barrier_when_exception_then_resetting
        runVirtual(() -> {
            Barrier barrier1 = new Barrier(N);
            Barrier barrier2 = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Boolean> results3 = new ArrayList<>();
            gatherTasks(N, () -> {
                try {
                    int i = barrier1.await();
                    if (i == N / 2) {
                        throw new ArithmeticException("boom");
                    }
                    barrier1.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                } catch (ArithmeticException e) {
                    barrier1.abort();
                }
                int i = barrier2.await();
                if (i == N / 2) {
                    barrier1.reset();
                }
                barrier2.await();
                barrier1.await();
                results3.add(true);
                return null;
            });
            assertFalse(barrier1.broken());
            assertEquals(0, results1.size());
            assertEquals(N - 1, results2.size());
            assertEquals(N, results3.size());
            assertEquals(0, barrier1.nWaiting());
        });
    }

    @Test
    void statistics() throws Exception {
        runVirtual(() -> {
            Barrier barrier = new Barrier(3);
            assertEquals(new Barrier.Statistics(Barrier.State.FILLING, 3, 0), barrier.statistics());
            List<Task<Integer>> ts = new ArrayList<>();
            IntStream.range(0, 2).forEach(i -> ts.add(createTask(barrier::await)));
            sleep(0);
            assertEquals(new Barrier.Statistics(Barrier.State.FILLING, 3, 2), barrier.statistics());
            ts.add(createTask(barrier::await));
            gather(ts).await();
            assertEquals(new Barrier.Statistics(Barrier.State.FILLING, 3, 0), barrier.statistics());
        });
    }
}
