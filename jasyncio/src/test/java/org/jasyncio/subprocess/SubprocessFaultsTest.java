package org.jasyncio.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.LogCapture;
import org.jasyncio.Task;
import org.jasyncio.Coroutine;
import org.junit.jupiter.api.Test;

/**
 * Subprocess faults and limits with real children: broken pipes, children that do not read,
 * cancellation while starting, many children, leaks, and the loop closing under running children.
 */
class SubprocessFaultsTest {
    private static final SubprocessOptions STDIN = SubprocessOptions.defaults().withStdin(PIPE);

    private static void assertBrokenPipe(IOException e, long pid) {
        BrokenPipeError bp = e instanceof BrokenPipeError b ? b
                : e.getCause() instanceof BrokenPipeError b ? b : null;
        assertNotNull(bp, "a BrokenPipeError, itself or as the cause: " + e);
        assertTrue(bp.getMessage().startsWith("Broken pipe: child process " + pid), bp.getMessage());
    }

    @Test
    void writingToAChildThatExitedGivesABrokenPipeError() throws Exception {
        Asyncio.run(() -> {
            for (int i = 0; i < 20; i++) { // the exit may be known before or after await() is called
                Process proc = createSubprocessExec(List.of("true"), STDIN);
                if (i % 2 == 0) {
                    sleep(0.05);
                }
                assertEquals(0, proc.await());
                proc.stdin().write("nobody reads this".getBytes()); // dropped, as asyncio does
                BrokenPipeError e = assertThrows(BrokenPipeError.class, proc.stdin()::drain);
                assertEquals("Broken pipe: child process " + proc.pid() + " exited; it no longer reads its stdin",
                        e.getMessage());
                proc.stdin().waitClosed(); // the pipe closed normally: nothing was lost when the child exited
            }
        });
    }

