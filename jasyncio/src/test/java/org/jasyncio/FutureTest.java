package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/** Future: states, results, callbacks (CPython test_futures). */
class FutureTest {

    @Test
    void initialStateIsPending() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            assertFalse(f.done());
            assertFalse(f.cancelled());
            assertThrows(InvalidStateError.class, f::result);
            assertThrows(InvalidStateError.class, f::exception);
            assertSame(loop, f.getLoop());
            assertEquals("<Future pending>", f.toString());
        }
    }

    @Test
    void resultAndException() throws Exception {
        // test_futures.test_result / test_exception
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            f.setResult("ok");
            assertTrue(f.done());
            assertEquals("ok", f.result());
            assertNull(f.exception());
            assertThrows(InvalidStateError.class, () -> f.setResult("again"));
            assertThrows(InvalidStateError.class, () -> f.setException(new RuntimeException()));
            assertFalse(f.trySetResult("again"));
            assertFalse(f.cancel());

            Future<String> g = loop.createFuture();
            IllegalArgumentException boom = new IllegalArgumentException("boom");
            g.setException(boom);
            assertSame(boom, g.exception());
            assertSame(boom, assertThrows(IllegalArgumentException.class, g::result));
            assertTrue(g.toString().contains("exception=java.lang.IllegalArgumentException: boom"), g.toString());
        }
    }

    @Test
    void checkedExceptionsAreRethrownAsTheyWere() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            java.io.IOException io = new java.io.IOException("disk");
            f.setException(io);
            assertSame(io, assertThrows(java.io.IOException.class, f::result));
        }
    }

    @Test
    void cancel() throws Exception {
        // test_futures.test_cancel
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            assertTrue(f.cancel("stop it"));
            assertTrue(f.cancelled());
            assertTrue(f.done());
            CancelledError e = assertThrows(CancelledError.class, f::result);
            assertEquals("stop it", e.getMessage());
            assertThrows(CancelledError.class, f::exception);
            assertThrows(InvalidStateError.class, () -> f.setResult("x"));
            assertFalse(f.cancel());
        }
    }

    @Test
    void callbacksAreScheduledNotRunInlineAndInOrder() throws Exception {
        // test_futures.test_callbacks_invoked_on_set_result
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<Integer> f = loop.createFuture();
            List<String> events = new ArrayList<>();
            f.addDoneCallback(x -> events.add("cb1"));
            f.addDoneCallback(x -> events.add("cb2"));
            f.setResult(7);
            assertEquals(List.of(), events, "callbacks must not run inline");
            TestLoops.runOnce(loop);
            assertEquals(List.of("cb1", "cb2"), events);
            // added after completion: scheduled at once
            f.addDoneCallback(x -> events.add("late"));
            assertEquals(2, events.size(), "a callback added after completion is scheduled, not run inline");
            TestLoops.runOnce(loop);
            assertEquals(List.of("cb1", "cb2", "late"), events);
        }
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistration() throws Exception {
        // test_futures.test_remove_done_callback
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<Integer> f = loop.createFuture();
            List<String> events = new ArrayList<>();
            Consumer<Future<Integer>> a = x -> events.add("a");
            Consumer<Future<Integer>> b = x -> events.add("b");
            f.addDoneCallback(a);
            f.addDoneCallback(b);
            f.addDoneCallback(a);
            assertEquals(2, f.removeDoneCallback(a));
            assertEquals(0, f.removeDoneCallback(a));
            f.setResult(1);
            TestLoops.runOnce(loop);
            assertEquals(List.of("b"), events);
        }
    }

    @Test
    void callbackRunsInTheContextItWasAddedIn() throws Exception {
        ContextVar<String> var = new ContextVar<>("v", "default");
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<Integer> f = loop.createFuture();
            List<String> seen = new ArrayList<>();
            Context ctx = new Context();
            ctx.run(() -> var.set("in-ctx"));
            f.addDoneCallback(x -> seen.add(var.get()), ctx);
            f.addDoneCallback(x -> seen.add(var.get()));
            f.setResult(1);
            TestLoops.runOnce(loop);
            assertEquals(List.of("in-ctx", "default"), seen);
        }
    }

    @Test
    void awaitOutsideATaskIsAClearError() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<Integer> f = loop.createFuture();
            IllegalStateException e = assertThrows(IllegalStateException.class, f::await);
            assertTrue(e.getMessage().contains("inside a task"), e.getMessage());
            List<String> msgs = new ArrayList<>();
            loop.callSoon(() -> {
                try {
                    f.await();
                } catch (Exception ex) {
                    msgs.add(ex.getMessage());
                }
                loop.stop();
            });
            loop.runForever();
            assertTrue(msgs.get(0).contains("event loop callback"), msgs.get(0));
        }
    }

    @Test
    void awaitOfADoneFutureDoesNotSuspend() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            f.setResult("x");
            Task<?> other = Asyncio.createTask(() -> events.add("other"));
            assertEquals("x", f.await());
            events.add("after await");
            other.await();
        });
        assertEquals(List.of("after await", "other"), events);
    }

    @Test
    void awaitingAFutureOfAnotherLoopIsAnError() throws Exception {
        try (EventLoop other = Asyncio.newEventLoop()) {
            Future<String> foreign = other.createFuture();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TestLoops.runVirtual(foreign::await));
            assertTrue(e.getMessage().contains("different loop"), e.getMessage());
        }
    }

    @Test
    void toCompletableFutureCompletesOnTheOtherSide() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            CompletableFuture<String> cf = f.toCompletableFuture();
            loop.callLater(0.01, () -> f.setResult("done"));
            loop.runUntilComplete(f);
            TestLoops.runOnce(loop);
            assertEquals("done", cf.get(1, TimeUnit.SECONDS));

            Future<String> g = loop.createFuture();
            CompletableFuture<String> cg = g.toCompletableFuture();
            g.setException(new IllegalStateException("bad"));
            TestLoops.runOnce(loop);
            assertTrue(cg.isCompletedExceptionally());
        }
    }

    @Test
    void setResultFromAnotherThreadWhileRunningIsRejected() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            Throwable[] err = new Throwable[1];
            loop.runUntilComplete(() -> {
                Asyncio.toThread(() -> {
                    try {
                        f.setResult("x");
                    } catch (Throwable e) {
                        err[0] = e;
                    }
                    return null;
                });
                return null;
            });
            assertInstanceOf(IllegalStateException.class, err[0]);
            assertFalse(f.done());
        }
    }
}
