package org.jasyncio.internal.subprocess;

import static org.jasyncio.Asyncio.getRunningLoop;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;
import org.junit.jupiter.api.Test;

/**
 * A pipe's lock, held by its pipe thread, never makes a task and the loop thread queue behind
 * each other. Before {@link LoopSideLocks}, a task blocked in {@code resumeReading} (queued
 * first) and the loop thread blocked in the pump's {@code deliver} (queued second): the lock's
 * release woke the task, which needs the loop thread, which waited behind the task. Seen once
 * as a hang of {@code ProcessTest.readersPauseWhenNobodyReadsSoTheChildBlocks}; here it is made
 * certain by holding the lock from a test thread while both sides ask for it, in that order.
 */
class PipeLocksTest {

    /** Holds {@code lock} on a new thread for {@code millis} once the call returns. */
    private static void holdFromAnotherThread(ReentrantLock lock, long millis) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.lock();
            held.countDown();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException ignored) {
                // release early
            } finally {
                lock.unlock();
            }
        }, "pipe-lock-holder");
        holder.setDaemon(true);
        holder.start();
        held.await();
    }

    /** The test's main coroutine; it records what happened in {@code events}. */
    private interface Body {
        void run(List<String> events) throws Exception;
    }

    /** Runs {@code body} under Asyncio.run on its own thread; fails if it has not ended in 30 s. */
    private static List<String> runOrFailOnDeadlock(Body body) throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                Asyncio.run(() -> {
                    body.run(events);
                    return null;
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "pipe-locks-loop");
        runner.setDaemon(true);
        runner.start();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(runner.isAlive(), "the loop deadlocked on a pipe lock: " + events);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return events;
    }

    @Test
    void resumeReadingInATaskAndDeliverOnTheLoopThreadDoNotDeadlock() throws Exception {
        List<String> events = runOrFailOnDeadlock(events0 -> {
            EventLoop loop = getRunningLoop();
            SubprocessConnection<SubprocessProtocol> c = loop.subprocessExec(() -> new SubprocessProtocol() {},
                    List.of("sleep", "100"));
            ReadPipeTransport out = (ReadPipeTransport) c.transport().getPipeTransport(1);
            out.pauseReading();
            holdFromAnotherThread(out.lock, 300);
            // The loop thread takes the lock in a callback that runs after this task has asked.
            loop.callSoon(() -> {
                out.stopPump();
                events0.add("loop thread took the lock");
            });
            out.resumeReading();
            events0.add("task took the lock");
            c.transport().close();
        });
        // The task asked first, but either may win once the holder lets go; both must get it.
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.containsAll(List.of("task took the lock", "loop thread took the lock")), events.toString());
    }

    @Test
    void writeInATaskAndStopOnTheLoopThreadDoNotDeadlock() throws Exception {
        List<String> events = runOrFailOnDeadlock(events0 -> {
            EventLoop loop = getRunningLoop();
            SubprocessConnection<SubprocessProtocol> c = loop.subprocessExec(() -> new SubprocessProtocol() {},
                    List.of("sleep", "100"));
            WritePipeTransport in = (WritePipeTransport) c.transport().getPipeTransport(0);
            holdFromAnotherThread(in.lock, 300);
            loop.callSoon(() -> {
                in.stop();
                events0.add("loop thread took the lock");
            });
            in.write(new byte[] {1, 2, 3});
            events0.add("task took the lock");
            c.transport().close();
        });
        assertEquals(2, events.size(), events.toString());
        assertTrue(events.containsAll(List.of("task took the lock", "loop thread took the lock")), events.toString());
    }
}
