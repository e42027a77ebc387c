package org.jasyncio.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.Coroutine;
import org.jasyncio.Task;
import org.jasyncio.locks.Event;

/**
 * The three core workloads of the benchmark suite (issue 2): task switch, task spawn and
 * parked-task memory. The same workloads, with the same sizes and the same structure, are in
 * {@code bench/python/core.py} for CPython asyncio and uvloop.
 *
 * <p>Each method runs one measurement in a fresh {@code Asyncio.run} and returns its figure;
 * {@link #main} runs warm-up and measured repetitions and prints one {@code metric value}
 * line per measured repetition, the format {@code bench/harness.py} reads.
 */
public final class CoreWorkloads {
    private CoreWorkloads() {}

    /**
     * switch: {@code tasks} tasks each doing {@code switches} {@code sleep(0)}, gathered.
     *
     * @return nanoseconds per switch (elapsed / (tasks * switches))
     */
    public static double switchNs(int tasks, int switches) throws Exception {
        System.gc(); // start each repetition with an empty young generation (JMH's -gc true)
        long elapsed = Asyncio.run(() -> {
            List<Coroutine<Void>> coros = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                coros.add(() -> {
                    for (int s = 0; s < switches; s++) {
                        Asyncio.sleep(0);
                    }
                    return null;
                });
            }
            long t0 = System.nanoTime();
            Asyncio.gather(coros).await();
            return System.nanoTime() - t0;
        });
        return (double) elapsed / ((long) tasks * switches);
    }

    /**
     * spawn: create {@code n} distinct coroutines and run each as a task through one
     * {@code gather} (gather runs an awaitable given twice once, as asyncio does, so the
     * coroutines must be distinct objects).
     *
     * @return nanoseconds per task, coroutine creation included
     */
    public static double spawnNs(int n) throws Exception {
        System.gc(); // start each repetition with an empty young generation (JMH's -gc true)
        long elapsed = Asyncio.run(() -> {
            long t0 = System.nanoTime();
            List<Coroutine<Integer>> coros = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int k = i;
                coros.add(() -> k);
            }
            List<Integer> results = Asyncio.gather(coros).await();
            long t1 = System.nanoTime();
            if (results.size() != n || results.get(n - 1) != n - 1) {
                throw new AssertionError("gather returned the wrong results");
            }
            return t1 - t0;
        });
        return (double) elapsed / n;
    }

    /**
     * parked: {@code n} tasks waiting on one {@link Event}; the heap in use after a full GC
     * with every task parked, minus the heap in use before they were created.
     *
     * @return heap bytes per parked task
     */
    public static double parkedBytes(int n) throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        return Asyncio.run(() -> {
            long before = usedAfterGc(mem);
            Event ev = new Event();
            List<Task<Boolean>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tasks.add(Asyncio.createTask(ev::await));
            }
            Asyncio.sleep(0); // every task runs its first step and parks on the event
            long after = usedAfterGc(mem);
            if (Boolean.getBoolean("bench.histogram")) {
                printHistogram(); // where the bytes of a parked task go
            }
            ev.set();
            Asyncio.gather(tasks).await();
            return (double) (after - before) / n;
        });
    }

    /** Prints the top of the heap's class histogram (jcmd GC.class_histogram) to stderr. */
    static void printHistogram() throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] lines = out.toString().split("\n");
        for (int i = 0; i < Math.min(lines.length, 25); i++) {
            System.err.println(lines[i]);
        }
    }

    static long usedAfterGc(MemoryMXBean mem) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * Runs the workloads and prints {@code metric value} lines.
     *
     * <pre>
     * CoreWorkloads [--tasks 1000] [--switches 10000] [--spawn 1000000] [--parked 1000000]
     *               [--warmup 2] [--reps 3] [--only switch,spawn,parked]
     * </pre>
     */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        int tasks = a.intOpt("--tasks", 1000);
        int switches = a.intOpt("--switches", 10_000);
        int spawn = a.intOpt("--spawn", 1_000_000);
        int parked = a.intOpt("--parked", 1_000_000);
        int warmup = a.intOpt("--warmup", 2);
        int reps = a.intOpt("--reps", 3);
        String only = a.opt("--only", "switch,spawn,parked");
        if (only.contains("switch")) {
            for (int i = 0; i < warmup; i++) {
                switchNs(tasks, switches);
            }
            for (int i = 0; i < reps; i++) {
                Args.emit("switch_ns", switchNs(tasks, switches));
            }
        }
        if (only.contains("spawn")) {
            for (int i = 0; i < warmup; i++) {
                spawnNs(spawn);
            }
            for (int i = 0; i < reps; i++) {
                Args.emit("spawn_ns", spawnNs(spawn));
            }
        }
        if (only.contains("parked")) {
            // Memory is not timing: one warm-up (class loading, JIT) and one measure suffice,
            // but repeat it so the report can show the spread.
            parkedBytes(Math.min(parked, 10_000));
            for (int i = 0; i < Math.max(1, Math.min(reps, 2)); i++) {
                Args.emit("parked_bytes", parkedBytes(parked));
            }
        }
    }
}
