package org.jasyncio.examples.bench;

import static org.jasyncio.Asyncio.*;
import static org.jasyncio.examples.bench.SubprocessBench.*;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.Subprocess;
import org.jasyncio.subprocess.SubprocessOptions;

/**
 * The measurements behind the design note of {@code org.jasyncio.internal.subprocess}: how a
 * child's pipes should reach the loop, and what starting a child costs in the JDK.
 *
 * <p>jasyncio moves pipe bytes with pump threads over {@link java.lang.Process}'s blocking
 * streams. The other way, the pipes' file descriptors registered with the loop's selector, is
 * built here as a prototype from public API: NIO {@link Pipe}s handed to the child as
 * {@code /proc/self/fd/N} and watched with {@code loop.addReader}/{@code addWriter}, all on the
 * loop thread. The prototype needs the descriptor number of a NIO channel, which only a JDK
 * internal gives: run with {@code JASYNCIO_JAVA_OPTS="--add-exports java.base/sun.nio.ch=ALL-UNNAMED"},
 * or the prototype's half is skipped. Both halves start children on a pool of four platform
 * threads.
 *
 * <p>Prints {@code name value} lines, each the median of {@code --reps} runs after warm-up runs,
 * the two ways alternating (two rounds), so that machine drift hits both:
 * <ul>
 * <li>{@code cat_pumps_mib_per_s} and {@code cat_selector_prototype_mib_per_s}: {@code --mib}
 *     MiB through {@code cat}, counted at the protocol level (each read handed over as a new
 *     {@code byte[]}, as {@code pipeDataReceived} is); {@code _cpu_ms_per_mib}: this JVM's CPU
 *     time per MiB over those runs (not {@code cat}'s)</li>
 * <li>{@code spawn_echo_pumps_us} and {@code spawn_echo_selector_prototype_us}: one
 *     {@code echo hi} child at a time, its stdout a pipe: start, read to end of file, reap
 *     (mean of {@code --spawns})</li>
 * <li>{@code spawn200_jdk_floor_ms}: 200 concurrent {@code true} children with nothing but the
 *     JDK (four threads calling {@link ProcessBuilder#start()}, then {@code onExit()} for all);
 *     {@code spawn200_wall_ms}: the same through {@code createSubprocessExec}</li>
 * </ul>
 *
 * <pre>
 * JASYNCIO_JAVA_OPTS="--add-exports java.base/sun.nio.ch=ALL-UNNAMED" ./run-example.sh subprocess-design-bench
 * </pre>
 */
