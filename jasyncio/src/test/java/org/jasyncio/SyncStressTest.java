package org.jasyncio;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jasyncio.locks.BoundedSemaphore;
import org.jasyncio.locks.Lock;
import org.jasyncio.locks.Semaphore;
import org.jasyncio.queues.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many tasks on one primitive, with random cancellations: mutual exclusion holds, nothing is
 * lost or duplicated, nothing hangs, and every primitive ends in its initial state. Runs on
 * the virtual-time loop (the sleeps cost nothing), with fixed seeds.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncStressTest {
    static final int TASKS = 1_000;
    static final int ROUNDS = 20;
    static final int CANCELS = 300;

    /** Has TASKS tasks hold a primitive ROUNDS times each, checking the occupancy bound. */
    private static void contend(Runnable enter, Runnable leave, int bound, long seed) throws Exception {
        runVirtual(() -> {
            Random rnd = new Random(seed);
            int[] inside = {0};
            int[] maxInside = {0};
            long[] completed = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                long taskSeed = rnd.nextLong();
                tasks.add(createTask(() -> {
                    Random r = new Random(taskSeed);
                    for (int k = 0; k < ROUNDS; k++) {
                        enter.run();
                        inside[0]++;
                        try {
                            maxInside[0] = Math.max(maxInside[0], inside[0]);
                            assertTrue(inside[0] <= bound, "too many tasks inside: " + inside[0]);
                            if (r.nextBoolean()) {
                                sleep(r.nextInt(3) / 1000.0); // suspend while holding it
                            }
                            completed[0]++;
                        } finally {
                            inside[0]--;
                            leave.run();
                        }
                        if (r.nextInt(4) == 0) {
                            sleep(0);
                        }
                    }
                }));
            }
            // Cancel random tasks at random moments: waiting, just woken, or inside.
            Task<Void> chaos = createTask(() -> {
                for (int i = 0; i < CANCELS; i++) {
                    sleep(rnd.nextInt(5) / 1000.0);
                    tasks.get(rnd.nextInt(TASKS)).cancel();
                }
            });
            List<Object> results = gather(tasks, true).await();
            chaos.await();
            int cancelled = 0;
            for (Object r : results) {
                if (r instanceof CancelledError) {
                    cancelled++;
                } else {
                    assertNull(r, "a task failed: " + r);
                }
            }
            assertTrue(cancelled > 0, "the chaos task cancelled nobody");
            assertEquals(0, inside[0]);
            assertEquals(bound, maxInside[0], "the primitive was never fully used");
            assertTrue(completed[0] > (long) (TASKS - cancelled) * ROUNDS - 1);
        });
    }

    @Test
    void thousandTasksOnALock() throws Exception {
        Lock lock = new Lock();
        contend(() -> lock.acquire(), lock::release, 1, 42);
        assertFalse(lock.locked());
        assertEquals(new Lock.Statistics(false, 0), lock.statistics());
    }

    @Test
    void thousandTasksOnASemaphoreOfTen() throws Exception {
        Semaphore sem = new BoundedSemaphore(10); // bounded: a double release would throw
        contend(() -> sem.acquire(), sem::release, 10, 7);
        assertEquals(new Semaphore.Statistics(10, 0), sem.statistics());
        assertFalse(sem.locked());
    }

    @Test
    void hundredThousandItemsThroughABoundedQueue() throws Exception {
        final int producers = 10;
        final int consumers = 10;
        final int perProducer = 10_000;
        final int total = producers * perProducer;
        Queue<Integer> q = new Queue<>(100);
        runVirtual(() -> {
            Random rnd = new Random(2024);
            int[] seen = new int[total];
            int[] nextIndex = new int[producers]; // how far each producer got: survives its cancellation
            List<Task<Void>> workers = new ArrayList<>(); // the current worker of each supervisor
            List<Task<Void>> producerTasks = new ArrayList<>();
            List<Task<Void>> consumerTasks = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int slot = workers.size();
                workers.add(null);
                int id = p;
                long seed = rnd.nextLong();
                producerTasks.add(createTask(() -> produce(q, id, perProducer, nextIndex, workers, slot, seed)));
            }
            for (int c = 0; c < consumers; c++) {
                int slot = workers.size();
                workers.add(null);
                long seed = rnd.nextLong();
                consumerTasks.add(createTask(() -> consume(q, seen, workers, slot, seed)));
            }
            int[] cancels = {0};
            Task<Void> chaos = createTask(() -> {
                while (!producerTasks.stream().allMatch(Task::done)) {
                    sleep(rnd.nextInt(3) / 1000.0);
                    Task<Void> w = workers.get(rnd.nextInt(workers.size()));
                    if (w != null && w.cancel()) {
                        cancels[0]++;
                    }
                }
            });
            gather(producerTasks).await(); // supervisors restart cancelled producers...
            q.join();                      // ...and every item put was taken and processed
            chaos.await();
            assertTrue(cancels[0] > 50, "too few cancellations: " + cancels[0]);
            for (int i = 0; i < total; i++) {
                assertEquals(1, seen[i], "item " + i + " was " + (seen[i] == 0 ? "lost" : "duplicated"));
            }
            for (Task<Void> c : consumerTasks) {
                c.cancel();
            }
            for (Object r : gather(consumerTasks, true).await()) {
                assertInstanceOf(CancelledError.class, r);
            }
        });
        assertEquals(new Queue.Statistics(0, 100, 0, 0, 0, false), q.statistics());
    }

    /** Puts this producer's items, restarting its worker after each cancellation; it resumes after the last item put. */
    private static void produce(Queue<Integer> q, int id, int count, int[] next, List<Task<Void>> workers, int slot,
            long seed) throws Exception {
        Random r = new Random(seed);
        while (next[id] < count) {
            Task<Void> t = createTask(() -> {
                while (next[id] < count) {
                    q.put(id * count + next[id]); // cancel-safe: put or not put, never half
                    next[id]++;
                    if (r.nextInt(8) == 0) {
                        sleep(0);
                    }
                }
            });
            workers.set(slot, t);
            try {
                t.await();
            } catch (CancelledError e) {
                // the chaos task cancelled the worker: start it again
            }
        }
    }

    /** Takes items until cancelled, restarting its worker after each cancellation by the chaos task. */
    private static void consume(Queue<Integer> q, int[] seen, List<Task<Void>> workers, int slot, long seed)
            throws Exception {
        Random r = new Random(seed);
        while (true) {
            Task<Void> t = createTask(() -> {
                while (true) {
                    int item = q.get(); // cancel-safe: no item is taken if cancelled
                    seen[item]++;
                    q.taskDone();
                    if (r.nextInt(4) == 0) {
                        sleep(r.nextInt(2) / 1000.0);
                    }
                }
            });
            workers.set(slot, t);
            try {
                t.await();
            } catch (CancelledError e) {
                if (Asyncio.currentTask().cancelling() > 0) {
                    throw e; // we were cancelled ourselves (the cancellation reached t too): the test is over
                }
            }
        }
    }
}
