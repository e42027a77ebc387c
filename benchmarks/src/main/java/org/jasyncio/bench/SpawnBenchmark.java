package org.jasyncio.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the spawn workload of {@link CoreWorkloads#spawnNs}: {@code n} distinct coroutines run
 * as tasks through one {@code gather}. The score is one whole run; divide by {@code n} for ns
 * per task. Forked with the tuned heap (BENCHMARKS.md, "JVM flags"); add
 * {@code -jvmArgs "--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false"} to
 * see the JVM defaults.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SpawnBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
        "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g", "-Xmn3g", "-XX:+AlwaysPreTouch"})
public class SpawnBenchmark {
    /** Tasks per run. */
    @Param("1000000")
    public int n;

    /** One run: returns ns per task so that the JIT cannot drop the work. */
    @Benchmark
    public double run() throws Exception {
        return CoreWorkloads.spawnNs(n);
    }
}
