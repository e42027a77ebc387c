package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;

import org.jasyncio.AsyncGenerator;
import org.jasyncio.Asyncio;
import org.jasyncio.Context;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.Handle;
import org.jasyncio.KeyboardInterrupt;
import org.jasyncio.LogCapture;
import org.jasyncio.Task;
import org.jasyncio.TaskFactory;
import org.jasyncio.TestLoops;
import org.jasyncio.TimerHandle;
import org.jasyncio.transports.SubprocessProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's test_base_events.py without its network tests (those are in
 * {@link TestBaseEventsNetwork}): closing, executors, {@code call_soon}/{@code call_later}/
 * {@code call_at}, one iteration of the loop, {@code run_until_complete}/{@code run_forever}/
 * {@code stop}, the exception handler, task factories, debug mode and slow callbacks. CPython
 * runs most of these on a {@code BaseEventLoop} with a mocked selector and inspects its private
 * queues; here they run on a virtual-time loop and assert what the queues would make visible:
 * which callbacks ran in which iteration, and the loop's clock.
 */
class TestBaseEvents {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = TestLoops.virtualTimeLoop();
    }

    @AfterEach
    void tearDown() {
        if (!loop.isClosed() && !loop.isRunning()) {
            loop.close();
        }
    }

    // ---- BaseEventLoopTests --------------------------------------------------------------

    // CPython: test_base_events.py::BaseEventLoopTests::test_close
    @Test
    void testClose() {
        assertFalse(loop.isClosed());
        loop.close();
        assertTrue(loop.isClosed());
        // it should be possible to call close() more than once
        loop.close();
        loop.close();
        // operations blocked when the loop is closed (D1: RuntimeError is IllegalStateException)
        Future<Object> f = loop.createFuture();
        assertThrows(IllegalStateException.class, loop::runForever);
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f));
    }

    /** An executor that refuses work, as CPython's DummyExecutor. */
    static final class DummyExecutor extends ThreadPoolExecutor {
        DummyExecutor() {
            super(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable command) {
            throw new UnsupportedOperationException("cannot submit into a dummy executor");
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_set_default_executor
    @Test
    void testSetDefaultExecutor() {
        DummyExecutor executor = new DummyExecutor();
        try {
            loop.setDefaultExecutor(executor);
            // Deviation: _default_executor is private; that runInExecutor(null, ...) reaches
            // the dummy executor shows it is the default one
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> loop.runInExecutor(null, () -> 1));
            assertEquals("cannot submit into a dummy executor", e.getMessage());
        } finally {
            executor.shutdownNow();
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_set_default_executor_error
    @Test
    void testSetDefaultExecutorError() {
        // Deviation D1: a non-executor does not compile; the one value left to reject is null
        assertThrows(NullPointerException.class, () -> loop.setDefaultExecutor(null));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_shutdown_default_executor_timeout
    @Test
    void testShutdownDefaultExecutorTimeout() throws Exception {
        // CPython's executor sleeps 0.1 s in shutdown(wait=True); here a job holds a worker until
        // the test lets it go, so joining the threads outlasts the 0.01 s timeout
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        executor.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loop.setDefaultExecutor(executor);
        try (LogCapture log = new LogCapture()) {
            loop.runUntilComplete(() -> loop.shutdownDefaultExecutor(0.01));
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("The executor did not finish joining")),
                    log.messages().toString());
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_call_soon
    @Test
    void testCallSoon() {
        int[] ran = {0};
        Handle h = loop.callSoon(() -> ran[0]++);
        assertInstanceOf(Handle.class, h);
        assertFalse(h instanceof TimerHandle);
        // in the ready queue: the next iteration runs it
        TestLoops.runOnce(loop);
        assertEquals(1, ran[0]);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_call_soon_non_callable
    @Test
    void testCallSoonNonCallable() {
        loop.setDebug(true);
        // Deviation D1: a non-callable does not compile; null is rejected
        assertThrows(NullPointerException.class, () -> loop.callSoon(null));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_call_later
    @Test
    void testCallLater() {
        int[] ran = {0};
        TimerHandle h = loop.callLater(10.0, () -> ran[0]++);
        assertInstanceOf(TimerHandle.class, h);
        // scheduled, not ready: one iteration without waiting runs nothing
        loop.stop();
        loop.runForever();
        assertEquals(0, ran[0]);
        assertEquals(0.0, loop.time(), 1e-9);
        // Deviation D1: delay=None does not compile; NaN is the invalid double
        assertThrows(IllegalArgumentException.class, () -> loop.callLater(Double.NaN, () -> { }));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_call_later_negative_delays
    @Test
    void testCallLaterNegativeDelays() {
        List<String> calls = new ArrayList<>();
        loop.callLater(-1, () -> calls.add("a"));
        loop.callLater(-2, () -> calls.add("b"));
        TestLoops.runOnce(loop);
        assertEquals(List.of("b", "a"), calls);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_time_and_call_at
    @Test
    void testTimeAndCallAt() {
        double delay = 0.100;
        double when = loop.time() + delay;
        loop.callAt(when, loop::stop);
        double t0 = loop.time();
        loop.runForever();
        double dt = loop.time() - t0;
        assertTrue(dt >= delay, "dt=" + dt);
        // Deviation D1: when=None does not compile; NaN is the invalid double
        assertThrows(IllegalArgumentException.class, () -> loop.callAt(Double.NaN, loop::stop));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_check_thread
    @Test
    void testCheckThread() throws Exception {
        // Deviation D9: jasyncio checks the thread whenever the loop runs, debug mode or not
        // (asyncio only in debug mode); CPython's variant where the other thread has its own
        // current loop does not apply (no set_event_loop)
        for (boolean debug : new boolean[] {true, false}) {
            loop.setDebug(debug);
            CountDownLatch running = new CountDownLatch(1);
            Future<Object> fut = loop.createFuture();
            loop.callSoon(running::countDown);
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    running.await();
                    Runnable cb = () -> { };
                    List<String> accepted = new ArrayList<>();
                    for (Runnable call : List.<Runnable>of(
                            () -> loop.callSoon(cb),
                            () -> loop.callLater(60, cb),
                            () -> loop.callAt(loop.time() + 60, cb))) {
                        try {
                            call.run();
                            accepted.add("accepted");
                        } catch (IllegalStateException e) {
                            if (!e.getMessage().contains("is not thread-safe")) {
                                throw e;
                            }
                        }
                    }
                    loop.callSoonThreadsafe(() -> fut.setResult(accepted));
                } catch (Throwable e) {
                    loop.callSoonThreadsafe(() -> fut.setException(e));
                }
            });
            assertEquals(List.of(), loop.runUntilComplete(fut));
            t.join();
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test__run_once
    @Test
    void test_RunOnce() {
        // Deviation: CPython reads the timeout given to the mocked selector (about 10 s: the
        // cancelled 5 s timer is skipped); the virtual clock shows the same wait as the time
        // the loop jumps before running anything
        List<String> ran = new ArrayList<>();
        TimerHandle h1 = loop.callLater(5.0, () -> ran.add("h1"));
        loop.callLater(10.0, () -> {
            ran.add("h2");
            loop.stop();
        });
        h1.cancel();
        loop.runForever();
        assertTrue(9.5 < loop.time() && loop.time() < 10.5, "time=" + loop.time());
        assertEquals(List.of("h2"), ran);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_set_debug
    @Test
    void testSetDebug() {
        loop.setDebug(true);
        assertTrue(loop.getDebug());
        loop.setDebug(false);
        assertFalse(loop.getDebug());
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test__run_once_schedule_handle
    @Test
    void test_RunOnceScheduleHandle() {
        boolean[] processed = {false};
        boolean[] handleRan = {false};
        loop.callAt(loop.time() - 1, () -> {
            processed[0] = true;
            loop.callSoon(() -> handleRan[0] = true);
        });
        // one iteration without the stop callback of runOnce: stop() before running
        loop.stop();
        loop.runForever();
        assertTrue(processed[0]);
        // the handle it scheduled is ready, for the next iteration
        assertFalse(handleRan[0]);
        TestLoops.runOnce(loop);
        assertTrue(handleRan[0]);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_until_complete_type_error
    @Test
    void testRunUntilCompleteTypeError() {
        // Deviation D1: 'blah' does not compile; null is rejected
        assertThrows(NullPointerException.class, () -> loop.runUntilComplete((Future<Object>) null));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_until_complete_loop
    @Test
    void testRunUntilCompleteLoop() {
        Future<Object> task = loop.createFuture();
        try (EventLoop otherLoop = TestLoops.virtualTimeLoop()) {
            assertThrows(IllegalArgumentException.class, () -> otherLoop.runUntilComplete(task));
        }
    }

    /** Escapes the loop as CPython's ShowStopper (a SystemExit) does; Java has no SystemExit. */
    static final class ShowStopper extends KeyboardInterrupt {}

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_until_complete_loop_orphan_future_close_loop
    @Test
    void testRunUntilCompleteLoopOrphanFutureCloseLoop() throws Exception {
        // Deviation: ShowStopper extends KeyboardInterrupt (CPython: SystemExit)
        loop.callSoon(() -> {
            throw new ShowStopper();
        });
        assertThrows(ShowStopper.class, () -> loop.runUntilComplete(() -> sleep(0.1)));
        // fails if run_until_complete did not remove its done callback from the previous future
        loop.runUntilComplete(() -> sleep(0.2));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_subprocess_exec_invalid_args
    @Test
    void testSubprocessExecInvalidArgs() {
        // Deviation D1: CPython's other cases (a list as one argument, an int argument,
        // universal_newlines/shell/bufsize) are type errors the compiler catches; what is left is
        // the missing program (an empty command)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.runUntilComplete(() -> loop.subprocessExec(() -> new SubprocessProtocol() { }, List.of())));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_default_exc_handler_callback
    @Test
    void testDefaultExcHandlerCallback() {
        // Test callSoon (Handle)
        try (LogCapture log = new LogCapture()) {
            Future<Boolean> fut = loop.createFuture();
            loop.callSoon(() -> zeroError(fut));
            fut.addDoneCallback(f -> loop.stop());
            loop.runForever();
            assertLoggedError(log, "Exception in callback.*", ArithmeticException.class);
        }
        // Test callLater (TimerHandle)
        try (LogCapture log = new LogCapture()) {
            Future<Boolean> fut = loop.createFuture();
            loop.callLater(0.01, () -> zeroError(fut));
            fut.addDoneCallback(f -> loop.stop());
            loop.runForever();
            assertLoggedError(log, "Exception in callback.*", ArithmeticException.class);
        }
    }

    private static void zeroError(Future<Boolean> fut) {
        fut.setResult(true);
        int zero = 0;
        int unused = 1 / zero;
    }

    /** The last record logged is an error whose message matches and whose exception is of the class. */
    private static void assertLoggedError(LogCapture log, String regex, Class<? extends Throwable> thrown) {
        List<LogRecord> records = log.records();
        assertFalse(records.isEmpty(), "nothing logged");
        LogRecord last = records.get(records.size() - 1);
        assertEquals(java.util.logging.Level.SEVERE, last.getLevel());
        assertTrue(last.getMessage().matches("(?s)" + regex), last.getMessage());
        if (thrown != null) {
            assertInstanceOf(thrown, last.getThrown());
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_default_exc_handler_coro
    @Test
    void testDefaultExcHandlerCoro() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Task<Void> fut = loop.createTask(() -> {
                sleep(0.01);
                int zero = 0;
                int unused = 1 / zero;
            });
            fut.addDoneCallback(f -> loop.stop());
            loop.runForever();
            WeakReference<Task<Void>> ref = new WeakReference<>(fut);
            fut = null; // the future's finalization reports the exception
            for (int i = 0; i < 50 && (ref.get() != null || log.records().isEmpty()); i++) {
                System.gc();
                TestLoops.runOnce(loop);
            }
            assertLoggedError(log, ".*exception was never retrieved.*", ArithmeticException.class);
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_set_exc_handler_custom
    @Test
    void testSetExcHandlerCustom() {
        loop.setDebug(true);
        assertNull(loop.getExceptionHandler());
        TestLoops.Collector handler = new TestLoops.Collector();
        loop.setExceptionHandler(handler);
        assertSame(handler, loop.getExceptionHandler());
        Handle handle = loop.callSoon(TestBaseEvents::zeroError);
        TestLoops.runOnce(loop);
        List<ExceptionContext> contexts = handler.contexts();
        assertEquals(1, contexts.size());
        ExceptionContext c = contexts.get(0);
        assertInstanceOf(ArithmeticException.class, c.exception());
        assertTrue(c.message().matches("(?s)Exception in callback.*"), c.message());
        assertSame(handle, c.handle());
        // debug mode: the handle's creation site goes with it
        assertNotNull(c.sourceTraceback());

        loop.setExceptionHandler(null);
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(TestBaseEvents::zeroError);
            TestLoops.runOnce(loop);
            assertLoggedError(log, "Exception in callback.*", ArithmeticException.class);
        }
        assertEquals(1, handler.contexts().size());
    }

    private static void zeroError() {
        int zero = 0;
        int unused = 1 / zero;
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_set_exc_handler_broken
    @Test
    void testSetExcHandlerBroken() {
        // D1: AttributeError is any RuntimeException here
        loop.setExceptionHandler((l, context) -> {
            throw new IllegalStateException("spam");
        });
        try (LogCapture log = new LogCapture()) {
            loop.callSoon(TestBaseEvents::zeroError);
            TestLoops.runOnce(loop);
            assertLoggedError(log, "Unhandled error in exception handler.*", IllegalStateException.class);
        }
    }

    /** A factory that counts its tasks, as CPython's MyTask factory marks them. */
    static final class CountingFactory implements TaskFactory {
        final AtomicInteger made = new AtomicInteger();

        @Override
        public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
            made.incrementAndGet();
            return TaskFactory.DEFAULT.createTask(loop, coro, name, context);
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_set_task_factory
    @Test
    void testSetTaskFactory() throws Exception {
        // Deviation: Task is final, so the factory's mark is a count, not a Task subclass; and
        // "no factory" is TaskFactory.DEFAULT, not None
        assertSame(TaskFactory.DEFAULT, loop.getTaskFactory());
        CountingFactory factory = new CountingFactory();
        loop.setTaskFactory(factory);
        assertSame(factory, loop.getTaskFactory());
        Task<Void> task = loop.createTask(() -> { });
        assertEquals(1, factory.made.get());
        loop.runUntilComplete(task);

        loop.setTaskFactory(null);
        assertSame(TaskFactory.DEFAULT, loop.getTaskFactory());
        task = loop.createTask(() -> { });
        assertEquals(1, factory.made.get());
        loop.runUntilComplete(task);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_env_var_debug
    @Test
    void testEnvVarDebug() throws Exception {
        // PYTHONASYNCIODEBUG is JASYNCIO_DEBUG; python -E (ignore the environment) is an explicit
        // -Djasyncio.debug=false; -X dev is -Djasyncio.debug=true
        assertEquals("false", newLoopDebugInFork(null, null));
        assertEquals("false", newLoopDebugInFork("", null));
        assertEquals("true", newLoopDebugInFork("1", null));
        assertEquals("false", newLoopDebugInFork("1", "false"));
        assertEquals("true", newLoopDebugInFork(null, "true"));
    }

    /** The forked program: prints a new loop's debug mode. */
    public static final class DebugProbe {
        public static void main(String[] args) {
            try (EventLoop l = Asyncio.newEventLoop()) {
                System.out.println(l.getDebug());
            }
        }
    }

    private static String newLoopDebugInFork(String env, String property) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Djdk.trackAllThreads=false"));
        if (property != null) {
            cmd.add("-Djasyncio.debug=" + property);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DebugProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> environment = pb.environment();
        environment.remove("JASYNCIO_DEBUG");
        environment.remove("JAVA_TOOL_OPTIONS");
        if (env != null) {
            environment.put("JASYNCIO_DEBUG", env);
        }
        Process p = pb.start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                last = line.strip();
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return last;
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_create_task_error_closes_coro
    @Test
    void testCreateTaskErrorClosesCoro() {
        // D5: there is no coroutine object to close nor warning to expect; the error remains
        EventLoop closed = Asyncio.newEventLoop();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.createTask(() -> { }));
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_create_named_task_with_default_factory
    @Test
    void testCreateNamedTaskWithDefaultFactory() throws Exception {
        Task<Object> task = loop.createTask(() -> null, "test_task", null);
        try {
            assertEquals("test_task", task.getName());
        } finally {
            loop.runUntilComplete(task);
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_create_named_task_with_custom_factory
    @Test
    void testCreateNamedTaskWithCustomFactory() throws Exception {
        // CPython's factory ignores the name; create_task names the task afterwards
        loop.setTaskFactory(new TaskFactory() {
            @Override
            public <T> Task<T> createTask(EventLoop l, Coroutine<T> coro, String name, Context context) {
                return TaskFactory.DEFAULT.createTask(l, coro, null, context);
            }
        });
        Task<Object> task = loop.createTask(() -> null, "test_task", null);
        try {
            assertEquals("test_task", task.getName());
        } finally {
            loop.runUntilComplete(task);
        }
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_forever_keyboard_interrupt
    @Test
    void testRunForeverKeyboardInterrupt() {
        // the task created by runUntilComplete consumes the KeyboardInterrupt: no "exception was
        // never retrieved" once it is collected
        TestLoops.Collector handler = new TestLoops.Collector();
        loop.setExceptionHandler(handler);
        assertThrows(KeyboardInterrupt.class, () -> loop.runUntilComplete(() -> {
            throw new KeyboardInterrupt();
        }));
        loop.close();
        System.gc();
        assertEquals(List.of(), handler.messages());
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_until_complete_baseexception
    @Test
    void testRunUntilCompleteBaseexception() {
        // run_until_complete must not leave a pending stop() behind when the future raised
        assertThrows(KeyboardInterrupt.class, () -> loop.runUntilComplete(() -> {
            throw new KeyboardInterrupt();
        }));
        boolean[] called = {false};
        loop.callSoon(() -> loop.callSoon(() -> {
            loop.stop();
            called[0] = true;
        }));
        loop.runForever();
        assertTrue(called[0]);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_once
    @Test
    void testRunOnce() {
        int[] count = {0};
        loop.callSoon(() -> count[0]++);
        TestLoops.runOnce(loop);
        assertEquals(1, count[0]);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_run_forever_pre_stopped
    @Test
    void testRunForeverPreStopped() {
        // CPython checks the selector was polled once with timeout 0; here: one iteration that
        // did not wait for the pending timer (the virtual clock did not move) and ran nothing
        boolean[] ran = {false};
        loop.callLater(10, () -> ran[0] = true);
        loop.stop();
        loop.runForever();
        assertFalse(ran[0]);
        assertEquals(0.0, loop.time(), 1e-9);
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_asyncgen_finalization_by_gc
    @Test
    void testAsyncgenFinalizationByGc() throws Exception {
        Map<String, Boolean> status = leaveUnfinalizedAsyncgen();
        runUntilFinalized(status, () -> System.gc());
    }

    // CPython: test_base_events.py::BaseEventLoopTests::test_asyncgen_finalization_by_gc_in_other_thread
    @Test
    void testAsyncgenFinalizationByGcInOtherThread() throws Exception {
        loop.setDebug(true);
        Map<String, Boolean> status = leaveUnfinalizedAsyncgen();
        runUntilFinalized(status, () -> {
            try {
                loop.runUntilComplete(loop.runInExecutor(null, () -> {
                    System.gc();
                    return null;
                }));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Iterates a generator partly, one item per task, and leaves it to the garbage collector. */
    private Map<String, Boolean> leaveUnfinalizedAsyncgen() throws Exception {
        Map<String, Boolean> status = new HashMap<>(Map.of("started", false, "stopped", false, "finalized", false));
        loop.runUntilComplete(() -> {
            AsyncGenerator<String> ag = AsyncGenerator.of(out -> {
                status.put("started", true);
                try {
                    for (String item : List.of("ZERO", "ONE", "TWO", "THREE", "FOUR")) {
                        out.yield(item);
                    }
                } finally {
                    status.put("finalized", true);
                }
            });
            createTask(iterOne(ag, status));
        });
        return status;
    }

    private static Coroutine<Void> iterOne(AsyncGenerator<String> ag, Map<String, Boolean> status) {
        return () -> {
            String item;
            try {
                item = ag.anext();
            } catch (java.util.NoSuchElementException end) {
                return null;
            }
            if (item.equals("THREE")) {
                status.put("stopped", true);
                return null;
            }
            createTask(iterOne(ag, status));
            return null;
        };
    }

    private void runUntilFinalized(Map<String, Boolean> status, Runnable collect) {
        TestLoops.runUntil(loop, () -> status.get("stopped"), 100);
        assertTrue(status.get("started"));
        assertTrue(status.get("stopped"));
        assertFalse(status.get("finalized"));
        for (int i = 0; i < 50 && !status.get("finalized"); i++) {
            collect.run();
            TestLoops.runOnce(loop);
        }
        assertTrue(status.get("finalized"));
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_log_slow_callbacks
    @Test
    void testLogSlowCallbacks() throws Exception {
        loop.setDebug(true);
        loop.setSlowCallbackDuration(0.0);
        try (LogCapture log = new LogCapture()) {
            // slow callback
            loop.callSoon(TestBaseEvents.stopLoopCb(loop));
            loop.runForever();
            String last = log.messages().get(log.messages().size() - 1);
            assertTrue(last.matches("^Executing <Handle.*> took .* seconds$"), last);
            // slow task. Deviation: a task step is reported as "step of <Task ...>"
            Task<Object> t = loop.createTask(() -> {
                loop.stop();
                return null;
            }, "stop_loop_coro", null);
            loop.runForever();
            last = log.messages().get(log.messages().size() - 1);
            assertTrue(last.matches("(?s)^Executing step of <Task.*stop_loop_coro.*> took .* seconds$"), last);
            assertTrue(t.done());
        }
    }

    private static Runnable stopLoopCb(EventLoop loop) {
        return loop::stop;
    }

    // ---- RunningLoopTests ----------------------------------------------------------------

    // CPython: test_base_events.py::RunningLoopTests::test_running_loop_within_a_loop
    @Test
    void testRunningLoopWithinALoop() {
        EventLoop inner = Asyncio.newEventLoop();
        EventLoop outer = Asyncio.newEventLoop();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> outer.runUntilComplete(() -> inner.runForever()));
            assertTrue(e.getMessage().contains("while another loop is running"), e.getMessage());
        } finally {
            inner.close();
            outer.close();
        }
    }
}