    @Test
    void writingAfterClosingStdinIsAProgrammingError() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("sleep", "100"), STDIN);
            proc.stdin().close();
            assertThrows(IllegalStateException.class, () -> proc.stdin().write("x".getBytes()));
            proc.kill();
            proc.await();
        });
    }

    @Test
    void stdinBrokenPipe() throws Exception {
        // test_subprocess.test_stdin_broken_pipe: the child ends before its stdin is fed; a large
        // write then drain() raises (asyncio: BrokenPipeError or ConnectionResetError)
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("exit 0", STDIN);
            sleep(0.5);
            proc.stdin().write(new byte[4 * 1024 * 1024]);
            IOException e = assertThrows(IOException.class, proc.stdin()::drain);
            assertBrokenPipe(e, proc.pid());
            assertEquals(0, proc.await());
        });
    }

    @Test
    void brokenPipeWhileWritingToAChildThatClosesItsStdin() throws Exception {
        // The child closes its stdin without exiting: the write itself fails with EPIPE.
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("exec 0<&-; sleep 100", STDIN);
            sleep(0.2);
            proc.stdin().write(new byte[1024 * 1024]);
            IOException e = assertThrows(IOException.class, proc.stdin()::drain);
            assertBrokenPipe(e, proc.pid());
            assertNull(proc.returncode());
            proc.kill();
            assertEquals(-9, proc.await());
        });
    }

    @Test
    void communicateIgnoresBrokenPipe() throws Exception {
        // test_subprocess.test_communicate_ignore_broken_pipe
        Asyncio.run(() -> {
            TestCollector handler = new TestCollector();
            getRunningLoop().setExceptionHandler(handler);
            Process proc = createSubprocessShell("exit 0", STDIN);
            CommunicateResult r = proc.communicate(new byte[4 * 1024 * 1024]);
            assertNull(r.stdout());
            assertEquals(0, proc.returncode());
            assertEquals(List.of(), handler.messages, "a broken pipe is not an unhandled error");
        });
    }

    @Test
    void aChildThatNeverReadsDoesNotBlockTheLoopWhileWeWriteTenMib() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("sleep", "100"), STDIN);
            List<Double> ticks = new ArrayList<>();
            Task<Void> writer = createTask(() -> {
                proc.stdin().write(new byte[10 * 1024 * 1024]);
                proc.stdin().drain(); // waits: the child never reads
            });
            Task<Void> ticker = createTask(() -> {
                for (int i = 0; i < 10; i++) {
                    ticks.add(getRunningLoop().time());
                    sleep(0.02);
                }
            });
            ticker.await();
            assertEquals(10, ticks.size(), "other tasks kept running");
            assertFalse(writer.done(), "the writer still waits for the child");
            assertTrue(proc.stdin().transport().getWriteBufferSize() > 9 * 1024 * 1024,
                    "most of the 10 MiB is still buffered: " + proc.stdin().transport().getWriteBufferSize());
            proc.kill();
            IOException e = assertThrows(IOException.class, writer::await);
            assertBrokenPipe(e, proc.pid());
            assertEquals(-9, proc.await());
        });
    }

    @Test
    void twoHundredConcurrentChildren() throws Exception {
        Asyncio.run(() -> {
            List<Coroutine<String>> children = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                children.add(() -> {
                    Process p = createSubprocessShell("sleep 0.2; echo child " + id,
                            SubprocessOptions.defaults().withStdout(PIPE));
                    String out = new String(p.communicate().stdout(), UTF_8);
                    assertEquals(0, p.returncode());
                    return out;
                });
            }
            double t0 = getRunningLoop().time();
            List<String> outs = gather(children).await();
            double elapsed = getRunningLoop().time() - t0;
            for (int i = 0; i < 200; i++) {
                assertEquals("child " + i + "\n", outs.get(i));
            }
            assertTrue(elapsed < 0.2 * 200 / 4, "children ran concurrently: " + elapsed + " s");
        });
    }

    @Test
    void noLeakedThreadsOrDescriptorsAfterManyChildren() throws Exception {
        // Warm up the JDK (reaper, spawn helper) so that its one-time descriptors are counted.
        Asyncio.run(() -> createSubprocessExec(List.of("cat"), SubprocessOptions.pipes()).communicate(new byte[10]));
        assertTrue(Children.eventually(10, () -> Children.threadsNamed("jasyncio-pipe-") == 0));
        int fds = Children.openFds();
        Asyncio.run(() -> {
            for (int round = 0; round < 5; round++) {
                List<Coroutine<byte[]>> batch = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    batch.add(() -> createSubprocessShell("cat; echo e >&2", SubprocessOptions.pipes())
                            .communicate("x".getBytes()).stdout());
                }
                for (byte[] out : gather(batch).await()) {
                    assertEquals("x", new String(out, UTF_8));
                }
            }
        });
        assertTrue(Children.eventually(10, () -> Children.threadsNamed("jasyncio-pipe-") == 0),
                "pump threads left: " + Children.threadsNamed("jasyncio-pipe-"));
        assertTrue(Children.eventually(10, () -> Children.openFds() <= fds + 2),
                "descriptors: " + fds + " before, " + Children.openFds() + " after 300 children");
        assertEquals(List.of(), Children.liveChildren("cat; echo e"));
    }

    @Test
    void cancelledWhileStartingLeavesNoChild() throws Exception {
        // test_subprocess.test_cancel_make_subprocess_transport_exec
        Asyncio.run(() -> {
            for (int i = 0; i < 20; i++) {
                Task<Process> t = createTask(() -> createSubprocessExec("sleep", "1001"));
                if (i % 2 == 1) {
                    sleep(0); // let it start the spawn first
                }
                getRunningLoop().callSoon(t::cancel);
                assertThrows(CancelledError.class, t::await);
            }
        });
        assertTrue(Children.eventually(10, () -> Children.liveChildren("sleep 1001").isEmpty()),
                "children left: " + Children.liveChildren("sleep 1001"));
    }

    @Test
    void closingTheLoopKillsAndReapsRunningChildrenWithAWarningInDebugMode() throws Exception {
        try (LogCapture log = new LogCapture()) {
            long[] pids = new long[2];
            EventLoop loop = Asyncio.newEventLoop();
            loop.setDebug(true);
            loop.runUntilComplete(() -> {
                pids[0] = createSubprocessExec("sleep", "1002").pid();
                pids[1] = createSubprocessExec(List.of("sleep", "1002"), SubprocessOptions.pipes()).pid();
                return null;
            });
            loop.close();
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child " + pid + " killed");
            }
            List<String> warnings = log.messages().stream().filter(m -> m.contains("kill")).toList();
            assertEquals(2, warnings.size(), log.messages().toString());
            assertTrue(warnings.get(0).startsWith("Event loop closed while child process is running: kill "
                    + "<ProcessTransport"), warnings.get(0));
        }
        assertTrue(Children.eventually(10, () -> Children.threadsNamed("jasyncio-pipe-") == 0));
    }

    @Test
    void closingTheLoopReapsManyChildren() throws Exception {
        List<Long> pids = new ArrayList<>();
        EventLoop loop = Asyncio.newEventLoop();
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 40; i++) {
                pids.add(createSubprocessExec(List.of("sleep", "1007"), i % 2 == 0 ? SubprocessOptions.pipes()
                        : SubprocessOptions.defaults()).pid());
            }
            return null;
        });
        loop.close();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "child " + pid + " reaped");
        }
        assertTrue(Children.eventually(10, () -> Children.threadsNamed("jasyncio-pipe-") == 0));
    }

    @Test
    void runEndingKillsChildrenWithoutAWarningOutsideDebugMode() throws Exception {
        try (LogCapture log = new LogCapture()) {
            long pid = Asyncio.run(() -> createSubprocessExec("sleep", "1003").pid());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(List.of(), log.messages().stream().filter(m -> m.contains("kill")).toList());
        }
    }

    @Test
    void runEndingWhileATaskWaitsForTheChild() throws Exception {
        // run() cancels the task waiting for the child, then closing the loop kills the child.
        long[] pid = {0};
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("sleep", "1004");
            pid[0] = proc.pid();
            createTask(proc::await);
            sleep(0.05);
        });
        assertFalse(ProcessHandle.of(pid[0]).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void futureOfTheChildFromAnotherLoopIsRefused() throws Exception {
        Process[] proc = new Process[1];
        try (EventLoop a = Asyncio.newEventLoop(); EventLoop b = Asyncio.newEventLoop()) {
            a.runUntilComplete(() -> {
                proc[0] = createSubprocessExec("sleep", "1005");
                return null;
            });
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> b.runUntilComplete((Coroutine<Integer>) proc[0]::await));
            assertNotNull(e.getMessage());
            a.runUntilComplete(() -> {
                proc[0].kill();
                return proc[0].await();
            });
        }
    }

    /** Records exception handler messages. */
    static final class TestCollector implements org.jasyncio.ExceptionHandler {
        final List<String> messages = new ArrayList<>();

        @Override
        public void handle(EventLoop loop, org.jasyncio.ExceptionContext context) {
            messages.add(context.message());
        }
    }
}
