package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The loop itself: ordering of callbacks and timers, stop, close, thread rules (CPython test_events / test_base_events). */
class EventLoopTest {

    @Test
    void callSoonIsFifo() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int k = i;
                loop.callSoon(() -> order.add(k));
            }
            loop.callSoon(loop::stop);
            loop.runForever();
            for (int i = 0; i < 100; i++) {
                assertEquals(i, order.get(i));
            }
        }
    }

    @Test
    void callbackScheduledDuringIterationRunsInNextIteration() throws Exception {
        // test_base_events: _run_once runs only the handles ready at its start
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> events = new ArrayList<>();
            loop.callSoon(() -> {
                events.add("a");
                loop.callSoon(() -> events.add("c"));
            });
            loop.callSoon(() -> events.add("b"));
            TestLoops.runOnce(loop);
            assertEquals(List.of("a", "b"), events);
            TestLoops.runOnce(loop);
            assertEquals(List.of("a", "b", "c"), events);
        }
    }

    @Test
    void timersRunInDeadlineOrderAndEqualDeadlinesFifo() throws Exception {
        try (EventLoop loop = TestLoops.virtualTimeLoop()) {
            List<String> order = new ArrayList<>();
            double now = loop.time();
            loop.callAt(now + 2, () -> order.add("t2"));
            for (int i = 0; i < 50; i++) {
                int k = i;
                loop.callAt(now + 1, () -> order.add("eq" + k));
            }
            loop.callLater(0.5, () -> order.add("t0.5"));
            loop.callAt(now + 3, loop::stop);
            loop.runForever();
            assertEquals("t0.5", order.get(0));
            for (int i = 0; i < 50; i++) {
                assertEquals("eq" + i, order.get(i + 1));
            }
            assertEquals("t2", order.get(51));
            assertEquals(3.0, loop.time() - now, 1e-6);
        }
    }

    @Test
    void cancelledCallbacksAndTimersDoNotRun() throws Exception {
        try (EventLoop loop = TestLoops.virtualTimeLoop()) {
            AtomicInteger ran = new AtomicInteger();
            Handle h = loop.callSoon(ran::incrementAndGet);
            TimerHandle th = loop.callLater(1, ran::incrementAndGet);
            h.cancel();
            th.cancel();
            assertTrue(h.cancelled());
            assertTrue(th.cancelled());
            loop.callLater(2, loop::stop);
            loop.runForever();
            assertEquals(0, ran.get());
        }
    }

    @Test
    void manyCancelledTimersAreCompacted() throws Exception {
        try (EventLoop loop = TestLoops.virtualTimeLoop()) {
            AtomicInteger ran = new AtomicInteger();
            List<TimerHandle> hs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                hs.add(loop.callLater(10 + i, ran::incrementAndGet));
            }
            for (int i = 0; i < 1000; i += 2) {
                hs.get(i).cancel();
            }
            loop.callLater(5000, loop::stop);
            loop.runForever();
            assertEquals(500, ran.get());
        }
    }

    @Test
    void stopInsideRunForeverFinishesTheBatch() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> events = new ArrayList<>();
            loop.callSoon(() -> {
                events.add("1");
                loop.stop();
            });
            loop.callSoon(() -> events.add("2"));
            loop.runForever();
            assertEquals(List.of("1", "2"), events);
            assertFalse(loop.isRunning());
            // the loop can run again
            loop.callSoon(() -> events.add("3"));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("1", "2", "3"), events);
        }
    }

    @Test
    void tasksAndCallbacksScheduledBeforeTheLoopRunsKeepTheirOrder() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> events = new ArrayList<>();
            loop.callSoon(() -> events.add("callback 1"));
            Task<?> t = loop.createTask(() -> events.add("task"));
            loop.callSoon(() -> events.add("callback 2"));
            loop.runUntilComplete(t);
            assertEquals(List.of("callback 1", "task", "callback 2"), events);
        }
    }

    @Test
    void stopBeforeRunForeverRunsOneIteration() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> events = new ArrayList<>();
            loop.callSoon(() -> events.add("x"));
            loop.stop();
            loop.runForever();
            assertEquals(List.of("x"), events);
        }
    }

    @Test
    void closedLoopRejectsWork() {
        EventLoop loop = Asyncio.newEventLoop();
        loop.close();
        assertTrue(loop.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.callSoon(() -> {}));
        assertEquals("Event loop is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> loop.callLater(1, () -> {}));
        assertThrows(IllegalStateException.class, () -> loop.callSoonThreadsafe(() -> {}));
        assertThrows(IllegalStateException.class, loop::runForever);
        assertThrows(IllegalStateException.class, () -> loop.createTask(() -> 1));
        loop.close(); // closing twice is fine
    }

    @Test
    void runningLoopCannotBeRunAgainOrClosed() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> errors = new ArrayList<>();
            loop.callSoon(() -> {
                try {
                    loop.runForever();
                } catch (IllegalStateException e) {
                    errors.add(e.getMessage());
                }
                try {
                    loop.close();
                } catch (IllegalStateException e) {
                    errors.add(e.getMessage());
                }
                loop.stop();
            });
            loop.runForever();
            assertEquals(List.of("This event loop is already running", "Cannot close a running event loop"), errors);
        }
    }

    @Test
    void anotherLoopCannotRunInsideARunningLoop() throws Exception {
        try (EventLoop outer = Asyncio.newEventLoop(); EventLoop inner = Asyncio.newEventLoop()) {
            String msg = outer.runUntilComplete(() -> {
                try {
                    inner.runUntilComplete(() -> 1);
                    return "ran";
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            });
            assertEquals("Cannot run the event loop while another loop is running", msg);
        }
    }

    @Test
    void runUntilCompleteReturnsResultAndRaisesException() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            assertEquals(42, loop.runUntilComplete(() -> 42));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.runUntilComplete(() -> {
                        throw new IllegalArgumentException("boom");
                    }));
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void runUntilCompleteStoppedEarlyIsAnError() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Future<String> f = loop.createFuture();
            loop.callSoon(loop::stop);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(f));
            assertEquals("Event loop stopped before Future completed.", e.getMessage());
        }
    }

    @Test
    void loopAffineCallsFromAnotherThreadAreRejected() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<Throwable> errors = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            loop.runUntilComplete(() -> {
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        loop.callSoon(() -> {});
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    done.countDown();
                });
                Asyncio.toThread(() -> {
                    done.await();
                    return null;
                });
                t.join();
                return null;
            });
            assertEquals(1, errors.size());
            assertInstanceOf(IllegalStateException.class, errors.get(0));
            assertTrue(errors.get(0).getMessage().contains("callSoonThreadsafe"), errors.get(0).getMessage());
        }
    }

    @Test
    void callbackExceptionGoesToTheHandlerAndTheLoopGoesOn() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            TestLoops.Collector c = new TestLoops.Collector();
            loop.setExceptionHandler(c);
            List<String> events = new ArrayList<>();
            loop.callSoon(() -> {
                throw new IllegalStateException("bad callback");
            });
            loop.callSoon(() -> events.add("after"));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("after"), events);
            assertEquals(1, c.contexts().size());
            ExceptionContext ctx = c.contexts().get(0);
            assertTrue(ctx.message().startsWith("Exception in callback"), ctx.message());
            assertEquals("bad callback", ctx.exception().getMessage());
            assertNotNull(ctx.handle());
        }
    }

    @Test
    void failingExceptionHandlerFallsBackToTheDefault() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            AtomicInteger calls = new AtomicInteger();
            loop.setExceptionHandler((l, ctx) -> {
                calls.incrementAndGet();
                throw new RuntimeException("handler broke");
            });
            loop.callExceptionHandler(ExceptionContext.builder("test").build());
            assertEquals(1, calls.get());
        }
    }

    @Test
    void timeIsMonotonicSeconds() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            double a = loop.time();
            Thread.sleep(20);
            double b = loop.time();
            assertTrue(b - a >= 0.015 && b - a < 5, "elapsed " + (b - a));
        }
    }

    @Test
    void badDelaysAreRejected() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            assertThrows(IllegalArgumentException.class, () -> loop.callLater(Double.NaN, () -> {}));
            assertThrows(IllegalArgumentException.class, () -> loop.callAt(Double.NaN, () -> {}));
            assertThrows(NullPointerException.class, () -> loop.callSoon(null));
        }
    }

    @Test
    void runForeverOnAVirtualThreadIsRejected() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            Throwable[] err = new Throwable[1];
            Thread.ofVirtual().start(() -> {
                try {
                    loop.runForever();
                } catch (Throwable e) {
                    err[0] = e;
                }
            }).join();
            assertInstanceOf(IllegalStateException.class, err[0]);
            assertTrue(err[0].getMessage().contains("platform thread"));
        }
    }
}