public final class SubprocessDesignBench {
    private static final int IO_SIZE = 256 * 1024;
    private static final ExecutorService SPAWNER = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "prototype-spawn");
        t.setDaemon(true);
        return t;
    });

    private SubprocessDesignBench() {}

    // ---- prototype: descriptors on the selector ----------------------------------------------------

    private static Method fdVal;

    static boolean prototypeAvailable() {
        try {
            fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            Pipe probe = Pipe.open();
            fdVal.invoke(probe.source());
            probe.source().close();
            probe.sink().close();
            return true;
        } catch (ReflectiveOperationException | IllegalAccessError | IOException | RuntimeException e) {
            return false;
        }
    }

    private static File procFd(SelectableChannel ch) throws ReflectiveOperationException {
        return new File("/proc/self/fd/" + fdVal.invoke(ch));
    }

    private static <T> T offLoop(java.util.concurrent.Callable<T> call) throws Exception {
        return await(CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, SPAWNER));
    }

    /** Starts {@code command} with the NIO pipe ends as its stdin (or /dev/null) and stdout. */
    private static java.lang.Process startWithPipes(List<String> command, Pipe in, Pipe out) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectInput(in == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(procFd(in.source())));
        pb.redirectOutput(ProcessBuilder.Redirect.to(procFd(out.sink())));
        java.lang.Process p = offLoop(pb::start);
        if (in != null) {
            in.source().close();
        }
        out.sink().close();
        return p;
    }

    /** Reads {@code source} on the loop until end of file; completes with the byte count. */
    private static Future<Long> readAll(EventLoop loop, Pipe.SourceChannel source) throws IOException {
        source.configureBlocking(false);
        Future<Long> done = loop.createFuture();
        ByteBuffer buf = ByteBuffer.allocateDirect(IO_SIZE);
        long[] total = {0};
        loop.addReader(source, () -> {
            try {
                for (int i = 0; i < 16; i++) {
                    buf.clear();
                    int n = source.read(buf);
                    if (n < 0) {
                        loop.removeReader(source);
                        source.close();
                        done.setResult(total[0]);
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                    byte[] chunk = new byte[n]; // what a protocol is given, as with pipeDataReceived
                    buf.flip().get(chunk);
                    total[0] += chunk.length;
                }
            } catch (IOException e) {
                done.setException(e);
            }
        });
        return done;
    }

    static double catSelector(byte[] data) throws Exception {
        EventLoop loop = getRunningLoop();
        long t0 = System.nanoTime();
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        java.lang.Process p = startWithPipes(List.of("cat"), in, out);
        Future<Long> read = readAll(loop, out.source());
        Pipe.SinkChannel sink = in.sink();
        sink.configureBlocking(false);
        int[] pos = {0};
        ByteBuffer direct = ByteBuffer.allocateDirect(IO_SIZE).flip();
        Future<Void> written = loop.createFuture();
        loop.addWriter(sink, () -> {
            try {
                // Through a direct buffer, 256 KiB at a time: a heap buffer would be copied whole
                // into a temporary direct one by every write().
                for (int i = 0; i < 16; i++) {
                    if (!direct.hasRemaining()) {
                        if (pos[0] == data.length) {
                            break;
                        }
                        int n = Math.min(IO_SIZE, data.length - pos[0]);
                        direct.clear();
                        direct.put(data, pos[0], n).flip();
                        pos[0] += n;
                    }
                    if (sink.write(direct) == 0) {
                        return;
                    }
                }
                if (pos[0] == data.length && !direct.hasRemaining()) {
                    loop.removeWriter(sink);
                    sink.close();
                    written.setResult(null);
                }
            } catch (IOException e) {
                written.setException(e);
            }
        });
        written.await();
        long n = read.await();
        await(p.onExit());
        check(n, data.length);
        return mibPerS(data.length, System.nanoTime() - t0);
    }

    static double spawnEchoSelector() throws Exception {
        long t0 = System.nanoTime();
        Pipe out = Pipe.open();
        java.lang.Process p = startWithPipes(List.of("echo", "hi"), null, out);
        long n = readAll(getRunningLoop(), out.source()).await();
        await(p.onExit());
        check(n, 3);
        return (System.nanoTime() - t0) / 1e3;
    }

    // ---- jasyncio and the JDK alone ------------------------------------------------------------------

    static double spawnEchoPumps() throws Exception {
        long t0 = System.nanoTime();
        Process proc = Subprocess.createSubprocessExec(List.of("echo", "hi"), SubprocessOptions.defaults()
                .withStdout(Subprocess.PIPE));
        byte[] out = proc.stdout().read();
        proc.await();
        check(out.length, 3);
        return (System.nanoTime() - t0) / 1e3;
    }

    /** 200 `true` children with the JDK alone: four threads start them, then wait for every exit. */
    static double spawnJdkFloor(int n) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("true").redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        return offLoop(() -> {
            List<java.util.concurrent.Future<java.lang.Process>> started = new ArrayList<>();
            try (ExecutorService four = Executors.newFixedThreadPool(4)) {
                for (int i = 0; i < n; i++) {
                    started.add(four.submit(pb::start));
                }
                List<CompletableFuture<java.lang.Process>> exits = new ArrayList<>();
                for (var f : started) {
                    exits.add(f.get().onExit());
                }
                CompletableFuture.allOf(exits.toArray(new CompletableFuture<?>[0])).get();
            }
            return (System.nanoTime() - t0) / 1e6;
        });
    }

    // ---- driver -------------------------------------------------------------------------------------

    private static double medianOf(int warmup, int reps, Coroutine<Double> run) throws Exception {
        for (int i = 0; i < warmup; i++) {
            run.call();
        }
        double[] r = new double[reps];
        for (int i = 0; i < reps; i++) {
            r[i] = run.call();
        }
        return median(r);
    }

    private static double meanOf(int n, Coroutine<Double> run) throws Exception {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += run.call();
        }
        return sum / n;
    }

    /** Prints the median throughput and the CPU time per MiB over all the runs. */
    private static void catMetrics(String name, int w, int r, byte[] data, Coroutine<Double> run) throws Exception {
        long cpu0 = cpuNanos();
        double mibs = medianOf(w, r, run);
        double cpu = (cpuNanos() - cpu0) / 1e6 / ((w + r) * (data.length / 1048576.0));
        print("cat_" + name + "_mib_per_s", mibs);
        print("cat_" + name + "_cpu_ms_per_mib", cpu);
    }

    /**
     * Runs the measurements.
     *
     * @param args {@code --mib N} (default 128), {@code --spawns N} per latency run (default 50),
     *        {@code --reps N} (default 5), {@code --warmup N} (default 2)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        int mib = 128;
        int spawns = 50;
        int reps = 5;
        int warmup = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--spawns" -> spawns = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        byte[] data = new byte[mib * 1024 * 1024];
        new java.util.Random(1).nextBytes(data);
        boolean prototype = prototypeAvailable();
        if (!prototype) {
            System.out.println("# selector prototype skipped: run with "
                    + "JASYNCIO_JAVA_OPTS=\"--add-exports java.base/sun.nio.ch=ALL-UNNAMED\"");
        }
        int n = spawns;
        int r = reps;
        int w = warmup;
        run(() -> {
            for (int round = 0; round < 2; round++) {
                catMetrics("pumps", w, r, data, () -> catProtocol(data));
                if (prototype) {
                    catMetrics("selector_prototype", w, r, data, () -> catSelector(data));
                }
                print("spawn_echo_pumps_us", medianOf(w, r, () -> meanOf(n, SubprocessDesignBench::spawnEchoPumps)));
                if (prototype) {
                    print("spawn_echo_selector_prototype_us",
                            medianOf(w, r, () -> meanOf(n, SubprocessDesignBench::spawnEchoSelector)));
                }
                print("spawn200_jdk_floor_ms", medianOf(w, r, () -> spawnJdkFloor(200)));
                print("spawn200_wall_ms", medianOf(w, r, () -> spawnRun(200) * 1e3));
            }
        });
    }
}
