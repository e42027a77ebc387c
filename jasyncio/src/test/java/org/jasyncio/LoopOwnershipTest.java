package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The loop owns its state: other threads reach it only through its inbox, and what they hand
 * in is never lost: a stop() or a keyboard interrupt that lands just before the loop goes to
 * sleep, a callback accepted while the loop closes, a runCoroutineThreadsafe caller whose loop
 * closes under it.
 */
class LoopOwnershipTest {

    /** Runs the loop on a platform thread of its own; returns what runForever() threw, or null. */
    private static Thread runInBackground(EventLoop loop, AtomicReference<Throwable> failure, CountDownLatch started) {
        return Thread.ofPlatform().start(() -> {
            try {
                loop.callSoon(started::countDown);
                loop.runForever();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    @Test
    void aStopFromAnotherThreadIsNeverLost() throws Exception {
        // An idle loop with nothing scheduled sleeps until woken: a stop() that slips between
        // its last look at its state and its select would leave it asleep forever. Each round
        // stops the loop at a different moment of its iteration.
        try (EventLoop loop = Asyncio.newEventLoop()) {
            for (int round = 0; round < 300; round++) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                CountDownLatch started = new CountDownLatch(1);
                Thread t = runInBackground(loop, failure, started);
                assertTrue(started.await(10, TimeUnit.SECONDS));
                for (int spin = round % 50; spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                loop.stop();
                t.join(10_000);
                assertFalse(t.isAlive(), "stop() was lost in round " + round);
                assertNull(failure.get());
            }
        }
    }

    @Test
    void aKeyboardInterruptFromAnotherThreadLeavesRunForever() throws Exception {
        BaseEventLoop loop = (BaseEventLoop) Asyncio.newEventLoop();
        try {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread t = runInBackground(loop, failure, started);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            loop.interruptWithKeyboardInterrupt();
            t.join(10_000);
            assertFalse(t.isAlive());
            assertInstanceOf(KeyboardInterrupt.class, failure.get());
        } finally {
            loop.close();
        }
    }

    @Test
    void closeRunsEveryCallbackAcceptedFromOtherThreads() throws Exception {
        // Eight threads post as fast as they can while the loop runs, stops and closes: each
        // callSoonThreadsafe either returned (and its callback ran) or threw.
        EventLoop loop = Asyncio.newEventLoop();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        AtomicBoolean go = new AtomicBoolean(true);
        List<Thread> posters = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            posters.add(Thread.ofPlatform().start(() -> {
                while (go.get()) {
                    try {
                        loop.callSoonThreadsafe(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    } catch (IllegalStateException closed) {
                        return;
                    }
                }
            }));
        }
        loop.callLater(0.05, loop::stop);
        loop.runForever();
        loop.close();
        go.set(false);
        for (Thread t : posters) {
            t.join();
        }
        assertTrue(accepted.get() > 0);
        assertEquals(accepted.get(), ran.get());
    }

    @Test
    void callSoonThreadsafeOnAClosedLoopThrows() {
        EventLoop loop = Asyncio.newEventLoop();
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.callSoonThreadsafe(() -> { }));
    }

    @Test
    void aRunCoroutineThreadsafeCallerIsReleasedWhenTheLoopCloses() throws Exception {
        EventLoop loop = Asyncio.newEventLoop();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = runInBackground(loop, failure, started);
        assertTrue(started.await(10, TimeUnit.SECONDS));
        CompletableFuture<Object> cf = Asyncio.runCoroutineThreadsafe(() -> Asyncio.sleep(3600, null), loop);
        CountDownLatch taskRunning = new CountDownLatch(1);
        loop.callSoonThreadsafe(taskRunning::countDown);
        assertTrue(taskRunning.await(10, TimeUnit.SECONDS));
        loop.stop();
        t.join(10_000);
        loop.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> cf.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    }

    @Test
    void aHandleCancelledFromAnotherThreadDoesNotRun() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> events = new ArrayList<>();
            CountDownLatch cancelled = new CountDownLatch(1);
            loop.runUntilComplete(() -> {
                TimerHandle h = loop.callLater(0.2, () -> events.add("ran"));
                Thread.ofPlatform().start(() -> {
                    h.cancel(); // posted to the loop, which cancels it
                    cancelled.countDown();
                });
                Asyncio.toThread(() -> cancelled.await(10, TimeUnit.SECONDS));
                Asyncio.sleep(0.3);
                assertTrue(h.cancelled());
            });
            assertEquals(List.of(), events);
        }
    }
}
