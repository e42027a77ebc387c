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
 * JMH: the switch workload of {@link CoreWorkloads#switchNs}: 1,000 tasks each doing
 * {@code switches} {@code sleep(0)}. The score is the time of one whole run; divide by
 * {@code tasks * switches} for ns per switch ({@code bench/run.sh} reports it divided).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SwitchBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
        "-XX:+UseParallelGC", "-Xms4g", "-Xmx4g", "-Xmn3g", "-XX:+AlwaysPreTouch"})
public class SwitchBenchmark {
    /** Tasks in the run. */
    @Param("1000")
    public int tasks;
    /** {@code sleep(0)} calls per task. */
    @Param("10000")
    public int switches;

    /** One run: returns ns per switch so that the JIT cannot drop the work. */
    @Benchmark
    public double run() throws Exception {
        return CoreWorkloads.switchNs(tasks, switches);
    }
}
