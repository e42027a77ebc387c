package org.jasyncio.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jasyncio.Asyncio;
import org.jasyncio.Coroutine;
import org.jasyncio.TaskFactory;
import org.jasyncio.TaskGroup;

/**
 * pyperformance's {@code async_tree} benchmark, ported: a tree of tasks 6 levels deep with 6
 * branches per level (6^6 = 46,656 leaves, 55,986 tasks), each inner node awaiting its
 * children with {@code gather} or a {@link TaskGroup}; the leaves do the variant's work:
 *
 * <ul>
 * <li>{@code none}: nothing;
 * <li>{@code io}: a mock I/O call, {@code sleep(0.05)};
 * <li>{@code memoization}: draw {@code randint(1, 100)}; values up to 90 are memoized
 *     (the first time a value is seen it is recorded and the mock I/O call is made; later
 *     it returns at once); values above 90 always make the I/O call;
 * <li>{@code cpu_io_mixed}: with probability 0.5 compute {@code factorial(500)} (a
 *     {@link BigInteger}), else do what {@code memoization} does.
 * </ul>
 *
 * <p>As in pyperformance, one tree object (its random generator seeded with 0 and its memo
 * cache) lives for the whole process and is run again for every repetition, so after the
 * first run the memo cache is warm. Java's {@link Random} is not Python's Mersenne Twister:
 * the sequence of draws differs, their distribution does not.
 *
 * <p>The {@code eager} variants install {@link TaskFactory#EAGER} on the loop, as
 * pyperformance's eager flavour installs {@code asyncio.eager_task_factory} (Python 3.12+).
 * The same workload for CPython and uvloop is {@code bench/python/async_tree.py}.
 */
public final class AsyncTree {
    static final int LEVELS = 6;
    static final int BRANCHES = 6;
    static final double IO_SLEEP = 0.05;
    static final int MEMOIZABLE_PERCENT = 90;
    static final double CPU_PROBABILITY = 0.5;
    static final int FACTORIAL_N = 500;

    /** The leaf workloads. */
    public enum Leaf { NONE, IO, MEMOIZATION, CPU_IO_MIXED }

    private final Leaf leaf;
    private final boolean taskGroups;
    private final boolean eager;
    private final Random random = new Random(0);
    private final Map<Integer, Boolean> cache = new HashMap<>();
    private long leaves;

    /**
     * Creates the tree for one variant.
     *
     * @param leaf the leaf workload
     * @param taskGroups {@code true}: inner nodes use a TaskGroup; {@code false}: gather
     * @param eager whether the loop uses the eager task factory
     */
    public AsyncTree(Leaf leaf, boolean taskGroups, boolean eager) {
        this.leaf = leaf;
        this.taskGroups = taskGroups;
        this.eager = eager;
    }

    /** Runs the whole tree once in a fresh loop and returns the elapsed milliseconds. */
    public double runOnce() throws Exception {
        return Asyncio.run(() -> {
            if (eager) {
                Asyncio.getRunningLoop().setTaskFactory(TaskFactory.EAGER);
            }
            long t0 = System.nanoTime();
            if (taskGroups) {
                recurseWithTaskGroup(LEVELS);
            } else {
                recurseWithGather(LEVELS);
            }
            return (System.nanoTime() - t0) / 1e6;
        });
    }

    /** How many leaves ran so far (a check that the whole tree ran). */
    public long leaves() {
        return leaves;
    }

    private Object recurseWithGather(int level) throws Exception {
        if (level == 0) {
            return workload();
        }
        List<Coroutine<Object>> children = new ArrayList<>(BRANCHES);
        for (int i = 0; i < BRANCHES; i++) {
            children.add(() -> recurseWithGather(level - 1));
        }
        return Asyncio.gather(children).await();
    }

    private Object recurseWithTaskGroup(int level) throws Exception {
        if (level == 0) {
            return workload();
        }
        try (TaskGroup tg = new TaskGroup()) {
            for (int i = 0; i < BRANCHES; i++) {
                tg.createTask(() -> recurseWithTaskGroup(level - 1));
            }
            tg.join();
        }
        return null;
    }

