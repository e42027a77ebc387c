package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.wrapFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.InvalidStateError;
import org.jasyncio.LogCapture;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_futures.py}: {@link Future}. CPython runs
 * {@code BaseFutureTests} and {@code BaseFutureDoneCallbackTests} for the C and the Python
 * future (and a C subclass); jasyncio has one future, so each test is ported once. As in
 * CPython, each test gets a fresh loop with a virtual clock (CPython's {@code TestLoop}) that
 * does not run unless the test runs it.
 *
 * <p>CPython's {@code mock.patch('asyncio.base_events.logger')} is a {@link LogCapture} here:
 * the loop's default exception handler logs through {@code System.Logger}.
 */
class TestFutures {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = TestLoops.virtualTimeLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    private <T> Future<T> newFuture() {
        return loop.createFuture();
    }

    // ---- BaseFutureTests ----------------------------------------------------------------

    // CPython: test_futures.py::BaseFutureTests::test_isfuture
    @Test
    void testIsfuture() {
        // Deviation: asyncio.isfuture() is duck typing (_asyncio_future_blocking); in Java
        // being a future is the type, so the checks are instanceof on the same values.
        Object notAFuture = 1;
        assertFalse(notAFuture instanceof Future<?>);
        Object f = newFuture();
        assertTrue(f instanceof Future<?>);
        assertFalse(Future.class.isInstance(f.getClass()));
        ((Future<?>) f).cancel();
    }

    // CPython: test_futures.py::BaseFutureTests::test_initial_state
    @Test
    void testInitialState() {
        Future<Object> f = newFuture();
        assertFalse(f.cancelled());
        assertFalse(f.done());
        f.cancel();
        assertTrue(f.cancelled());
    }

    // CPython: test_futures.py::BaseFutureTests::test_constructor_use_running_loop
    @Test
    void testConstructorUseRunningLoop() throws Exception {
        // Deviation: a future is made by a loop (createFuture()), never by a constructor that
        // looks the running loop up; the running loop's createFuture() is the port.
        Future<Object> f = loop.runUntilComplete(() -> getRunningLoop().createFuture());
        assertSame(loop, f.getLoop());
    }

    // CPython: test_futures.py::BaseFutureTests::test_future_cancel_message_getter
    @Test
    void testFutureCancelMessageGetter() {
        Future<Object> f = newFuture();
        f.cancel("my message");
        // Deviation: asyncio keeps the message in the private _cancel_message; jasyncio puts
        // it in the CancelledError that awaiting the future raises.
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        assertEquals("my message", e.getMessage());
    }

    // CPython: test_futures.py::BaseFutureTests::test_cancel
    @Test
    void testCancel() {
        Future<Object> f = newFuture();
        assertTrue(f.cancel());
        assertTrue(f.cancelled());
        assertTrue(f.done());
        assertThrows(CancelledError.class, f::result);
        assertThrows(CancelledError.class, f::exception);
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        // Deviation: D1, set_exception(None) is a NullPointerException before any state check;
        // a real exception shows the InvalidStateError.
        assertThrows(InvalidStateError.class, () -> f.setException(new IllegalStateException()));
        assertFalse(f.cancel());
    }

    // CPython: test_futures.py::BaseFutureTests::test_result
    @Test
    void testResult() throws Exception {
        Future<Integer> f = newFuture();
        assertThrows(InvalidStateError.class, f::result);

        f.setResult(42);
        assertFalse(f.cancelled());
        assertTrue(f.done());
        assertEquals(42, f.result());
        assertNull(f.exception());
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        // Deviation: D1, see testCancel.
        assertThrows(InvalidStateError.class, () -> f.setException(new IllegalStateException()));
        assertFalse(f.cancel());
    }

    // CPython: test_futures.py::BaseFutureTests::test_exception
    @Test
    void testException() {
        // Deviation: D1, asyncio's RuntimeError is IllegalStateException.
        IllegalStateException exc = new IllegalStateException();
        Future<Object> f = newFuture();
        assertThrows(InvalidStateError.class, f::exception);

        f.setException(exc);
        assertFalse(f.cancelled());
        assertTrue(f.done());
        assertThrows(IllegalStateException.class, f::result);
        assertSame(exc, f.exception());
        assertThrows(InvalidStateError.class, () -> f.setResult(null));
        assertThrows(InvalidStateError.class, () -> f.setException(new IllegalStateException()));
        assertFalse(f.cancel());
    }

    // CPython: test_futures.py::BaseFutureTests::test_future_repr
    @Test
    void testFutureRepr() {
        loop.setDebug(true);
        // The expected creation frame is taken on the same line as the future.
        Future<Object> fPendingDebug = loop.createFuture(); StackTraceElement frame = new Throwable().getStackTrace()[0];
        assertEquals("<Future pending created at " + frame + ">", fPendingDebug.toString());
        fPendingDebug.cancel();

        loop.setDebug(false);
        Future<Object> fPending = newFuture();
        assertEquals("<Future pending>", fPending.toString());
        fPending.cancel();

        Future<Object> fCancelled = newFuture();
        fCancelled.cancel();
        assertEquals("<Future cancelled>", fCancelled.toString());

        Future<Integer> fResult = newFuture();
        fResult.setResult(4);
        assertEquals("<Future finished result=4>", fResult.toString());

        // Deviation: D1, and an exception shows as Java's Throwable.toString() (its class
        // name), where asyncio shows repr(exc), "RuntimeError()".
        IllegalStateException exc = new IllegalStateException();
        Future<Object> fException = newFuture();
        fException.setException(exc);
        assertEquals("<Future finished exception=java.lang.IllegalStateException>", fException.toString());
        assertSame(exc, fException.exception());

        // Deviation: a Java lambda has no name nor source line; a callback shows as the
        // class that defines it, "TestFutures.lambda", where asyncio shows
        // "_fakefunc() at file:line".
        Consumer<Future<Object>> fakefunc = f -> { };
        Consumer<Future<Object>> firstCb = f -> { };
        Consumer<Future<Object>> lastCb = f -> { };
        String cb = Pattern.quote("TestFutures.lambda");

        Future<Object> fOneCallbacks = newFuture();
        fOneCallbacks.addDoneCallback(fakefunc);
        assertTrue(Pattern.matches("<Future pending cb=\\[" + cb + "\\]>", fOneCallbacks.toString()),
                fOneCallbacks.toString());
        fOneCallbacks.cancel();
        assertEquals("<Future cancelled>", fOneCallbacks.toString());

        Future<Object> fTwoCallbacks = newFuture();
        fTwoCallbacks.addDoneCallback(firstCb);
        fTwoCallbacks.addDoneCallback(lastCb);
        assertTrue(Pattern.matches("<Future pending cb=\\[" + cb + ", " + cb + "\\]>", fTwoCallbacks.toString()),
                fTwoCallbacks.toString());

        Future<Object> fManyCallbacks = newFuture();
        fManyCallbacks.addDoneCallback(firstCb);
        for (int i = 0; i < 8; i++) {
            fManyCallbacks.addDoneCallback(fakefunc);
        }
        fManyCallbacks.addDoneCallback(lastCb);
        assertTrue(Pattern.matches("<Future pending cb=\\[" + cb + ", <8 more>, " + cb + "\\]>",
                fManyCallbacks.toString()), fManyCallbacks.toString());
        fManyCallbacks.cancel();
        assertEquals("<Future cancelled>", fManyCallbacks.toString());
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_abandoned
    @Test
    void testTbLoggerAbandoned() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture());
            collectGarbage();
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_not_called_after_cancel
    @Test
    void testTbLoggerNotCalledAfterCancel() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> {
                // cancel() of a done future still marks its exception as handled, as in asyncio.
                f.setException(new Exception());
                f.cancel();
            });
            collectGarbage();
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_result_unretrieved
    @Test
    void testTbLoggerResultUnretrieved() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> f.setResult(42));
            collectGarbage();
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_result_retrieved
    @Test
    void testTbLoggerResultRetrieved() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> {
                f.setResult(42);
                try {
                    f.result();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            collectGarbage();
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_exception_unretrieved
    @Test
    void testTbLoggerExceptionUnretrieved() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> f.setException(new IllegalStateException("boom")));
            TestLoops.runOnce(loop);
            collectGarbageUntil(() -> !log.records().isEmpty());
            assertFalse(log.records().isEmpty());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_exception_retrieved
    @Test
    void testTbLoggerExceptionRetrieved() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> {
                f.setException(new IllegalStateException("boom"));
                f.exception();
            });
            collectGarbage();
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_tb_logger_exception_result_retrieved
    @Test
    void testTbLoggerExceptionResultRetrieved() {
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> {
                f.setException(new IllegalStateException("boom"));
                assertThrows(IllegalStateException.class, f::result);
            });
            collectGarbage();
            assertEquals(List.of(), log.messages());
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_wrap_future
    @Test
    void testWrapFuture() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(1);
        try {
            CompletableFuture<List<Object>> f1 = CompletableFuture.supplyAsync(
                    () -> List.of("oi", Thread.currentThread().threadId()), ex);
            // Deviation: wrapFuture has no loop argument; it wraps into the running loop.
            Future<List<Object>> f2 = loop.runUntilComplete(() -> wrapFuture(f1));
            List<Object> resIdent = loop.runUntilComplete(f2);
            assertInstanceOf(Future.class, f2);
            assertEquals("oi", resIdent.get(0));
            assertNotEquals(Thread.currentThread().threadId(), resIdent.get(1));
        } finally {
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_wrap_future_without_loop
    @Test
    void testWrapFutureWithoutLoop() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(1);
        try {
            CompletableFuture<String> f1 = CompletableFuture.supplyAsync(() -> "oi", ex);
            // Deviation: D1, asyncio's RuntimeError is IllegalStateException; its message
            // says that no loop runs here.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrapFuture(f1));
            assertTrue(e.getMessage().contains("needs a running event loop"), e.getMessage());
        } finally {
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_wrap_future_use_running_loop
    @Test
    void testWrapFutureUseRunningLoop() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(1);
        try {
            CompletableFuture<String> f1 = CompletableFuture.supplyAsync(() -> "oi", ex);
            Future<String> f2 = loop.runUntilComplete(() -> wrapFuture(f1));
            assertSame(loop, f2.getLoop());
            // Let the wrapped result arrive, so nothing is left scheduled on the loop.
            loop.runUntilComplete(f2);
        } finally {
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    // CPython: test_futures.py::BaseFutureTests::test_wrap_future_cancel
    @Test
    void testWrapFutureCancel() throws Exception {
        CompletableFuture<Object> f1 = new CompletableFuture<>();
        Future<Object> f2 = loop.runUntilComplete(() -> wrapFuture(f1));
        f2.cancel();
        TestLoops.runOnce(loop);
        assertTrue(f1.isCancelled());
        assertTrue(f2.cancelled());
    }

    // CPython: test_futures.py::BaseFutureTests::test_wrap_future_cancel2
    @Test
    void testWrapFutureCancel2() throws Exception {
        CompletableFuture<Integer> f1 = new CompletableFuture<>();
        Future<Integer> f2 = loop.runUntilComplete(() -> wrapFuture(f1));
        f1.complete(42);
        f2.cancel();
        TestLoops.runOnce(loop);
        assertFalse(f1.isCancelled());
        assertEquals(42, f1.get());
        assertTrue(f2.cancelled());
    }

    // CPython: test_futures.py::BaseFutureTests::test_future_source_traceback
    @Test
    void testFutureSourceTraceback() {
        loop.setDebug(true);
        // Deviation: the private _source_traceback shows in toString() as "created at
        // <frame>", the innermost frame outside jasyncio: the line that created the future.
        Future<Object> future = loop.createFuture(); StackTraceElement here = new Throwable().getStackTrace()[0];
        String repr = future.toString();
        String createdAt = repr.substring(repr.indexOf(" created at ") + " created at ".length(), repr.length() - 1);
        assertTrue(createdAt.contains("TestFutures.java:" + here.getLineNumber()), repr);
        assertTrue(createdAt.contains("testFutureSourceTraceback"), repr);
        future.cancel();
    }

    // CPython: test_futures.py::BaseFutureTests::test_future_exception_never_retrieved
    @Test
    void testFutureExceptionNeverRetrieved() {
        checkFutureExceptionNeverRetrieved(false);
    }

    // CPython: test_futures.py::BaseFutureTests::test_future_exception_never_retrieved_debug
    @Test
    void testFutureExceptionNeverRetrievedDebug() {
        checkFutureExceptionNeverRetrieved(true);
    }

    /** CPython's check_future_exception_never_retrieved: one error record, with the exception. */
    private void checkFutureExceptionNeverRetrieved(boolean debug) {
        loop.setDebug(debug);
        // Deviation: asyncio's MemoryError (a BaseException) is an OutOfMemoryError here, an Error.
        OutOfMemoryError exc = new OutOfMemoryError();
        try (LogCapture log = new LogCapture()) {
            abandon(newFuture(), f -> f.setException(exc));
            TestLoops.runOnce(loop);
            collectGarbageUntil(() -> !log.records().isEmpty());

            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), log.messages().toString());
            LogRecord r = records.get(0);
            assertEquals(Level.SEVERE, r.getLevel());
            assertSame(exc, r.getThrown());
            assertTrue(Pattern.compile("^Future exception was never retrieved\n", Pattern.DOTALL)
                    .matcher(r.getMessage()).lookingAt(), r.getMessage());
        }
    }

    // ---- BaseFutureDoneCallbackTests ---------------------------------------------------

    /** A callback that appends {@code thing} to {@code bag}; a new object each call. */
    private static Consumer<Future<String>> makeCallback(List<Integer> bag, int thing) {
        return f -> bag.add(thing);
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_callback
    @Test
    void testCallbacksRemoveFirstCallback() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<String> f = newFuture();

        Consumer<Future<String>> cb1 = makeCallback(bag, 42);
        Consumer<Future<String>> cb2 = makeCallback(bag, 17);
        Consumer<Future<String>> cb3 = makeCallback(bag, 100);

        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);

        f.removeDoneCallback(cb1);
        f.removeDoneCallback(cb1);

        assertEquals(List.of(), bag);
        f.setResult("foo");

        TestLoops.runOnce(loop);

        assertEquals(List.of(17, 100), bag);
        assertEquals("foo", f.result());
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_first_and_second_callback
    @Test
    void testCallbacksRemoveFirstAndSecondCallback() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<String> f = newFuture();

        Consumer<Future<String>> cb1 = makeCallback(bag, 42);
        Consumer<Future<String>> cb2 = makeCallback(bag, 17);
        Consumer<Future<String>> cb3 = makeCallback(bag, 100);

        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);

        f.removeDoneCallback(cb1);
        f.removeDoneCallback(cb2);
        f.removeDoneCallback(cb1);

        assertEquals(List.of(), bag);
        f.setResult("foo");

        TestLoops.runOnce(loop);

        assertEquals(List.of(100), bag);
        assertEquals("foo", f.result());
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_remove_third_callback
    @Test
    void testCallbacksRemoveThirdCallback() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<String> f = newFuture();

        Consumer<Future<String>> cb1 = makeCallback(bag, 42);
        Consumer<Future<String>> cb2 = makeCallback(bag, 17);
        Consumer<Future<String>> cb3 = makeCallback(bag, 100);

        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);
        f.addDoneCallback(cb3);

        f.removeDoneCallback(cb3);
        f.removeDoneCallback(cb3);

        assertEquals(List.of(), bag);
        f.setResult("foo");

        TestLoops.runOnce(loop);

        assertEquals(List.of(42, 17), bag);
        assertEquals("foo", f.result());
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_result
    @Test
    void testCallbacksInvokedOnSetResult() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<String> f = newFuture();
        f.addDoneCallback(makeCallback(bag, 42));
        f.addDoneCallback(makeCallback(bag, 17));

        assertEquals(List.of(), bag);
        f.setResult("foo");

        TestLoops.runOnce(loop);

        assertEquals(List.of(42, 17), bag);
        assertEquals("foo", f.result());
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_callbacks_invoked_on_set_exception
    @Test
    void testCallbacksInvokedOnSetException() {
        List<Integer> bag = new ArrayList<>();
        Future<String> f = newFuture();
        f.addDoneCallback(makeCallback(bag, 100));

        assertEquals(List.of(), bag);
        IllegalStateException exc = new IllegalStateException();
        f.setException(exc);

        TestLoops.runOnce(loop);

        assertEquals(List.of(100), bag);
        assertSame(exc, f.exception());
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callback
    @Test
    void testRemoveDoneCallback() throws Exception {
        List<Integer> bag = new ArrayList<>();
        Future<String> f = newFuture();
        Consumer<Future<String>> cb1 = makeCallback(bag, 1);
        Consumer<Future<String>> cb2 = makeCallback(bag, 2);
        Consumer<Future<String>> cb3 = makeCallback(bag, 3);

        // Add one cb1 and one cb2.
        f.addDoneCallback(cb1);
        f.addDoneCallback(cb2);

        // One instance of cb2 removed. Now there's only one cb1.
        assertEquals(1, f.removeDoneCallback(cb2));

        // Never had any cb3 in there.
        assertEquals(0, f.removeDoneCallback(cb3));

        // After this there will be 6 instances of cb1 and one of cb2.
        f.addDoneCallback(cb2);
        for (int i = 0; i < 5; i++) {
            f.addDoneCallback(cb1);
        }

        // Remove all instances of cb1. One cb2 remains.
        assertEquals(6, f.removeDoneCallback(cb1));

        assertEquals(List.of(), bag);
        f.setResult("foo");

        TestLoops.runOnce(loop);

        assertEquals(List.of(2), bag);
        assertEquals("foo", f.result());
    }

    /**
     * A callback whose {@code equals} runs {@code action} (once at a time, so it cannot
     * recurse), as CPython's {@code evil.__eq__}. Python compares both ways round and so
     * reaches an {@code __eq__} of the argument; Java calls {@code equals} of the registered
     * callback, so the tests register an Evil as well as pass one.
     */
    private static final class Evil implements Consumer<Future<Object>> {
        private final Runnable action;
        private boolean inside;

        Evil(Runnable action) {
            this.action = action;
        }

        @Override
        public void accept(Future<Object> f) {
        }

        @Override
        public boolean equals(Object other) {
            if (!inside) {
                inside = true;
                try {
                    action.run();
                } finally {
                    inside = false;
                }
            }
            // CPython's evil is equal to nothing; Java's equals must at least be reflexive.
            return other == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callbacks_list_mutation
    @Test
    void testRemoveDoneCallbacksListMutation() {
        // see http://bugs.python.org/issue28963 for details
        Future<Object> fut = newFuture();
        Consumer<Future<Object>> id = f -> { };
        Evil str = new Evil(() -> fut.removeDoneCallback(id));
        fut.addDoneCallback(str);
        for (int i = 0; i < 63; i++) {
            fut.addDoneCallback(id);
        }
        // Removing while the scan for the callback to remove runs must not break.
        fut.removeDoneCallback(new Evil(() -> fut.removeDoneCallback(id)));
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_remove_done_callbacks_list_clear
    @Test
    void testRemoveDoneCallbacksListClear() {
        // see https://github.com/python/cpython/issues/97592 for details
        Future<Object> fut = newFuture();
        Consumer<Future<Object>> id = f -> { };
        List<Evil> registered = new ArrayList<>();
        // CPython's evil removes each callback it is compared with, clearing the list during
        // the scan; here the registered evil removes the others and itself.
        Evil str = new Evil(() -> {
            fut.removeDoneCallback(id);
            fut.removeDoneCallback(registered.get(0));
        });
        registered.add(str);
        fut.addDoneCallback(str);
        for (int i = 0; i < 63; i++) {
            fut.addDoneCallback(id);
        }
        fut.removeDoneCallback(new Evil(() -> { }));
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_schedule_callbacks_list_mutation_1
    @Test
    void testScheduleCallbacksListMutation1() {
        // see http://bugs.python.org/issue28963 for details
        Future<Object> fut = newFuture();
        Consumer<Future<Object>> str = f -> { };
        Consumer<Future<Object>> mut = f -> f.removeDoneCallback(str);
        fut.addDoneCallback(mut);
        fut.addDoneCallback(str);
        fut.addDoneCallback(str);
        fut.setResult(1);
        TestLoops.runOnce(loop);
    }

    // CPython: test_futures.py::BaseFutureDoneCallbackTests::test_schedule_callbacks_list_mutation_2
    @Test
    void testScheduleCallbacksListMutation2() {
        // see http://bugs.python.org/issue30828 for details
        Future<Object> fut = newFuture();
        Consumer<Future<Object>> id = f -> { };
        int maxExtraCbs = 100;
        int[] extraCbs = {0};
        Runnable addOne = () -> {
            extraCbs[0]++;
            if (extraCbs[0] < maxExtraCbs) {
                fut.addDoneCallback(id);
            }
        };
        // Every comparison adds a callback while the scan runs.
        fut.addDoneCallback(new Evil(addOne));
        for (int i = 0; i < 63; i++) {
            fut.addDoneCallback(id);
        }
        fut.removeDoneCallback(new Evil(addOne));
    }

    // ---- helpers ----------------------------------------------------------------------

    /** Prepares a future and drops it: CPython's {@code del fut}. */
    private static <T> void abandon(Future<T> f, Consumer<Future<T>> prepare) {
        prepare.accept(f);
    }

    private static void abandon(Future<?> f) {
    }

    /** A few collections with a loop iteration after each, for a report that would come. */
    private void collectGarbage() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TestLoops.runOnce(loop);
        }
    }

    /** CPython's support.gc_collect() plus run_briefly, until {@code reported} holds. */
    private void collectGarbageUntil(BooleanSupplier reported) {
        for (int i = 0; i < 100 && !reported.getAsBoolean(); i++) {
            System.gc();
            TestLoops.runOnce(loop);
        }
    }
}
