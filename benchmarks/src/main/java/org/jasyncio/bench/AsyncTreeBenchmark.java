package org.jasyncio.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: pyperformance's {@code async_tree} ({@link AsyncTree}), every leaf workload with
 * gather, TaskGroup and the eager task factory. The score is one whole tree, in ms.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar AsyncTreeBenchmark -p leaf=none,memoization</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
        "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g", "-Xmn3g", "-XX:+AlwaysPreTouch"})
public class AsyncTreeBenchmark {
    /** The leaf workload: none, io, memoization, cpu_io_mixed. */
    @Param({"none", "io", "memoization", "cpu_io_mixed"})
    public String leaf;
    /** gather, tg (TaskGroup), eager, eager_tg. */
    @Param({"gather", "tg", "eager", "eager_tg"})
    public String variant;

    private AsyncTree tree;

    /** One tree per fork, as pyperformance keeps one per process (its memo cache stays warm). */
    @Setup
    public void setUp() {
        tree = new AsyncTree(AsyncTree.Leaf.valueOf(leaf.toUpperCase(Locale.ROOT)), variant.endsWith("tg"),
                variant.startsWith("eager"));
    }

    /** One whole tree. */
    @Benchmark
    public double run() throws Exception {
        return tree.runOnce();
    }
}