    private Object workload() {
        leaves++;
        return switch (leaf) {
            case NONE -> null;
            case IO -> {
                mockIoCall();
                yield null;
            }
            case MEMOIZATION -> memoized();
            case CPU_IO_MIXED -> random.nextDouble() < CPU_PROBABILITY ? factorial(FACTORIAL_N) : memoized();
        };
    }

    private Object memoized() {
        int data = 1 + random.nextInt(100); // randint(1, 100)
        if (data <= MEMOIZABLE_PERCENT) {
            if (cache.get(data) != null) {
                return data;
            }
            cache.put(data, Boolean.TRUE);
        }
        mockIoCall();
        return data;
    }

    private static void mockIoCall() {
        Asyncio.sleep(IO_SLEEP);
    }

    /**
     * {@code n!} by binary splitting (a product tree), the same kind of algorithm as
     * CPython's {@code math.factorial}: multiplying numbers of similar size keeps
     * {@link BigInteger#multiply} in its fast (Karatsuba/Toom-Cook) range.
     */
    static BigInteger factorial(int n) {
        return n < 2 ? BigInteger.ONE : product(2, n);
    }

    private static BigInteger product(int lo, int hi) {
        if (hi - lo < 8) {
            long p = 1;
            BigInteger r = BigInteger.ONE;
            for (int i = lo; i <= hi; i++) {
                if (p > Long.MAX_VALUE / i) {
                    r = r.multiply(BigInteger.valueOf(p));
                    p = 1;
                }
                p *= i;
            }
            return r.multiply(BigInteger.valueOf(p));
        }
        int mid = (lo + hi) >>> 1;
        return product(lo, mid).multiply(product(mid + 1, hi));
    }

    /**
     * Runs throw-away trees (none and memoization; gather, TaskGroup, eager) for about
     * {@code seconds}, so that the JIT has compiled the loop's hot paths, and the one-time
     * deoptimization of frames still suspended in old compiled code has happened, before the
     * first measured variant (JMH warms up the same way). Python has no JIT to warm.
     */
    static void jitWarmUp(double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AsyncTree[] trees = {
            new AsyncTree(Leaf.NONE, false, false), new AsyncTree(Leaf.NONE, true, false),
            new AsyncTree(Leaf.NONE, false, true), new AsyncTree(Leaf.MEMOIZATION, false, false)};
        for (int i = 0; System.nanoTime() < end; i++) {
            trees[i % trees.length].runOnce();
        }
    }

    /**
     * Runs variants and prints {@code tree_<leaf>_<variant>_ms value} lines, one per measured
     * repetition.
     *
     * <pre>
     * AsyncTree [--leaves none,io,memoization,cpu_io_mixed] [--variants gather,tg,eager,eager_tg]
     *           [--warmup 2] [--reps 5] [--jit-warmup-seconds 3]
     * </pre>
     */
    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        int warmup = a.intOpt("--warmup", 2);
        int reps = a.intOpt("--reps", 5);
        jitWarmUp(Double.parseDouble(a.opt("--jit-warmup-seconds", "3")));
        for (String l : a.opt("--leaves", "none,io,memoization,cpu_io_mixed").split(",")) {
            Leaf leaf = Leaf.valueOf(l.toUpperCase(java.util.Locale.ROOT));
            for (String v : a.opt("--variants", "gather,tg,eager,eager_tg").split(",")) {
                AsyncTree tree = new AsyncTree(leaf, v.endsWith("tg"), v.startsWith("eager"));
                for (int i = 0; i < warmup; i++) {
                    tree.runOnce();
                }
                long leavesBefore = tree.leaves();
                for (int i = 0; i < reps; i++) {
                    Args.emit("tree_" + l + "_" + v + "_ms", tree.runOnce());
                }
                long expected = (long) Math.pow(BRANCHES, LEVELS) * reps;
                if (tree.leaves() - leavesBefore != expected) {
                    throw new AssertionError("ran " + (tree.leaves() - leavesBefore) + " leaves, expected " + expected);
                }
            }
        }
    }
}
