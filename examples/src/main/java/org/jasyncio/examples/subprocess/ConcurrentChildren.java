package org.jasyncio.examples.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jasyncio.Coroutine;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.SubprocessOptions;

/**
 * {@code ./run-example.sh subprocess}: five {@code sleep 1} children and a sixth that prints a
 * line every quarter second run at the same time; the sixth child's output is shown line by
 * line as it comes, and the whole takes about one second: the longest child, not the sum of
 * the six (six seconds one after another).
 *
 * <p>The same program with Python's asyncio:
 *
 * <pre>{@code
 * import asyncio, time
 *
 * async def sleeper(i):
 *     proc = await asyncio.create_subprocess_exec("sleep", "1")
 *     return f"sleep 1 #{i}", await proc.wait(), time.monotonic() - t0
 *
 * async def ticker():
 *     proc = await asyncio.create_subprocess_shell(
 *         "for i in 1 2 3 4; do echo tick $i; sleep 0.25; done", stdout=asyncio.subprocess.PIPE)
 *     async for line in proc.stdout:
 *         print(f"  [ticker] {line.decode().strip()}  (+{time.monotonic() - t0:.2f} s)")
 *     return "ticker", await proc.wait(), time.monotonic() - t0
 *
 * async def main():
 *     results = await asyncio.gather(*[sleeper(i) for i in range(1, 6)], ticker())
 *     for name, code, t in results:
 *         print(f"  {name} exited with {code} at +{t:.1f} s")
 *
 * t0 = time.monotonic()
 * asyncio.run(main())
 * }</pre>
 *
 * <p>Output (times vary a little):
 *
 * <pre>
 * Six children at once: five "sleep 1", and a ticker that prints a line every 0.25 s
 *   [ticker] tick 1  (+0.00 s)
 *   [ticker] tick 2  (+0.25 s)
 *   [ticker] tick 3  (+0.51 s)
 *   [ticker] tick 4  (+0.76 s)
 *   sleep 1 #1 exited with 0 at +1.0 s
 *   ...
 *   ticker exited with 0 at +1.0 s
 * Wall time 1.0 s: the longest child (1 s), not the sum (5 x 1 s + 1 s = 6 s).
 * </pre>
 */
public final class ConcurrentChildren {
    private ConcurrentChildren() {}

    /** A child's name, return code and when it ended, in seconds from the start. */
    record Ended(String name, int returncode, double at) {}

    /**
     * Runs the six children and prints what they do.
     *
     * @param args ignored
     * @throws Exception if a child cannot be started
     */
    public static void main(String[] args) throws Exception {
        System.out.println("Six children at once: five \"sleep 1\", and a ticker that prints a line every 0.25 s");
        run(() -> {
            double t0 = getRunningLoop().time();
            List<Coroutine<Ended>> children = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                String name = "sleep 1 #" + i;
                children.add(() -> {
                    Process proc = createSubprocessExec("sleep", "1");
                    int rc = proc.await();
                    return new Ended(name, rc, getRunningLoop().time() - t0);
                });
            }
            children.add(() -> {
                Process proc = createSubprocessShell("for i in 1 2 3 4; do echo tick $i; sleep 0.25; done",
                        SubprocessOptions.defaults().withStdout(PIPE));
                for (byte[] line : proc.stdout()) { // each line as the child prints it
                    System.out.printf(Locale.ROOT, "  [ticker] %s  (+%.2f s)%n", new String(line, UTF_8).strip(),
                            getRunningLoop().time() - t0);
                }
                int rc = proc.await();
                return new Ended("ticker", rc, getRunningLoop().time() - t0);
            });
            List<Ended> ended = gather(children).await();
            double wall = getRunningLoop().time() - t0;
            for (Ended e : ended) {
                System.out.printf(Locale.ROOT, "  %s exited with %d at +%.1f s%n", e.name(), e.returncode(), e.at());
            }
            System.out.printf(Locale.ROOT, "Wall time %.1f s: the longest child (1 s), not the sum "
                    + "(5 x 1 s + 1 s = 6 s).%n", wall);
        });
    }
}
