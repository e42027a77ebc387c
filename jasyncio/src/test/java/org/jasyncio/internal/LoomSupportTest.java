package org.jasyncio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/**
 * Pins the JDK behaviours jasyncio's scheduler relies on, so a JDK upgrade that changes one
 * fails here, loudly, instead of as a hang somewhere else: a virtual thread made with a custom
 * scheduler hands its continuation to {@code execute} synchronously on {@code start()}, runs on
 * the thread that runs the continuation until it parks or yields, and comes back through
 * {@code execute} when unparked or when it yields (on the thread that yields, before
 * {@code Thread.yield()} returns to the scheduler), which is how a task's eager start routes
 * the child's first step ahead of the parent.
 */
class LoomSupportTest {

    /** A scheduler that only records what it is given. */
    private static final class Recorder implements Executor {
        final List<Runnable> submitted = new ArrayList<>();
        final List<Thread> submittedOn = new ArrayList<>();

        @Override
        public void execute(Runnable r) {
            submitted.add(r);
            submittedOn.add(Thread.currentThread());
        }

        Runnable take() {
            assertFalse(submitted.isEmpty(), "no continuation was handed to execute()");
            return submitted.remove(0);
        }
    }

    @Test
    void startHandsTheContinuationToExecuteAtOnce() {
        Recorder s = new Recorder();
        List<String> events = new ArrayList<>();
        Thread t = LoomSupport.newThread(s, () -> events.add("body ran on " + Thread.currentThread().isVirtual()));
        t.start();
        assertEquals(1, s.submitted.size());
        assertSame(Thread.currentThread(), s.submittedOn.get(0));
        assertEquals(List.of(), events);
        s.take().run();
        assertEquals(List.of("body ran on true"), events);
    }

    @Test
    void parkEndsTheStepAndUnparkResubmits() {
        Recorder s = new Recorder();
        List<String> events = new ArrayList<>();
        Thread t = LoomSupport.newThread(s, () -> {
            events.add("before park");
            LockSupport.park();
            events.add("after park");
        });
        t.start();
        s.take().run();
        assertEquals(List.of("before park"), events);
        assertTrue(s.submitted.isEmpty());
        LockSupport.unpark(t);
        assertEquals(1, s.submitted.size(), "unpark must resubmit the continuation");
        s.take().run();
        assertEquals(List.of("before park", "after park"), events);
    }

    @Test
    void yieldResubmitsOnTheYieldingThreadBeforeTheStepEnds() {
        Recorder s = new Recorder();
        List<String> events = new ArrayList<>();
        Thread t = LoomSupport.newThread(s, () -> {
            events.add("step 1");
            Thread.yield();
            events.add("step 2");
        });
        t.start();
        Thread runner = Thread.currentThread();
        s.take().run();
        assertEquals(List.of("step 1"), events);
        assertEquals(1, s.submitted.size(), "yield must resubmit the continuation");
        assertSame(runner, s.submittedOn.get(0), "resubmitted by the thread running the continuation");
        s.take().run();
        assertEquals(List.of("step 1", "step 2"), events);
    }
}
