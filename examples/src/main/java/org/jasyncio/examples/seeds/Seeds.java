package org.jasyncio.examples.seeds;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The main job, {@code ./run-example.sh seeds}: runs every seed program, in order, each
 * under a heading, and prints its wall time. Each program is the Java port of a program in
 * the five asyncio tutorials the project started from; the class of each says which, quotes
 * the Python and maps it line by line. Together they sleep about twenty seconds.
 *
 * <pre>
 * === 1. hello-world (seed 000: An introduction to asyncio in Python; both programs) ===
 * Tue Feb  8 09:31:51 2022
 * ...
 * --- wall time: 2.01 s
 * </pre>
 *
 * <p>A seed that throws does not stop the others: its stack trace goes to standard error,
 * its footer says {@code FAILED}, and the program exits with status 1 at the end.
 */
public final class Seeds {
    private Seeds() {}

    /** A seed program's entry point: its {@code main(String[])}. */
    @FunctionalInterface
    interface Program {
        void main(String[] args) throws Exception;
    }

    /**
     * One seed program.
     *
     * @param name the name {@code ./run-example.sh} knows it by
     * @param source the seed document and the part of it that is ported
     * @param program its {@code main}
     */
    record Seed(String name, String source, Program program) {}

    /** The seed programs in the order they run (the order of {@code examples/examples.list}). */
    static final List<Seed> SEEDS = List.of(
            new Seed("hello-world", "seed 000: An introduction to asyncio in Python; both programs",
                    HelloWorld::main),
            new Seed("queue-tasks", "seed 001: Python Async; example 1, with a jasyncio Queue", QueueTasks::main),
            new Seed("loop-callbacks", "seed 001: Python Async; example 2", LoopCallbacks::main),
            new Seed("sample-task", "seed 001: Python Async; examples 3 and 4", SampleTask::main),
            new Seed("subprocess", "seed 001: Python Async; \"running subprocesses\", among asyncio's features",
                    org.jasyncio.examples.subprocess.ConcurrentChildren::main),
            new Seed("sync-vs-async", "seed 002: python_async; the sync and the async program",
                    SyncVsAsync::main),
            new Seed("say-after", "seed 003: Asynchronous I/O Asyncio; tasks, gather, wait, wait_for, async with",
                    SayAfter::main),
            new Seed("count", "seed 004: Python asynchronous programming; count", Count::main),
            new Seed("event", "seed 004: Python asynchronous programming; Event", EventDemo::main));

    /**
     * Runs every seed program on {@link System#out}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int failed = runAll(SEEDS);
        if (failed > 0) {
            System.exit(1);
        }
    }

    /**
     * Runs {@code seeds} in order, printing each one's heading, output and wall time to
     * {@link System#out} (read when each line is printed, so a caller may redirect it).
     *
     * @param seeds the programs to run
     * @return how many of them threw
     */
    static int runAll(List<Seed> seeds) {
        int failed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < seeds.size(); i++) {
            Seed seed = seeds.get(i);
            System.out.printf("=== %d. %s (%s) ===%n", i + 1, seed.name(), seed.source());
            long t0 = System.nanoTime();
            Throwable error = null;
            try {
                seed.program().main(new String[0]);
            } catch (Throwable e) {
                error = e;
            }
            String took = seconds(System.nanoTime() - t0);
            if (error == null) {
                System.out.println("--- wall time: " + took + " s");
            } else {
                failed++;
                PrintStream err = System.err;
                err.print("seed " + seed.name() + " failed: ");
                error.printStackTrace(err);
                System.out.println("--- FAILED after " + took + " s: " + error);
            }
            System.out.println();
        }
        System.out.println("=== " + seeds.size() + " seed programs, " + (seeds.size() - failed) + " passed, "
                + "total wall time: " + seconds(System.nanoTime() - start) + " s ===");
        return failed;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }
}
