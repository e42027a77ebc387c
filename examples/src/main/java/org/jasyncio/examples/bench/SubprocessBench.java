package org.jasyncio.examples.bench;

import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jasyncio.Coroutine;
import org.jasyncio.Future;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.WriteTransport;

/**
 * Subprocess spawn (and, with {@code --pipes}, pipe throughput): the workloads of
 * {@code bench/python/subprocess_bench.py}, in the same format: one {@code name value} line per
 * metric and measured repetition, after warm-up repetitions, the format {@code bench/harness.py}
 * reads.
 *
 * <ul>
 * <li>{@code spawn200_wall_ms}: 200 concurrent {@code true} children (see {@code --children}),
 *     started with {@code createSubprocessExec} under one {@code gather} and reaped with
 *     {@code await()}: from the first start to the last child reaped. Their stdin, stdout and
 *     stderr are {@code /dev/null}: no pipe is involved.</li>
 * <li>{@code spawn200_children_per_s}: the same as children per second.</li>
 * <li>with {@code --pipes}: {@code cat_protocol_mib_per_s}, {@code --mib} MiB (default 128)
 *     written to {@code cat}'s stdin and read back from its stdout with a
 *     {@link SubprocessProtocol}; {@code cat_protocol_cpu_ms_per_mib}, this process's CPU time
 *     per MiB moved (not {@code cat}'s); {@code cat_communicate_mib_per_s}, the same bytes through
 *     {@code Process.communicate}.</li>
 * </ul>
 *
 * <pre>
 * ./run-example.sh subprocess-bench [--children N] [--reps N] [--warmup N] [--quick] [--pipes [--mib N]]
 * /usr/bin/python3 bench/python/subprocess_bench.py [--uvloop] [the same options]
 * </pre>
 */
public final class SubprocessBench {
    private static final SubprocessOptions QUIET = SubprocessOptions.defaults().withStdin(DEVNULL)
            .withStdout(DEVNULL).withStderr(DEVNULL);
    static final int WRITE_SIZE = 256 * 1024;

    private SubprocessBench() {}

    /** One run: starts {@code n} children at once, waits for all; returns the wall time in seconds. */
    static double spawnRun(int n) throws Exception {
        List<Coroutine<Integer>> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            children.add(() -> createSubprocessExec(List.of("true"), QUIET).await());
        }
        long t0 = System.nanoTime();
        List<Integer> codes = gather(children).await();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        for (int c : codes) {
            if (c != 0) {
                throw new AssertionError("a child failed: " + codes);
            }
        }
        return elapsed;
    }

    /** Counts what {@code cat} echoes; feeds its stdin with flow control. */
    static final class Counter implements SubprocessProtocol {
        final Future<Void> done = getRunningLoop().createFuture();
        long received;
        boolean paused;
        Future<Void> resumed;

        @Override
        public void pipeDataReceived(int fd, byte[] data) {
            received += data.length;
        }

        @Override
        public void pauseWriting() {
            paused = true;
        }

        @Override
        public void resumeWriting() {
            paused = false;
            if (resumed != null) {
                resumed.trySetResult(null);
            }
        }

        @Override
        public void connectionLost(Exception exc) {
            done.trySetResult(null);
        }
    }

    /** {@code data} through {@code cat} with a protocol; returns MiB per second. */
    static double catProtocol(byte[] data) throws Exception {
        long t0 = System.nanoTime();
        SubprocessConnection<Counter> c = getRunningLoop().subprocessExec(Counter::new, List.of("cat"),
                SubprocessOptions.pipes().withStderr(INHERIT));
        Counter p = c.protocol();
        WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
        for (int off = 0; off < data.length; off += WRITE_SIZE) {
            stdin.write(data, off, Math.min(WRITE_SIZE, data.length - off));
            if (p.paused) {
                p.resumed = getRunningLoop().createFuture();
                p.resumed.await();
            }
        }
        stdin.close();
        p.done.await();
        check(p.received, data.length);
        return mibPerS(data.length, System.nanoTime() - t0);
    }

    /** {@code data} through {@code cat} with {@code communicate}; returns MiB per second. */
    static double catCommunicate(byte[] data) throws Exception {
        long t0 = System.nanoTime();
        Process proc = createSubprocessExec(List.of("cat"), SubprocessOptions.defaults().withStdin(PIPE)
                .withStdout(PIPE));
        byte[] out = proc.communicate(data).stdout();
        check(out.length, data.length);
        return mibPerS(data.length, System.nanoTime() - t0);
    }

    static void check(long got, long want) {
        if (got != want) {
            throw new AssertionError("got " + got + " bytes, want " + want);
        }
    }

    static double mibPerS(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }

    /** CPU time of this JVM (all its threads, GC and JIT included), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(double[] values) {
        double[] r = values.clone();
        Arrays.sort(r);
        int n = r.length;
        return n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
    }

    /**
     * Runs the workloads and prints one line per metric and measured repetition.
     *
     * @param args {@code --children N} (default 200), {@code --reps N} (default 5),
     *        {@code --warmup N} (default 3); {@code --quick} for 3 repetitions after 2 warm-ups;
     *        {@code --pipes} adds the {@code cat} throughput, of {@code --mib N} MiB (default 128)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        int children = 200;
        int reps = 5;
        int warmup = 3;
        int mib = 128;
        boolean pipes = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    reps = 3;
                    warmup = 2;
                }
                case "--pipes" -> pipes = true;
                case "--children" -> children = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--children N, --reps N, --warmup N, --quick, --pipes, --mib N)");
            }
        }
        int n = children;
        int r = reps;
        int w = warmup;
        byte[] data = pipes ? new byte[mib * 1024 * 1024] : null;
        if (data != null) {
            new java.util.Random(1).nextBytes(data);
        }
        String prefix = "spawn" + n;
        run(() -> {
            for (int i = 0; i < w; i++) {
                spawnRun(n);
            }
            for (int i = 0; i < r; i++) {
                double s = spawnRun(n);
                print(prefix + "_wall_ms", s * 1e3);
                print(prefix + "_children_per_s", n / s);
            }
            if (data != null) {
                for (int i = 0; i < w; i++) {
                    catProtocol(data);
                }
                for (int i = 0; i < r; i++) {
                    long cpu0 = cpuNanos();
                    print("cat_protocol_mib_per_s", catProtocol(data));
                    print("cat_protocol_cpu_ms_per_mib", (cpuNanos() - cpu0) / 1e6 / (data.length / 1048576.0));
                }
                for (int i = 0; i < w; i++) {
                    catCommunicate(data);
                }
                for (int i = 0; i < r; i++) {
                    print("cat_communicate_mib_per_s", catCommunicate(data));
                }
            }
        });
    }

    static void print(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "%s %.2f", name, value));
    }
}
