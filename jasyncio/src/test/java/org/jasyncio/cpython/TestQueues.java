package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.Asyncio.waitFor;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.TaskGroup;
import org.jasyncio.TimeoutError;
import org.jasyncio.locks.Event;
import org.jasyncio.queues.LifoQueue;
import org.jasyncio.queues.PriorityQueue;
import org.jasyncio.queues.Queue;
import org.jasyncio.queues.QueueEmpty;
import org.jasyncio.queues.QueueFull;
import org.jasyncio.queues.QueueShutDown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CPython's {@code test_asyncio/test_queues.py}: {@link Queue}, {@link LifoQueue} and
 * {@link PriorityQueue}. Each test runs in a task of a virtual-time loop, as
 * {@code IsolatedAsyncioTestCase} runs each test in a task. CPython's join and shutdown mixins
 * run once per queue class; here they are parameterized tests over the three classes.
 *
 * <p>CPython reads the private {@code _getters}/{@code _putters}; the ports read the same
 * counts from {@link Queue#statistics()}.
 */
class TestQueues {

    /** The three queue classes, for the mixin tests (CPython's {@code q_class}). */
    static Stream<Arguments> queueClasses() {
        return Stream.of(
                Arguments.of("Queue", (IntFunction<Queue<Object>>) Queue::new),
                Arguments.of("LifoQueue", (IntFunction<Queue<Object>>) LifoQueue::new),
                Arguments.of("PriorityQueue", (IntFunction<Queue<Object>>) PriorityQueue::new));
    }

    // ---- QueueBasicTests ----------------------------------------------------------------

    // CPython: test_queues.py::QueueBasicTests::test_repr
    @Test
    void testRepr() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.toString().startsWith("<Queue"), q.toString());
            // hex(id(q)) is the identity hash here.
            assertTrue(q.toString().contains("0x" + Integer.toHexString(System.identityHashCode(q))), q.toString());

            // getters
            Queue<Integer> q2 = new Queue<>();
            Task<Integer> getter;
            try (TaskGroup tg = new TaskGroup()) {
                // Start a task that waits to get, and let it start waiting.
                getter = tg.createTask(q2::get);
                sleep(0);
                assertTrue(q2.toString().contains("_getters[1]"), q2.toString());
                q2.putNowait(0);
                tg.join();
            }
            assertEquals(0, getter.await());

            // putters
            Queue<Integer> q3 = new Queue<>(1);
            Task<Void> putter;
            try (TaskGroup tg = new TaskGroup()) {
                q3.putNowait(1);
                putter = tg.createTask(() -> q3.put(2));
                sleep(0);
                assertTrue(q3.toString().contains("_putters[1]"), q3.toString());
                q3.getNowait();
                tg.join();
            }
            assertTrue(putter.done());

            Queue<Integer> q4 = new Queue<>();
            q4.putNowait(1);
            assertTrue(q4.toString().contains("_queue=[1]"), q4.toString());
        });
    }

    // CPython: test_queues.py::QueueBasicTests::test_empty
    @Test
    void testEmpty() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.empty());
            q.put(1);
            assertFalse(q.empty());
            assertEquals(1, q.get());
            assertTrue(q.empty());
        });
    }

    // CPython: test_queues.py::QueueBasicTests::test_full
    @Test
    void testFull() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            assertFalse(q.full());

            Queue<Integer> q1 = new Queue<>(1);
            q1.put(1);
            assertTrue(q1.full());
        });
    }

    // CPython: test_queues.py::QueueBasicTests::test_order
    @Test
    void testOrder() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> items = List.of(q.get(), q.get(), q.get());
            assertEquals(List.of(1, 3, 2), items);
        });
    }

    // CPython: test_queues.py::QueueBasicTests::test_maxsize
    @Test
    void testMaxsize() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(2);
            assertEquals(2, q.maxsize());
            List<Integer> haveBeenPut = new ArrayList<>();

            Task<Boolean> t = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    q.put(i);
                    haveBeenPut.add(i);
                }
                return true;
            });
            for (int i = 0; i < 2; i++) {
                sleep(0);
            }

            // The putter is blocked after putting two items.
            assertEquals(List.of(0, 1), haveBeenPut);
            assertEquals(0, q.get());

            // Let the putter resume and put the last item.
            sleep(0);
            assertEquals(List.of(0, 1, 2), haveBeenPut);
            assertEquals(1, q.get());
            assertEquals(2, q.get());

            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    // ---- QueueGetTests ------------------------------------------------------------------

    // CPython: test_queues.py::QueueGetTests::test_blocking_get
    @Test
    void testBlockingGet() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            q.putNowait(1);
            assertEquals(1, q.get());
        });
    }

    // CPython: test_queues.py::QueueGetTests::test_get_with_putters
    @Test
    void testGetWithPutters() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.put(1);

            // Deviation: CPython appends a bare future to the private _putters; here a real
            // putter task waits, and get() must hand it the freed slot.
            Task<Void> putter = createTask(() -> q.put(2));
            sleep(0);
            assertEquals(1, q.statistics().putters());

            assertEquals(1, q.get());
            sleep(0);
            assertTrue(putter.done());
            assertNull(putter.result());
            assertEquals(2, q.getNowait());
        });
    }

    // CPython: test_queues.py::QueueGetTests::test_blocking_get_wait
    @Test
    void testBlockingGetWait() throws Exception {
        runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            Queue<Integer> q = new Queue<>();
            Event started = new Event();
            boolean[] finished = {false};

            Task<Integer> queueGetTask = createTask(() -> {
                started.set();
                int res = q.get();
                finished[0] = true;
                return res;
            });
            started.await();
            assertFalse(finished[0]);
            loop.callLater(0.01, () -> q.putNowait(1));
            int res = queueGetTask.await();
            assertTrue(finished[0]);
            assertEquals(1, res);
        });
    }

    // CPython: test_queues.py::QueueGetTests::test_nonblocking_get
    @Test
    void testNonblockingGet() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    // CPython: test_queues.py::QueueGetTests::test_nonblocking_get_exception
    @Test
    void testNonblockingGetException() {
        Queue<Integer> q = new Queue<>();
        assertThrows(QueueEmpty.class, q::getNowait);
    }

    // CPython: test_queues.py::QueueGetTests::test_get_cancelled_race
    @Test
    void testGetCancelledRace() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>();

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

    // CPython: test_queues.py::QueueGetTests::test_get_with_waiting_putters
    @Test
    void testGetWithWaitingPutters() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>(1);
            createTask(() -> q.put("a"));
            createTask(() -> q.put("b"));
            assertEquals("a", q.get());
            assertEquals("b", q.get());
        });
    }

    // CPython: test_queues.py::QueueGetTests::test_why_are_getters_waiting
    @Test
    void testWhyAreGettersWaiting() throws Exception {
        runVirtual(() -> {
            int producerNumItems = 5;
            Queue<Integer> q = new Queue<>(1);
            // Both finish, or the group (and the test) never ends.
            try (TaskGroup tg = new TaskGroup()) {
                tg.createTask(() -> {
                    for (int i = 0; i < producerNumItems; i++) {
                        q.put(i);
                    }
                });
                tg.createTask(() -> {
                    for (int i = 0; i < producerNumItems; i++) {
                        q.get();
                    }
                });
                tg.join();
            }
        });
    }

    // CPython: test_queues.py::QueueGetTests::test_cancelled_getters_not_being_held_in_self_getters
    @Test
    void testCancelledGettersNotBeingHeldInSelfGetters() throws Exception {
        runVirtual(() -> {
            Queue<Integer> queue = new Queue<>(5);
            assertThrows(TimeoutError.class, () -> waitFor(queue::get, 0.1));
            assertEquals(0, queue.statistics().getters());
        });
    }

    // ---- QueuePutTests ------------------------------------------------------------------

    // CPython: test_queues.py::QueuePutTests::test_blocking_put
    @Test
    void testBlockingPut() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            // No maxsize, won't block.
            q.put(1);
            assertEquals(1, q.get());
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_blocking_put_wait
    @Test
    void testBlockingPutWait() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            Event started = new Event();
            boolean[] finished = {false};

            EventLoop loop = getRunningLoop();
            loop.callLater(0.01, q::getNowait);
            Task<Void> queuePutTask = createTask(() -> {
                started.set();
                q.put(1);
                q.put(2);
                finished[0] = true;
            });
            started.await();
            assertFalse(finished[0]);
            queuePutTask.await();
            assertTrue(finished[0]);
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_nonblocking_put
    @Test
    void testNonblockingPut() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(1);
        assertEquals(1, q.getNowait());
    }

    // CPython: test_queues.py::QueuePutTests::test_get_cancel_drop_one_pending_reader
    @Test
    void testGetCancelDropOnePendingReader() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();

            Task<Integer> reader = createTask(q::get);
            sleep(0);

            q.putNowait(1);
            q.putNowait(2);
            reader.cancel();

            try {
                reader.await();
            } catch (CancelledError e) {
                // try again
                reader = createTask(q::get);
                reader.await();
            }

            // if we get 2, it means 1 got dropped!
            assertEquals(1, reader.result());
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_get_cancel_drop_many_pending_readers
    @Test
    void testGetCancelDropManyPendingReaders() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> reader2;
            Task<Integer> reader3;
            try (TaskGroup tg = new TaskGroup()) {
                Task<Integer> reader1 = tg.createTask(q::get);
                reader2 = tg.createTask(q::get);
                reader3 = tg.createTask(q::get);

                sleep(0);

                q.putNowait(1);
                q.putNowait(2);
                reader1.cancel();

                assertThrows(CancelledError.class, reader1::await);
                reader3.await();
                tg.join();
            }
            // It is undefined in which order concurrent readers receive results.
            assertEquals(Set.of(1, 2), Set.of(reader2.result(), reader3.result()));
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_put_cancel_drop
    @Test
    void testPutCancelDrop() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.putNowait(1);

            // putting a second item in the queue has to block (qsize=1)
            Task<Void> writer = createTask(() -> q.put(2));
            sleep(0);

            int value1 = q.getNowait();
            assertEquals(1, value1);

            writer.cancel();
            try {
                writer.await();
            } catch (CancelledError e) {
                // try again
                writer = createTask(() -> q.put(2));
                writer.await();
            }

            int value2 = q.getNowait();
            assertEquals(2, value2);
            assertEquals(0, q.qsize());
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_nonblocking_put_exception
    @Test
    void testNonblockingPutException() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertThrows(QueueFull.class, () -> q.putNowait(2));
    }

    // CPython: test_queues.py::QueuePutTests::test_put_cancelled
    @Test
    void testPutCancelled() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Boolean> t = createTask(() -> {
                q.put(1);
                return true;
            });
            assertEquals(1, q.get());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_put_cancelled_race
    @Test
    void testPutCancelledRace() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>(1);

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

    // CPython: test_queues.py::QueuePutTests::test_put_with_waiting_getters
    @Test
    void testPutWithWaitingGetters() throws Exception {
        runVirtual(() -> {
            Queue<String> q = new Queue<>();
            Task<String> t = createTask(q::get);
            sleep(0);
            q.put("a");
            assertEquals("a", t.await());
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_why_are_putters_waiting
    @Test
    void testWhyArePuttersWaiting() throws Exception {
        runVirtual(() -> {
            Queue<Integer> queue = new Queue<>(2);
            try (TaskGroup tg = new TaskGroup()) {
                tg.createTask(() -> {
                    sleep(0);
                    int num = queue.qsize();
                    for (int i = 0; i < num; i++) {
                        queue.getNowait();
                    }
                });
                for (int item = 0; item < 4; item++) {
                    int it = item;
                    tg.createTask(() -> queue.put(it));
                }
                tg.join();
            }
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_cancelled_puts_not_being_held_in_self_putters
    @Test
    void testCancelledPutsNotBeingHeldInSelfPutters() throws Exception {
        runVirtual(() -> {
            // Full queue.
            Queue<Integer> queue = new Queue<>(1);
            queue.putNowait(1);

            // Task waiting for space to put an item in the queue.
            Task<Void> putTask = createTask(() -> queue.put(1));
            sleep(0);

            // The putter must leave the putters when the task is cancelled.
            assertEquals(1, queue.statistics().putters());
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
            assertEquals(0, queue.statistics().putters());
        });
    }

    // CPython: test_queues.py::QueuePutTests::test_cancelled_put_silence_value_error_exception
    @Test
    void testCancelledPutSilenceValueErrorException() throws Exception {
        runVirtual(() -> {
            // Full queue.
            Queue<Integer> queue = new Queue<>(1);
            queue.putNowait(1);

            // Task waiting for space to put an item in the queue.
            Task<Void> putTask = createTask(() -> queue.put(1));
            sleep(0);

            // getNowait() wakes the putter; the cancellation then comes after the wake-up,
            // and must surface as a plain CancelledError, nothing else.
            queue.getNowait();
            putTask.cancel();
            assertThrows(CancelledError.class, putTask::await);
        });
    }

    // ---- LifoQueueTests, PriorityQueueTests ---------------------------------------------

    // CPython: test_queues.py::LifoQueueTests::test_order
    @Test
    void testLifoOrder() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new LifoQueue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> items = List.of(q.get(), q.get(), q.get());
            assertEquals(List.of(2, 3, 1), items);
        });
    }

    // CPython: test_queues.py::PriorityQueueTests::test_order
    @Test
    void testPriorityOrder() throws Exception {
        runVirtual(() -> {
            Queue<Integer> q = new PriorityQueue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> items = List.of(q.get(), q.get(), q.get());
            assertEquals(List.of(1, 2, 3), items);
        });
    }

    // ---- _QueueJoinTestMixin (Queue, LifoQueue, PriorityQueue) -----------------------------

    // CPython: test_queues.py::_QueueJoinTestMixin::test_task_done_underflow
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testTaskDoneUnderflow(String name, IntFunction<Queue<Object>> qClass) {
        Queue<Object> q = qClass.apply(0);
        // Deviation: D1, asyncio's ValueError for a call in the wrong state is IllegalStateException.
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    // CPython: test_queues.py::_QueueJoinTestMixin::test_task_done
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testTaskDone(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            for (int i = 0; i < 100; i++) {
                q.putNowait(i);
            }
            int[] accumulator = {0};
            // Two workers get items from the queue and call taskDone after each; join the
            // queue and check every item was processed.
            boolean[] running = {true};
            try (TaskGroup tg = new TaskGroup()) {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int index = 0; index < 2; index++) {
                    tasks.add(tg.createTask(() -> {
                        while (running[0]) {
                            int item = (Integer) q.get();
                            accumulator[0] += item;
                            q.taskDone();
                        }
                    }));
                }
                q.join();
                assertEquals(4950, accumulator[0]);

                // stop the workers
                running[0] = false;
                for (int i = 0; i < tasks.size(); i++) {
                    q.putNowait(0);
                }
                tg.join();
            }
        });
    }

    // CPython: test_queues.py::_QueueJoinTestMixin::test_join_empty_queue
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testJoinEmptyQueue(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            // An empty queue joins at once (twice for insurance).
            q.join();
            q.join();
        });
    }

    // CPython: test_queues.py::_QueueJoinTestMixin::test_format
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testJoinFormat(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            // Deviation: CPython checks the private _format(); here the end of toString(),
            // which it builds.
            assertTrue(q.toString().endsWith(" maxsize=0>"), q.toString());

            // CPython sets _unfinished_tasks = 2; here two items are put and taken, not done.
            q.putNowait(1);
            q.putNowait(2);
            q.getNowait();
            q.getNowait();
            assertTrue(q.toString().endsWith(" maxsize=0 tasks=2>"), q.toString());
        });
    }

    // ---- _QueueShutdownTestMixin (Queue, LifoQueue, PriorityQueue) -------------------------

    // CPython: test_queues.py::_QueueShutdownTestMixin::test_format
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testShutdownFormat(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            q.shutdown();
            // Deviation: the private _format(), read from the end of toString().
            assertTrue(q.toString().endsWith(" maxsize=0 shutdown>"), q.toString());
        });
    }

    // CPython: test_queues.py::_QueueShutdownTestMixin::test_shutdown_empty
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testShutdownEmpty(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            EventLoop loop = getRunningLoop();
            Task<Object> getTask = loop.createTask(q::get);
            sleep(0); // the get task must wait before the shutdown

            q.shutdown(false); // unfinished tasks: 0 -> 0
            assertEquals(0, q.qsize());

            // join() finishes
            q.join();

            // the get task is finished, with QueueShutDown
            sleep(0);
            assertTrue(getTask.done());
            assertThrows(QueueShutDown.class, getTask::await);

            // put() and get() raise QueueShutDown
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);
        });
    }

    // CPython: test_queues.py::_QueueShutdownTestMixin::test_shutdown_nonempty
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testShutdownNonempty(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(1);
            EventLoop loop = getRunningLoop();

            q.putNowait("data");
            Task<Void> joinTask = loop.createTask(q::join);
            Task<Void> putTask = loop.createTask(() -> q.put("data2"));

            // the put task is not finished
            sleep(0);
            assertFalse(putTask.done());

            q.shutdown(false); // unfinished tasks: 1 -> 1
            assertEquals(1, q.qsize());

            // the put task is finished, with QueueShutDown
            sleep(0);
            assertTrue(putTask.done());
            assertThrows(QueueShutDown.class, putTask::await);

            // get() succeeds on the queued item
            assertEquals("data", q.get());

            // the join task is not finished
            sleep(0);
            assertFalse(joinTask.done());

            // put() and get() raise QueueShutDown
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);

            // one unfinished task: its taskDone() releases join()
            q.taskDone();
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();

            // Deviation: D1, asyncio's ValueError for a call in the wrong state is IllegalStateException.
            assertThrows(IllegalStateException.class, q::taskDone, "Didn't appear to mark all tasks done");
        });
    }

    // CPython: test_queues.py::_QueueShutdownTestMixin::test_shutdown_immediate
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testShutdownImmediate(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            EventLoop loop = getRunningLoop();
            q.putNowait("data");
            Task<Void> joinTask = loop.createTask(q::join);

            q.shutdown(true); // unfinished tasks: 1 -> 0
            assertEquals(0, q.qsize());

            // the join task has finished
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();

            // put() and get() raise QueueShutDown
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);

            // no unfinished task is left
            // Deviation: D1, asyncio's ValueError for a call in the wrong state is IllegalStateException.
            assertThrows(IllegalStateException.class, q::taskDone, "Didn't appear to mark all tasks done");
        });
    }

    // CPython: test_queues.py::_QueueShutdownTestMixin::test_shutdown_immediate_with_unfinished
    @ParameterizedTest(name = "{0}")
    @MethodSource("queueClasses")
    void testShutdownImmediateWithUnfinished(String name, IntFunction<Queue<Object>> qClass) throws Exception {
        runVirtual(() -> {
            Queue<Object> q = qClass.apply(0);
            EventLoop loop = getRunningLoop();
            q.putNowait("data");
            q.putNowait("data");
            Task<Void> joinTask = loop.createTask(q::join);
            assertEquals("data", q.get());

            q.shutdown(true); // unfinished tasks: 2 -> 1
            assertEquals(0, q.qsize());

            // the join task is not finished
            sleep(0);
            assertFalse(joinTask.done());

            // put() and get() raise QueueShutDown
            assertThrows(QueueShutDown.class, () -> q.put("data"));
            assertThrows(QueueShutDown.class, () -> q.putNowait("data"));
            assertThrows(QueueShutDown.class, q::get);
            assertThrows(QueueShutDown.class, q::getNowait);

            // one unfinished task is left
            q.taskDone();
            // Deviation: D1, asyncio's ValueError for a call in the wrong state is IllegalStateException.
            assertThrows(IllegalStateException.class, q::taskDone, "Didn't appear to mark all tasks done");

            // the join task has finished
            sleep(0);
            assertTrue(joinTask.done());
            joinTask.await();
        });
    }
}
