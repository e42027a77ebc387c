package org.jasyncio.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.LogCapture;
import org.jasyncio.Task;
import org.jasyncio.transports.SubprocessProtocol;
import org.junit.jupiter.api.Test;

/**
 * How the pipes are moved: one pump thread per output pipe, a stdin writer only while there is
 * something to write, bounded buffers, and the races around a child's start and exit.
 */
class SubprocessPipesTest {

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void onePumpThreadPerOutputPipeAndAStdinWriterOnlyWhileWriting() throws Exception {
        Asyncio.run(() -> {
            Process both = createSubprocessExec(List.of("cat"), SubprocessOptions.pipes());
            String prefix = "jasyncio-pipe-" + both.pid() + "-";
            assertEquals(1, Children.threadsNamed(prefix + "stdout"));
            assertEquals(1, Children.threadsNamed(prefix + "stderr"));
            assertEquals(0, Children.threadsNamed(prefix + "stdin"), "no writer before the first write");
            both.stdin().write("x\n".getBytes());
            both.stdin().drain();
            assertEquals("x\n", text(both.stdout().readline()));
            assertEquals(1, Children.threadsNamed(prefix + "stdin"));
            double t0 = getRunningLoop().time();
            while (Children.threadsNamed(prefix + "stdin") > 0 && getRunningLoop().time() - t0 < 10) {
                sleep(0.05);
            }
            assertEquals(0, Children.threadsNamed(prefix + "stdin"), "an idle writer ends after a second");
            assertNull(both.returncode(), "the child still runs");
            both.stdin().write("y\n".getBytes()); // a new writer starts
            assertEquals("y\n", text(both.stdout().readline()));
            assertEquals(0, both.communicate().stdout().length);

            Process merged = createSubprocessExec(List.of("true"), SubprocessOptions.defaults().withStdout(PIPE)
                    .withStderr(STDOUT));
            assertEquals(0, Children.threadsNamed("jasyncio-pipe-" + merged.pid() + "-stderr"));
            merged.communicate();
        });
    }

    @Test
    void drainBoundsWhatIsBuffered() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("sleep 0.2; wc -c", SubprocessOptions.defaults().withStdin(PIPE)
                    .withStdout(PIPE));
            byte[] chunk = new byte[64 * 1024];
            long most = 0;
            for (int i = 0; i < 160; i++) { // 10 MiB
                proc.stdin().write(chunk);
                most = Math.max(most, proc.stdin().transport().getWriteBufferSize());
                proc.stdin().drain();
            }
            proc.stdin().close();
            assertEquals(String.valueOf(160 * 64 * 1024), text(proc.stdout().read()).strip());
            assertTrue(most <= 64 * 1024 + chunk.length, "buffered at most the high-water mark and a chunk: " + most);
            assertEquals(0, proc.await());
        });
    }

    @Test
    void killingAChildThatJustExitedDoesNothing() throws Exception {
        // Exited, but the loop has not processed the exit: kill() neither fails nor turns the
        // child's own status into -9 (asyncio's send_signal ignores ProcessLookupError).
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("sleep 0.2; exit 3");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ProcessHandle.of(proc.pid()).map(ProcessHandle::isAlive).orElse(false)
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // no yield: the loop cannot process the exit meanwhile
            }
            assertNull(proc.returncode());
            proc.kill();
            proc.terminate();
            assertEquals(3, proc.await());
        });
    }

    @Test
    void cancelledAtEveryPointOfTheStartLeavesNoChild() throws Exception {
        // test_subprocess.test_cancel_make_subprocess_transport_exec and test_cancel_post_init:
        // the cancellation lands before, during and after the JDK's start, and while connecting.
        double[] delays = {0, 0, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.008};
        Asyncio.run(() -> {
            int cancelled = 0;
            for (int round = 0; round < 3; round++) {
                for (double delay : delays) {
                    Task<Process> t = createTask(() -> createSubprocessExec(List.of("sleep", "1008"),
                            SubprocessOptions.pipes()));
                    if (delay > 0) {
                        sleep(delay);
                    }
                    t.cancel();
                    try {
                        t.await().kill(); // finished before the cancel: kill it ourselves
                    } catch (CancelledError expected) {
                        cancelled++;
                    }
                }
            }
            assertTrue(cancelled > 0, "some starts were cancelled");
        });
        assertTrue(Children.eventually(10, () -> Children.liveChildren("sleep 1008").isEmpty()),
                "children left: " + Children.liveChildren("sleep 1008"));
    }

    @Test
    void debugModeLogsTheExit() throws Exception {
        try (LogCapture log = new LogCapture()) {
            long pid = Asyncio.run(() -> {
                getRunningLoop().setDebug(true);
                Process proc = createSubprocessShell("exit 3");
                proc.await();
                return proc.pid();
            }, true);
            assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("<ProcessTransport pid=" + pid)
                    && m.endsWith("exited with return code 3")), log.messages().toString());
        }
    }

    @Test
    void communicateTwiceReturnsWhatIsLeft() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("cat"), SubprocessOptions.pipes());
            assertEquals("once", text(proc.communicate("once".getBytes()).stdout()));
            CommunicateResult again = proc.communicate();
            assertEquals(0, again.stdout().length);
            assertEquals(0, again.stderr().length);
            assertThrows(IllegalStateException.class, () -> proc.communicate("closed".getBytes()),
                    "stdin was closed by the first communicate");
        });
    }

    @Test
    void aProtocolCanReplaceItselfWhileRunning() throws Exception {
        Asyncio.run(() -> {
            final class Second implements SubprocessProtocol {
                final StringBuilder out = new StringBuilder();
                final org.jasyncio.Future<Void> done = getRunningLoop().createFuture();

                @Override
                public void pipeDataReceived(int fd, byte[] data) {
                    out.append(text(data));
                }

                @Override
                public void connectionLost(Exception exc) {
                    done.setResult(null);
                }
            }
            var c = getRunningLoop().subprocessShell(() -> new SubprocessProtocol() { },
                    "sleep 0.2; echo late");
            Second second = new Second();
            c.transport().setProtocol(second);
            second.done.await();
            assertEquals("late\n", second.out.toString());
        });
    }
}
