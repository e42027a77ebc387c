package org.jasyncio.examples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jasyncio.Asyncio;
import org.jasyncio.Coroutine;
import org.jasyncio.Task;
import org.jasyncio.locks.Lock;
import org.jasyncio.queues.Queue;

/**
 * Queue throughput and lock handoff: the workloads of {@code bench/python/sync_bench.py}, in
 * the same output format (one {@code name value} line per workload, value in operations per
 * second, the median of the timed runs after warm-up runs):
 *
 * <ul>
 * <li>{@code queue_1x1}: items per second through a {@code Queue(100)}, 1 producer and 1 consumer</li>
 * <li>{@code queue_10x10}: the same with 10 producers and 10 consumers</li>
 * <li>{@code lock_100}: acquisitions per second of one {@link Lock} by 100 tasks, each
 *     holding it across a {@code sleep(0)}, so that every acquisition is a handoff to a
 *     waiting task</li>
 * </ul>
 *
 * <pre>
 * ./run-example.sh sync-bench [--items N] [--acquisitions N] [--rounds N] [--warmup N]
 * /usr/bin/python3 bench/python/sync_bench.py --loop asyncio   # and --loop uvloop
 * </pre>
 */
public final class SyncBench {
    private SyncBench() {}

    static double queueRun(int producers, int consumers, int items) throws Exception {
        Queue<Integer> q = new Queue<>(100);
        int perProducer = items / producers;
        int perConsumer = items / consumers;
        Integer item = 1;
        List<Task<Void>> tasks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int p = 0; p < producers; p++) {
            tasks.add(Asyncio.createTask(() -> {
                for (int i = 0; i < perProducer; i++) {
                    q.put(item);
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            tasks.add(Asyncio.createTask(() -> {
                for (int i = 0; i < perConsumer; i++) {
                    q.get();
                }
            }));
        }
        Asyncio.gather(tasks).await();
        long elapsed = System.nanoTime() - t0;
        if (!q.empty()) {
            throw new AssertionError("items left: " + q);
        }
        return items / (elapsed / 1e9);
    }

    static double lockRun(int tasks, int perTask) throws Exception {
        Lock lock = new Lock();
        List<Task<Void>> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < tasks; t++) {
            workers.add(Asyncio.createTask(() -> {
                for (int i = 0; i < perTask; i++) {
                    try (var _ = lock.acquire()) {
                        Asyncio.sleep(0);
                    }
                }
            }));
        }
        Asyncio.gather(workers).await();
        long elapsed = System.nanoTime() - t0;
        if (lock.locked()) {
            throw new AssertionError("still locked");
        }
        return (double) tasks * perTask / (elapsed / 1e9);
    }

    private static double median(int warmup, int rounds, Coroutine<Double> run) throws Exception {
        for (int i = 0; i < warmup; i++) {
            run.call();
        }
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            r[i] = run.call();
        }
        Arrays.sort(r);
        return rounds % 2 == 1 ? r[rounds / 2] : (r[rounds / 2 - 1] + r[rounds / 2]) / 2;
    }

    /**
     * Runs the three workloads and prints their medians.
     *
     * @param args {@code --items N} (per queue run, default 1,000,000), {@code --acquisitions N}
     *        (per lock run, default 1,000,000), {@code --rounds N} (default 5), {@code --warmup N}
     *        (default 3); {@code --quick} for 200,000 of each and 3 rounds (bench/run.sh --quick)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        int items = 1_000_000;
        int acquisitions = 1_000_000;
        int rounds = 5;
        int warmup = 3;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--quick")) {
                items = 200_000;
                acquisitions = 200_000;
                rounds = 3;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + args[i]);
            }
            int v = Integer.parseInt(args[i + 1].replace("_", ""));
            switch (args[i]) {
                case "--items" -> items = v;
                case "--acquisitions" -> acquisitions = v;
                case "--rounds" -> rounds = v;
                case "--warmup" -> warmup = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int n = items;
        int perTask = acquisitions / 100;
        int r = rounds;
        int w = warmup;
        Asyncio.run(() -> {
            // metric names carry their unit and direction for bench/harness.py
            print("queue_1x1_items_per_s", median(w, r, () -> queueRun(1, 1, n)));
            print("queue_10x10_items_per_s", median(w, r, () -> queueRun(10, 10, n)));
            print("lock_100_acquisitions_per_s", median(w, r, () -> lockRun(100, perTask)));
        });
    }

    private static void print(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "%s %.0f", name, value));
    }
}
