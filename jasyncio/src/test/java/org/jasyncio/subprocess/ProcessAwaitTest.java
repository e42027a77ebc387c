package org.jasyncio.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;

/**
 * {@link Process#await()} returns once the child has exited, whatever its pipes do: uvloop's,
 * Trio's and CPython's behaviour since gh-119710. Each wait is bounded with {@code waitFor}, so
 * a regression fails with a timeout rather than hanging the suite.
 */
class ProcessAwaitTest {
    /** Far longer than any of these waits needs; a wait that reaches it hangs. */
    private static final double BOUND = 20;

    private static void killQuietly(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void awaitReturnsAfterKillWhileAGrandchildHoldsStdout() throws Exception {
        // gh-119710's report: the child's child inherits stdout and outlives the kill
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("sleep 60 & echo $!; wait",
                    SubprocessOptions.defaults().withStdout(PIPE));
            long grandchild = Long.parseLong(new String(proc.stdout().readline(), UTF_8).strip());
            try {
                proc.kill();
                assertEquals(-9, waitFor(proc::await, BOUND));
                assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false),
                        "the grandchild still holds the pipe");
                assertFalse(proc.stdout().atEof());
            } finally {
                killQuietly(grandchild);
            }
            // once the last writer is gone, the reader sees the end
            assertEquals(0, waitFor(() -> proc.stdout().read(), BOUND).length);
        });
    }

    @Test
    void awaitReturnsWhenTheChildExitsThoughAGrandchildStillWrites() throws Exception {
        Asyncio.run(() -> {
            // The child lives 0.1 s: a child that exits before jasyncio takes its pipes from the
            // JDK (right after start()) has them drained and closed by the JDK's reaper, which
            // no program can prevent (PipeChannels); this test is about what happens after.
            Process proc = createSubprocessShell("(sleep 0.5; echo late) & echo early; sleep 0.1",
                    SubprocessOptions.defaults().withStdout(PIPE));
            assertEquals(0, waitFor(proc::await, BOUND));
            // the pipe is still read to its end: the grandchild's line is not lost
            assertEquals("early\nlate\n", new String(waitFor(() -> proc.stdout().read(), BOUND), UTF_8));
        });
    }

    @Test
    void awaitReturnsAfterKillWhileStdoutIsUnreadAndPaused() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("/usr/bin/python3", "-c",
                    "import sys\nwhile True: sys.stdout.write('x' * 65536)"),
                    SubprocessOptions.defaults().withStdout(PIPE));
            String pump = "jasyncio-pipe-" + proc.pid() + "-stdout";
            // nobody reads: the reader pauses the pipe and the pump stops (parks)
            double deadline = getRunningLoop().time() + BOUND;
            while (!pumpParked(pump) && getRunningLoop().time() < deadline) {
                sleep(0.01);
            }
            assertTrue(pumpParked(pump), "the pump stopped reading");
            proc.kill();
            assertEquals(-9, waitFor(proc::await, BOUND));
        });
    }

    private static boolean pumpParked(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                Thread.State s = t.getState();
                return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
            }
        }
        return false;
    }
}
