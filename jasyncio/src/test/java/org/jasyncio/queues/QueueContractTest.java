package org.jasyncio.queues;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Task;
import org.jasyncio.TaskGroup;
import org.jasyncio.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every queue keeps (CPython's test_queues: QueueBasicTests, QueueGetTests,
 * QueuePutTests, _QueueJoinTestMixin, _QueueShutdownTestMixin), run against {@link Queue},
 * {@link LifoQueue} and {@link PriorityQueue} by the subclasses. Items are integers (or
 * strings), so every queue kind can hold them; tests whose outcome depends on the order
 * use one item at a time.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class QueueContractTest {

    abstract <E> Queue<E> newQueue(int maxsize);

    <E> Queue<E> newQueue() {
        return newQueue(0);
    }

    // ---- QueueBasicTests -------------------------------------------------------------

    @Test
    void repr() throws Exception {
        // test_queues.QueueBasicTests.test_repr / _test_repr_or_str
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            String name = q.getClass().getSimpleName();
            assertTrue(q.toString().startsWith("<" + name + " at 0x"), q.toString());
            Task<Integer> getter = createTask(q::get);
            sleep(0);
            assertTrue(q.toString().contains("_getters[1]"), q.toString());
            q.putNowait(0);
            assertEquals(0, getter.await());

            Queue<Integer> q2 = newQueue(1);
            q2.putNowait(1);
            Task<Void> putter = createTask(() -> q2.put(2));
            sleep(0);
            assertTrue(q2.toString().contains("_putters[1]"), q2.toString());
            q2.getNowait();
            putter.await();

            Queue<Integer> q3 = newQueue();
            q3.putNowait(1);
            assertTrue(q3.toString().contains("_queue=[1]"), q3.toString());
        });
    }

    @Test
    void format() {
        // test_queues._QueueJoinTestMixin.test_format, _QueueShutdownTestMixin.test_format
        Queue<Integer> q = newQueue();
        assertTrue(q.toString().endsWith(" maxsize=0>"), q.toString());
        q.putNowait(1);
        q.putNowait(2);
        assertTrue(q.toString().contains(" tasks=2"), q.toString());
        q.shutdown();
        assertTrue(q.toString().endsWith(" shutdown>"), q.toString());
    }

    @Test
    void reprShowsAtMostTenItems() {
        Queue<Integer> q = newQueue();
        for (int i = 0; i < 50; i++) {
            q.putNowait(7);
        }
        assertTrue(q.toString().contains("7, 7, ...]"), q.toString());
        assertTrue(q.toString().length() < 200);
    }

    @Test
    void empty() throws Exception {
        // test_queues.QueueBasicTests.test_empty
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            assertTrue(q.empty());
            q.put(1);
            assertFalse(q.empty());
            assertEquals(1, q.get());
            assertTrue(q.empty());
        });
    }

    @Test
    void full() throws Exception {
        // test_queues.QueueBasicTests.test_full
        runVirtual(() -> {
            assertFalse(newQueue().full());
            Queue<Integer> q = newQueue(1);
            q.put(1);
            assertTrue(q.full());
        });
    }

    @Test
    void maxsize() throws Exception {
        // test_queues.QueueBasicTests.test_maxsize
        runVirtual(() -> {
            Queue<Integer> q = newQueue(2);
            assertEquals(2, q.maxsize());
            List<Integer> haveBeenPut = new ArrayList<>();
            Task<Boolean> t = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                    haveBeenPut.add(i);
                }
                return true;
            });
            sleep(0);
            sleep(0);
            assertEquals(List.of(0, 1), haveBeenPut);
            int first = q.get();
            sleep(0);
            assertEquals(List.of(0, 1, 2), haveBeenPut);
            Set<Integer> got = new HashSet<>(List.of(first, q.get(), q.get()));
            assertEquals(Set.of(0, 1, 2), got);
            assertTrue(t.done() && t.result());
        });
    }

    @Test
    void nonPositiveMaxsizeIsUnbounded() {
        Queue<Integer> q = newQueue(-3);
        assertEquals(0, q.maxsize());
        for (int i = 0; i < 1000; i++) {
            q.putNowait(i);
        }
        assertFalse(q.full());
    }

    @Test
    void nullItemsAreRejected() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            assertThrows(NullPointerException.class, () -> q.putNowait(null));
            assertThrows(NullPointerException.class, () -> q.put(null));
            assertThrows(NullPointerException.class, () -> q.offer(null));
            assertThrows(NullPointerException.class, () -> q.offer(null, 1.0));
            assertTrue(q.empty());
            assertEquals(0, q.statistics().unfinishedTasks());
        });
    }

    // ---- QueueGetTests ---------------------------------------------------------------

    @Test
    void blockingGet() throws Exception {
        // test_queues.QueueGetTests.test_blocking_get
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            q.putNowait(1);
            assertEquals(1, q.get());
        });
    }

    @Test
    void blockingGetWait() throws Exception {
        // test_queues.QueueGetTests.test_blocking_get_wait
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            boolean[] finished = {false};
            double start = getRunningLoop().time();
            Task<Integer> t = createTask(() -> {
                int res = q.get();
                finished[0] = true;
                return res;
            });
            sleep(0);
            assertFalse(finished[0]);
            getRunningLoop().callLater(0.01, () -> q.putNowait(1));
            assertEquals(1, t.await());
            assertTrue(finished[0]);
            assertEquals(0.01, getRunningLoop().time() - start, 1e-6);
        });
    }

    @Test
    void nonblockingGet() {
        // test_queues.QueueGetTests.test_nonblocking_get
        Queue<Integer> q = newQueue();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    @Test
    void nonblockingGetException() {
        // test_queues.QueueGetTests.test_nonblocking_get_exception
        assertThrows(QueueEmpty.class, () -> newQueue().getNowait());
    }

    @Test
    void getCancelledRace() throws Exception {
        // test_queues.QueueGetTests.test_get_cancelled_race
        runVirtual(() -> {
            Queue<String> q = newQueue();
            Task<String> t1 = createTask(q::get);
            Task<String> t2 = createTask(q::get);
            sleep(0);
            t1.cancel();
            sleep(0);
            assertTrue(t1.done());
            q.put("a");
            sleep(0);
            assertEquals("a", t2.await());
        });
    }

    @Test
    void getWithWaitingPutters() throws Exception {
        // test_queues.QueueGetTests.test_get_with_waiting_putters
        runVirtual(() -> {
            Queue<String> q = newQueue(1);
            createTask(() -> q.put("a"));
            createTask(() -> q.put("b"));
            assertEquals("a", q.get());
            assertEquals("b", q.get());
        });
    }

    @Test
    void whyAreGettersWaiting() throws Exception {
        // test_queues.QueueGetTests.test_why_are_getters_waiting
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            TaskGroup.run(tg -> {
                tg.createTask(() -> { for (int i = 0; i < 5; i++) { q.put(i); } });
                tg.createTask(() -> { for (int i = 0; i < 5; i++) { q.get(); } });
                return null;
            });
        });
    }

    @Test
    void cancelledGettersNotBeingHeldInSelfGetters() throws Exception {
        // test_queues.QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
        runVirtual(() -> {
            Queue<Integer> q = newQueue(5);
            assertThrows(TimeoutError.class, () -> Asyncio.waitFor(q::get, 0.1));
            assertEquals(0, q.statistics().getters());
        });
    }

    // ---- QueuePutTests ---------------------------------------------------------------

    @Test
    void blockingPut() throws Exception {
        // test_queues.QueuePutTests.test_blocking_put
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            q.put(1);
            assertEquals(1, q.get());
        });
    }

    @Test
    void blockingPutWait() throws Exception {
        // test_queues.QueuePutTests.test_blocking_put_wait
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            boolean[] finished = {false};
            getRunningLoop().callLater(0.01, q::getNowait);
            Task<Void> t = createTask(() -> {
                q.put(1);
                q.put(2);
                finished[0] = true;
            });
            sleep(0);
            assertFalse(finished[0]);
            t.await();
            assertTrue(finished[0]);
        });
    }

    @Test
    void nonblockingPut() {
        // test_queues.QueuePutTests.test_nonblocking_put
        Queue<Integer> q = newQueue();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    @Test
    void getCancelDropOnePendingReader() throws Exception {
        // test_queues.QueuePutTests.test_get_cancel_drop_one_pending_reader: a getter cancelled
        // after an item arrived for it does not lose the item
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            Task<Integer> reader = createTask(q::get);
            sleep(0);
            q.putNowait(1);
            q.putNowait(2);
            reader.cancel();
            try {
                reader.await();
            } catch (CancelledError e) {
                reader = createTask(q::get);
                reader.await();
            }
            int result = reader.result();
            // with a FIFO queue, 2 would mean 1 got dropped; for every kind, both items remain
            Set<Integer> all = new HashSet<>(List.of(result, q.getNowait()));
            assertEquals(Set.of(1, 2), all);
            if (q.getClass() == Queue.class) {
                assertEquals(1, result);
            }
        });
    }

    @Test
    void getCancelDropManyPendingReaders() throws Exception {
        // test_queues.QueuePutTests.test_get_cancel_drop_many_pending_readers
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            List<Task<Integer>> readers = new ArrayList<>();
            TaskGroup.run(tg -> {
                for (int i = 0; i < 3; i++) {
                    readers.add(tg.createTask(q::get));
                }
                sleep(0);
                q.putNowait(1);
                q.putNowait(2);
                readers.get(0).cancel();
                assertThrows(CancelledError.class, readers.get(0)::await);
                readers.get(2).await();
                return null;
            });
            assertEquals(Set.of(1, 2), Set.of(readers.get(1).result(), readers.get(2).result()));
        });
    }

    @Test
    void putCancelDrop() throws Exception {
        // test_queues.QueuePutTests.test_put_cancel_drop
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            q.putNowait(1);
            Task<Void> writer = createTask(() -> q.put(2));
            sleep(0);
            assertEquals(1, q.getNowait());
            writer.cancel();
            try {
                writer.await();
            } catch (CancelledError e) {
                writer = createTask(() -> q.put(2));
                writer.await();
            }
            assertEquals(2, q.getNowait());
            assertEquals(0, q.qsize());
        });
    }

    @Test
    void nonblockingPutException() {
        // test_queues.QueuePutTests.test_nonblocking_put_exception
        Queue<Integer> q = newQueue(1);
        q.putNowait(1);
        assertThrows(QueueFull.class, () -> q.putNowait(2));
        assertEquals(1, q.qsize());
    }

    @Test
    void putCancelled() throws Exception {
        // test_queues.QueuePutTests.test_put_cancelled
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            Task<Boolean> t = createTask(() -> { q.put(1); return true; });
            assertEquals(1, q.get());
            assertTrue(t.done() && t.result());
        });
    }

    @Test
    void putCancelledRace() throws Exception {
        // test_queues.QueuePutTests.test_put_cancelled_race
        runVirtual(() -> {
            Queue<String> q = newQueue(1);
            Task<Void> putA = createTask(() -> q.put("a"));
            Task<Void> putB = createTask(() -> q.put("b"));
            Task<Void> putC = createTask(() -> q.put("X"));
            sleep(0);
            assertTrue(putA.done());
            assertFalse(putB.done());
            putC.cancel();
            sleep(0);
            assertTrue(putC.done());
            assertEquals("a", q.getNowait());
            sleep(0);
            assertEquals("b", q.getNowait());
            putB.await();
        });
    }

    @Test
    void putWithWaitingGetters() throws Exception {
        // test_queues.QueuePutTests.test_put_with_waiting_getters
        runVirtual(() -> {
            Queue<String> q = newQueue();
            Task<String> t = createTask(q::get);
            sleep(0);
            q.put("a");
            assertEquals("a", t.await());
        });
    }

    @Test
    void whyArePuttersWaiting() throws Exception {
        // test_queues.QueuePutTests.test_why_are_putters_waiting
        runVirtual(() -> {
            Queue<Integer> q = newQueue(2);
            TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    sleep(0);
                    int num = q.qsize();
                    for (int i = 0; i < num; i++) {
                        q.getNowait();
                    }
                });
                for (int i = 0; i < 4; i++) {
                    int k = i;
                    tg.createTask(() -> q.put(k));
                }
                return null;
            });
        });
    }

    @Test
    void cancelledPutsNotBeingHeldInSelfPutters() throws Exception {
        // test_queues.QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            q.putNowait(1);
            Task<Void> putTask = createTask(() -> q.put(1));
            sleep(0);
            assertEquals(1, q.statistics().putters());
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
            assertEquals(0, q.statistics().putters());
        });
    }

    @Test
    void cancelledPutSilenceValueErrorException() throws Exception {
        // test_queues.QueuePutTests.test_cancelled_put_silence_value_error_exception
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            q.putNowait(1);
            Task<Void> putTask = createTask(() -> q.put(1));
            sleep(0);
            q.getNowait();
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
            assertEquals(0, q.qsize(), "the cancelled putter did not put");
            assertEquals(0, q.statistics().putters());
        });
    }

    // ---- _QueueJoinTestMixin ---------------------------------------------------------

    @Test
    void taskDoneUnderflow() {
        // test_queues._QueueJoinTestMixin.test_task_done_underflow
        assertThrows(IllegalStateException.class, () -> newQueue().taskDone());
    }

    @Test
    void taskDone() throws Exception {
        // test_queues._QueueJoinTestMixin.test_task_done
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            for (int i = 0; i < 100; i++) {
                q.putNowait(i);
            }
            int[] accumulator = {0};
            boolean[] running = {true};
            TaskGroup.run(tg -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    tasks.add(tg.createTask(() -> {
                        while (running[0]) {
                            int item = q.get();
                            accumulator[0] += item;
                            q.taskDone();
                        }
                    }));
                }
                q.join();
                assertEquals(4950, accumulator[0]);
                running[0] = false;
                for (int i = 0; i < tasks.size(); i++) {
                    q.putNowait(0);
                }
                return null;
            });
        });
    }

    @Test
    void joinEmptyQueue() throws Exception {
        // test_queues._QueueJoinTestMixin.test_join_empty_queue
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            q.join();
            q.join();
        });
    }

    // ---- _QueueShutdownTestMixin -----------------------------------------------------

    @Test
    void shutdownEmpty() throws Exception {
        // test_queues._QueueShutdownTestMixin.test_shutdown_empty
        runVirtual(() -> {
            Queue<String> q = newQueue();
            Task<String> getTask = createTask(q::get);
            sleep(0);
            q.shutdown(false);
            assertEquals(0, q.qsize());
            q.join();
            sleep(0);
            assertTrue(getTask.done());
            assertThrows(QueueShutDown.class, getTask::await);
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);
        });
    }

    @Test
    void shutdownNonempty() throws Exception {
        // test_queues._QueueShutdownTestMixin.test_shutdown_nonempty
        runVirtual(() -> {
            Queue<String> q = newQueue(1);
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            Task<Void> putTask = createTask(() -> q.put("data2"));
            sleep(0);
            assertFalse(putTask.done());
            q.shutdown(false);
            assertEquals(1, q.qsize());
            sleep(0);
            assertTrue(putTask.done());
            assertThrows(QueueShutDown.class, putTask::await);
            assertEquals("data", q.get());
            sleep(0);
            assertFalse(joinTask.done());
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);
            q.taskDone();
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
            assertThrows(IllegalStateException.class, q::taskDone);
        });
    }

    @Test
    void shutdownImmediate() throws Exception {
        // test_queues._QueueShutdownTestMixin.test_shutdown_immediate
        runVirtual(() -> {
            Queue<String> q = newQueue();
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            q.shutdown(true);
            assertEquals(0, q.qsize());
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);
            assertThrows(IllegalStateException.class, q::taskDone);
        });
    }

    @Test
    void shutdownImmediateWithUnfinished() throws Exception {
        // test_queues._QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished
        runVirtual(() -> {
            Queue<String> q = newQueue();
            q.putNowait("data");
            q.putNowait("data");
            Task<Void> joinTask = createTask(q::join);
            assertEquals("data", q.get());
            q.shutdown(true);
            assertEquals(0, q.qsize());
            sleep(0);
            assertFalse(joinTask.done());
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, q::get);
            q.taskDone();
            assertThrows(IllegalStateException.class, q::taskDone);
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
        });
    }

    @Test
    void shutdownWakesEveryWaiter() throws Exception {
        runVirtual(() -> {
            Queue<Integer> full = newQueue(1);
            full.putNowait(1);
            Queue<Integer> empty = newQueue();
            List<Task<?>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(createTask(() -> full.put(2)));
                waiters.add(createTask(empty::get));
            }
            sleep(0);
            assertEquals(3, full.statistics().putters());
            assertEquals(3, empty.statistics().getters());
            full.shutdown();
            empty.shutdown();
            List<Object> results = gather(waiters, true).await();
            for (Object r : results) {
                assertInstanceOf(QueueShutDown.class, r);
            }
            assertEquals(new Queue.Statistics(1, 1, 0, 0, 1, true), full.statistics());
            assertEquals(new Queue.Statistics(0, 0, 0, 0, 0, true), empty.statistics());
            assertEquals(1, full.get(), "a graceful shutdown still lets getters drain the queue");
        });
    }

    @Test
    void aGetterQueuedBehindTheLastItemsAtShutdownEndsWithQueueShutDown() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            Task<Integer> g0 = createTask(q::get);
            sleep(0);
            Task<Integer> late = createTask(q::get); // scheduled: runs before g0 is woken below
            q.putNowait(1);   // promised to g0, which has not run yet
            q.shutdown();
            sleep(0);         // late queues behind g0 (the item is g0's); g0 takes it
            assertEquals(1, g0.await());
            assertThrows(QueueShutDown.class, late::await, "drained: the latecomer is woken and told");
            assertEquals(0, q.statistics().getters());
        });
    }

    @Test
    void anItemPromisedToACancelledGetterGoesToTheNextOneEvenAfterShutdown() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            Task<Integer> g0 = createTask(q::get);
            sleep(0);
            Task<Integer> late = createTask(q::get);
            q.putNowait(1);
            q.shutdown();
            g0.cancel();      // g0 was woken for the item, but is cancelled before it runs
            assertThrows(CancelledError.class, g0::await);
            assertEquals(1, late.await(), "the item is not stranded in a shut-down queue");
        });
    }

    // ---- the four forms --------------------------------------------------------------

    @Test
    void offerAndPollAreTheSpecialValueForms() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            assertNull(q.poll());
            assertTrue(q.offer(5));
            assertFalse(q.offer(6));
            assertEquals(1, q.qsize());
            assertEquals(5, q.poll());
            q.shutdown();
            assertThrows(QueueShutDown.class, () -> q.offer(1));
            assertThrows(QueueShutDown.class, q::poll);
        });
    }

    @Test
    void timedOfferAndPoll() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            double t0 = getRunningLoop().time();
            assertNull(q.poll(0.5));
            assertEquals(0.5, getRunningLoop().time() - t0, 1e-6);
            assertNull(q.poll(0));
            assertEquals(0, q.statistics().getters());

            assertTrue(q.offer(1, 1.0));
            t0 = getRunningLoop().time();
            assertFalse(q.offer(2, Duration.ofMillis(250)));
            assertEquals(0.25, getRunningLoop().time() - t0, 1e-6);
            assertEquals(0, q.statistics().putters());
            assertEquals(1, q.qsize());

            getRunningLoop().callLater(0.1, q::getNowait);
            t0 = getRunningLoop().time();
            assertTrue(q.offer(3, 1.0));
            assertEquals(0.1, getRunningLoop().time() - t0, 1e-6);
            assertEquals(3, q.poll(Duration.ofSeconds(1)));

            getRunningLoop().callLater(0.2, () -> q.putNowait(4));
            assertEquals(4, q.poll(Double.POSITIVE_INFINITY));

            assertThrows(IllegalArgumentException.class, () -> q.poll(-1));
            assertThrows(IllegalArgumentException.class, () -> q.poll(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> q.offer(1, Duration.ofSeconds(-1)));
        });
    }

    @Test
    void timedPollLeavesAnOuterTimeoutAlone() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            double t0 = getRunningLoop().time();
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.5, () -> q.poll(10)));
            assertEquals(0.5, getRunningLoop().time() - t0, 1e-6);
            assertEquals(0, q.statistics().getters());
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    // ---- fairness ----------------------------------------------------------------------

    @Test
    void waitingGettersAreServedFifo() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            List<String> order = new ArrayList<>();
            List<Task<Void>> getters = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String name = "g" + i;
                getters.add(createTask(() -> { q.get(); order.add(name); }));
            }
            sleep(0);
            for (int i = 0; i < 5; i++) {
                q.putNowait(i);
            }
            // a latecomer queues behind the five, though items arrived before it ran
            Task<Void> late = createTask(() -> { q.get(); order.add("late"); });
            sleep(0);
            q.putNowait(9);
            gather(getters).await();
            late.await();
            assertEquals(List.of("g0", "g1", "g2", "g3", "g4", "late"), order);
        });
    }

    @Test
    void waitingPuttersAreServedFifo() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue(1);
            q.putNowait(0);
            List<String> order = new ArrayList<>();
            List<Task<Void>> putters = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                int k = i;
                putters.add(createTask(() -> { q.put(k); order.add("p" + k); }));
            }
            sleep(0);
            for (int i = 0; i < 5; i++) {
                q.get();
            }
            gather(putters).await();
            assertEquals(List.of("p1", "p2", "p3", "p4"), order);
        });
    }

    @Test
    void aNewGetterQueuesBehindAWokenOne() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            List<String> order = new ArrayList<>();
            Task<Void> g0 = createTask(() -> { q.get(); order.add("g0"); });
            sleep(0);
            q.putNowait(1);                 // wakes g0, which has not run yet
            getRunningLoop().callLater(0.1, () -> q.putNowait(2));
            q.get();                        // must not take the item promised to g0
            order.add("main");
            g0.await();
            assertEquals(List.of("g0", "main"), order);
        });
    }

    @Test
    void aNewPutterQueuesBehindAWokenOne() throws Exception {
        runVirtual(() -> {
            Queue<String> q = newQueue(1);
            q.putNowait("x");
            Task<Void> p0 = createTask(() -> q.put("p0"));
            sleep(0);
            assertEquals("x", q.getNowait()); // frees the slot for p0, which has not run yet
            getRunningLoop().callLater(0.1, q::getNowait);
            q.put("main");                    // must not take the slot promised to p0
            p0.await();
            assertEquals("main", q.getNowait());
            assertTrue(q.empty());
        });
    }

    @Test
    void aWokenGetterRobbedByGetNowaitKeepsItsPlace() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = newQueue();
            List<String> order = new ArrayList<>();
            Task<Void> first = createTask(() -> { q.get(); order.add("first"); });
            sleep(0);
            Task<Void> second = createTask(() -> { q.get(); order.add("second"); });
            sleep(0);
            q.putNowait(1);      // wakes first
            q.getNowait();       // ... but takes the item away before first runs
            sleep(0);            // first finds nothing and waits again, still at the head
            assertEquals(2, q.statistics().getters());
            q.putNowait(2);
            sleep(0);
            assertEquals(List.of("first"), order);
            q.putNowait(3);
            second.await();
            first.await();
            assertEquals(List.of("first", "second"), order);
        });
    }
}
