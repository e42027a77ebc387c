package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jasyncio.AsyncGenerator;
import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Context;
import org.jasyncio.ContextVar;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.KeyboardInterrupt;
import org.jasyncio.Runner;
import org.jasyncio.Signal;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.jasyncio.internal.SignalSupport;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_runners.py: {@code asyncio.run} ({@link Asyncio#run}) and {@code asyncio.Runner}
 * ({@link Runner}). CPython runs them on a mocked {@code BaseEventLoop}; here they run on real
 * loops (nothing sleeps for real). The Ctrl-C tests ({@code interrupt_self()}) run in a forked JVM
 * whose SIGINT has its default disposition, as a terminal would give it: the JVM running the tests
 * may have SIGINT ignored (background jobs of a non-interactive shell), and then a runner
 * rightly leaves SIGINT alone.
 */
class TestRunners {

    // ---- RunTests ------------------------------------------------------------------------

    // CPython: test_runners.py::RunTests::test_asyncio_run_return
    @Test
    void testAsyncioRunReturn() throws Exception {
        assertEquals(42, Asyncio.run(() -> {
            sleep(0);
            return 42;
        }));
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_raises
    @Test
    void testAsyncioRunRaises() {
        // Deviation D1: ValueError is IllegalArgumentException
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncio.run(() -> {
            sleep(0);
            throw new IllegalArgumentException("spam");
        }));
        assertEquals("spam", e.getMessage());
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_only_coro
    @Test
    void testAsyncioRunOnlyCoro() {
        // Deviation D1/D5: run() takes a coroutine function, so a non-coroutine (1, a plain
        // lambda returning None) does not compile; the one value left to reject is null.
        assertThrows(NullPointerException.class, () -> Asyncio.run((org.jasyncio.Coroutine<Object>) null));
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_debug
    @Test
    void testAsyncioRunDebug() throws Exception {
        Asyncio.run(() -> assertFalse(getRunningLoop().getDebug()), false);
        Asyncio.run(() -> assertTrue(getRunningLoop().getDebug()), true);
        // asyncio.coroutines._is_debug_mode is -Djasyncio.debug here
        String saved = System.getProperty("jasyncio.debug");
        try {
            System.setProperty("jasyncio.debug", "true");
            Asyncio.run(() -> assertTrue(getRunningLoop().getDebug()));
            Asyncio.run(() -> assertFalse(getRunningLoop().getDebug()), false);
            System.setProperty("jasyncio.debug", "false");
            Asyncio.run(() -> assertTrue(getRunningLoop().getDebug()), true);
            Asyncio.run(() -> assertFalse(getRunningLoop().getDebug()));
        } finally {
            if (saved == null) {
                System.clearProperty("jasyncio.debug");
            } else {
                System.setProperty("jasyncio.debug", saved);
            }
        }
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_from_running_loop
    @Test
    void testAsyncioRunFromRunningLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.run(() -> {
            Asyncio.run(() -> { });
        }));
        assertTrue(e.getMessage().contains("cannot be called from a running"), e.getMessage());
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_cancels_hanging_tasks
    @Test
    void testAsyncioRunCancelsHangingTasks() throws Exception {
        List<Task<Void>> loTask = new ArrayList<>();
        assertEquals(123, Asyncio.run(() -> {
            loTask.add(createTask(() -> sleep(0.1)));
            return 123;
        }));
        assertTrue(loTask.get(0).done());
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_reports_hanging_tasks_errors
    @Test
    void testAsyncioRunReportsHangingTasksErrors() throws Exception {
        List<Task<Void>> loTask = new ArrayList<>();
        TestLoops.Collector handler = new TestLoops.Collector();
        assertEquals(123, Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler(handler);
            loTask.add(createTask(() -> {
                try {
                    sleep(0.1);
                } catch (CancelledError e) {
                    int zero = 0;
                    int unused = 1 / zero;
                }
            }));
            return 123;
        }));
        assertTrue(loTask.get(0).done());
        List<ExceptionContext> contexts = handler.contexts();
        assertFalse(contexts.isEmpty());
        ExceptionContext last = contexts.get(contexts.size() - 1);
        assertTrue(last.message().matches("(?s).*asyncio.run.*shutdown.*"), last.message());
        assertSame(loTask.get(0), last.task());
        // Deviation D1: ZeroDivisionError is ArithmeticException
        assertInstanceOf(ArithmeticException.class, last.exception());
    }

    /** test_asyncio_run_closes_gens_after_hanging_tasks_errors's own exception. */
    static final class FancyExit extends Exception {
        FancyExit() {
            super("fancy exit");
        }
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_closes_gens_after_hanging_tasks_errors
    @Test
    void testAsyncioRunClosesGensAfterHangingTasksErrors() {
        List<AsyncGenerator<Integer>> spinner = new ArrayList<>();
        List<Task<Void>> lazyboy = new ArrayList<>();
        assertThrows(FancyExit.class, () -> Asyncio.run(() -> {
            getRunningLoop().setExceptionHandler(new TestLoops.Collector());
            lazyboy.add(createTask(() -> {
                AsyncGenerator<Integer> fidget = AsyncGenerator.of(out -> {
                    while (true) {
                        out.yield(1);
                        sleep(1);
                    }
                });
                spinner.add(fidget);
                try {
                    for (int theMeaningOfLife : fidget) {
                        assertEquals(1, theMeaningOfLife);
                    }
                } catch (CancelledError e) {
                    int zero = 0;
                    int unused = 1 / zero;
                }
            }));
            throw new FancyExit();
        }));
        assertTrue(lazyboy.get(0).done());
        // ag_frame is None and not ag_running: the generator was finalized
        assertTrue(spinner.get(0).isClosed());
    }

    // CPython: test_runners.py::RunTests::test_asyncio_run_loop_factory
    @Test
    void testAsyncioRunLoopFactory() throws Exception {
        EventLoop loop = TestLoops.virtualTimeLoop();
        AtomicInteger calls = new AtomicInteger();
        // Deviation: asyncio.run(main, loop_factory=f) is new Runner(null, f).run(main); Asyncio.run
        // has no loop_factory parameter
        try (Runner runner = new Runner(null, () -> {
            calls.incrementAndGet();
            return loop;
        })) {
            runner.run(() -> assertSame(loop, getRunningLoop()));
        }
        assertEquals(1, calls.get());
    }

    // CPython: test_runners.py::RunTests::test_loop_factory_default_event_loop
    @Test
    void testLoopFactoryDefaultEventLoop() throws Exception {
        // asyncio.EventLoop is SelectorEventLoop on Unix; jasyncio's is package-private
        Asyncio.run(() -> assertEquals("SelectorEventLoop", getRunningLoop().getClass().getSimpleName()));
    }

    // ---- RunnerTests ---------------------------------------------------------------------

    // CPython: test_runners.py::RunnerTests::test_non_debug
    @Test
    void testNonDebug() {
        try (Runner runner = new Runner(false)) {
            assertFalse(runner.getLoop().getDebug());
        }
    }

    // CPython: test_runners.py::RunnerTests::test_debug
    @Test
    void testDebug() {
        try (Runner runner = new Runner(true)) {
            assertTrue(runner.getLoop().getDebug());
        }
    }

    // CPython: test_runners.py::RunnerTests::test_custom_factory
    @Test
    void testCustomFactory() {
        // CPython's factory returns a Mock; any loop will do here
        EventLoop loop = TestLoops.virtualTimeLoop();
        try (Runner runner = new Runner(null, () -> loop)) {
            assertSame(loop, runner.getLoop());
        }
    }

    // CPython: test_runners.py::RunnerTests::test_run
    @Test
    void testRun() throws Exception {
        EventLoop loop;
        Runner runner = new Runner();
        try (runner) {
            assertEquals("done", runner.run(() -> {
                sleep(0);
                return "done";
            }));
            loop = runner.getLoop();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, runner::getLoop);
        assertTrue(e.getMessage().contains("Runner is closed"), e.getMessage());
        assertTrue(loop.isClosed());
    }

    // CPython: test_runners.py::RunnerTests::test_run_non_coro
    @Test
    void testRunNonCoro() {
        try (Runner runner = new Runner()) {
            // Deviation D1/D5: runner.run(123) does not compile; null is the value left to reject
            assertThrows(NullPointerException.class, () -> runner.run((org.jasyncio.Coroutine<Object>) null));
        }
    }

    // CPython: test_runners.py::RunnerTests::test_explicit_close
    @Test
    void testExplicitClose() {
        Runner runner = new Runner();
        EventLoop loop = runner.getLoop();
        runner.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, runner::getLoop);
        assertTrue(e.getMessage().contains("Runner is closed"), e.getMessage());
        assertTrue(loop.isClosed());
    }

    // CPython: test_runners.py::RunnerTests::test_double_close
    @Test
    void testDoubleClose() {
        Runner runner = new Runner();
        EventLoop loop = runner.getLoop();
        runner.close();
        assertTrue(loop.isClosed());
        // the second call is a no-op
        runner.close();
        assertTrue(loop.isClosed());
    }

    // CPython: test_runners.py::RunnerTests::test_second_with_block_raises
    @Test
    void testSecondWithBlockRaises() throws Exception {
        List<Integer> ret = new ArrayList<>();
        Runner runner = new Runner();
        try (runner) {
            runner.run(() -> {
                ret.add(1);
            });
        }
        // Deviation: Python's "with runner:" calls __enter__, which raises at once; Java's
        // try-with-resources has no enter step, so the first use of the closed runner raises
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (runner) {
                runner.run(() -> {
                    ret.add(2);
                });
            }
        });
        assertTrue(e.getMessage().contains("Runner is closed"), e.getMessage());
        assertEquals(List.of(1), ret);
    }

    // CPython: test_runners.py::RunnerTests::test_run_keeps_context
    @Test
    void testRunKeepsContext() throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar", -1);
        try (Runner runner = new Runner()) {
            assertEquals(-1, runner.run(() -> {
                int old = cvar.get();
                sleep(0);
                cvar.set(1);
                return old;
            }));
            assertEquals(1, runner.run(() -> {
                int old = cvar.get();
                sleep(0);
                cvar.set(2);
                return old;
            }));
            Context ctx = runner.run(() -> Context.copyContext());
            assertEquals(2, ctx.get(cvar));
        }
    }

    // CPython: test_runners.py::RunnerTests::test_recursive_run
    @Test
    void testRecursiveRun() {
        // CPython also expects "coroutine g was never awaited": Deviation D5, there is no coroutine
        // object to forget
        try (Runner runner = new Runner()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(() -> {
                runner.run(() -> { });
            }));
            assertTrue(e.getMessage().contains("Runner.run() cannot be called from a running event loop"),
                    e.getMessage());
        }
    }

    // CPython: test_runners.py::RunnerTests::test_interrupt_call_soon
    @Test
    void testInterruptCallSoon() throws Exception {
        String out = forkProbe("call_soon");
        assertTrue(out.contains("inner CancelledError"), out);
        assertTrue(out.contains("outcome KeyboardInterrupt"), out);
    }

    // CPython: test_runners.py::RunnerTests::test_interrupt_wait
    @Test
    void testInterruptWait() throws Exception {
        String out = forkProbe("wait");
        assertTrue(out.contains("inner CancelledError"), out);
        assertTrue(out.contains("outcome KeyboardInterrupt"), out);
        assertTrue(out.contains("fut cancelled true"), out);
    }

    // CPython: test_runners.py::RunnerTests::test_interrupt_cancelled_task
    @Test
    void testInterruptCancelledTask() throws Exception {
        String out = forkProbe("cancelled_task");
        assertTrue(out.contains("outcome CancelledError"), out);
    }

    // CPython: test_runners.py::RunnerTests::test_signal_install_not_supported_ok
    @Test
    void testSignalInstallNotSupportedOk() throws Exception {
        // Deviation: CPython patches signal.signal to raise; there is no such seam here. A
        // runner in this JVM either installs its SIGINT handler or finds it unavailable (SIGINT
        // ignored, or taken by someone else): either way run() must work and leave no handler.
        try (Runner runner = new Runner()) {
            assertEquals("ok", runner.run(() -> "ok"));
            assertEquals("ok", runner.run(() -> "ok"));
        }
    }

    // CPython: test_runners.py::RunnerTests::test_no_repr_is_call_on_the_task_result
    @Test
    void testNoReprIsCallOnTheTaskResult() throws Exception {
        MyResult result;
        try (Runner runner = new Runner()) {
            result = runner.run(() -> new MyResult());
        }
        assertEquals(0, result.reprCount);
    }

    /** Counts toString() calls: repr of the result must not be taken. */
    static final class MyResult {
        int reprCount;

        @Override
        public String toString() {
            reprCount++;
            return super.toString();
        }
    }

    // ---- Ctrl-C in a forked JVM ----------------------------------------------------------

    /**
     * The forked program: runs one of the three interrupt scenarios under a Runner and prints
     * what it saw; {@code interrupt_self()} is a SIGINT to its own process.
     */
    public static final class InterruptProbe {
        public static void main(String[] args) throws Exception {
            String mode = args[0];
            try (Runner runner = new Runner()) {
                try {
                    switch (mode) {
                        case "call_soon" -> {
                            runner.getLoop().callLater(0.1, () -> SignalSupport.raise(Signal.SIGINT));
                            runner.run(() -> {
                                try {
                                    while (true) {
                                        sleep(0);
                                    }
                                } catch (CancelledError e) {
                                    System.out.println("inner CancelledError");
                                }
                                throw new CancelledError();
                            });
                        }
                        case "wait" -> {
                            Future<Object> fut = runner.getLoop().createFuture();
                            runner.getLoop().callLater(0.1, () -> SignalSupport.raise(Signal.SIGINT));
                            try {
                                runner.run(() -> {
                                    try {
                                        fut.await();
                                    } catch (CancelledError e) {
                                        System.out.println("inner CancelledError");
                                    }
                                    throw new CancelledError();
                                });
                            } finally {
                                System.out.println("fut cancelled " + fut.cancelled());
                            }
                        }
                        default -> runner.run(() -> {
                            Task<?> main = currentTask();
                            createTask(() -> {
                                sleep(0);
                                main.cancel();
                                SignalSupport.raise(Signal.SIGINT);
                            });
                            sleep(10);
                        });
                    }
                    System.out.println("outcome none");
                } catch (KeyboardInterrupt e) {
                    System.out.println("outcome KeyboardInterrupt");
                } catch (CancelledError e) {
                    System.out.println("outcome CancelledError");
                }
            }
            System.out.flush();
            // a KeyboardInterrupt marks the thread for exit 130; this probe reports instead
            Runtime.getRuntime().halt(0);
        }
    }

    /** Runs {@link InterruptProbe} in a fresh JVM with SIGINT at its default disposition. */
    private static String forkProbe(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder("env", "--default-signal=INT", java, "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false", "-cp",
                System.getProperty("java.class.path"), InterruptProbe.class.getName(), mode)
                .redirectErrorStream(true).start();
        // never hang the build: kill the child after 45 s whatever happens
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!p.waitFor(45, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
            }
        }
        p.waitFor(45, TimeUnit.SECONDS);
        watchdog.interrupt();
        return out.toString();
    }
}
