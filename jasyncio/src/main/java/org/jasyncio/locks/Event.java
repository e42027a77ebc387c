package org.jasyncio.locks;

import java.util.ArrayDeque;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.LoopInternals;

/**
 * A flag that tasks can wait for; asyncio's {@code asyncio.Event}.
 *
 * <p>{@link #set()} wakes every waiting task and makes later {@link #await()} calls
 * return at once, until {@link #clear()}. {@code set} and {@code clear} never suspend.
 * asyncio's {@code wait()} is called {@code await()} here, because {@code wait()} is a
 * final method of {@link Object} (as in {@code java.util.concurrent.locks.Condition}).
 *
 * <pre>{@code
 * Event ready = new Event();
 * createTask(() -> { ready.await(); System.out.println("go"); return null; });
 * loop.callLater(1, ready::set);
 * }</pre>
 *
 * <p>Loop-bound, as asyncio's primitives: the event binds to the loop of the first task
 * that waits on it. Using it from another loop, or from another thread while that loop
 * runs, throws {@link IllegalStateException}.
 *
 * @since 0.1
 */
public final class Event {
    private final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    private boolean value;
    private EventLoop loop;

    /** Creates an event that is not set. */
    public Event() {}

    /**
     * Tells whether the event is set; asyncio's {@code is_set()}.
     *
     * @return {@code true} if set
     */
    public boolean isSet() {
        return value;
    }

    /**
     * Sets the event and wakes every waiting task; asyncio's {@code set()}. Never suspends.
     *
     * @throws IllegalStateException if called from another thread while the event's loop runs
     */
    public void set() {
        check("Event.set()");
        if (!value) {
            value = true;
            for (Future<Boolean> f : waiters) {
                if (!f.done()) {
                    f.setResult(Boolean.TRUE);
                }
            }
        }
    }

    /**
     * Clears the event; later {@link #await()} calls suspend until {@link #set()}.
     * asyncio's {@code clear()}. Never suspends.
     *
     * @throws IllegalStateException if called from another thread while the event's loop runs
     */
    public void clear() {
        check("Event.clear()");
        value = false;
    }

    /**
     * Waits until the event is set; asyncio's {@code wait()}. Returns at once, without
     * suspending, if it is set.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled wait leaves no waiter behind.
     *
     * @return {@code true}
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public boolean await() {
        if (value) {
            return true;
        }
        EventLoop l = bind("Event.await()");
        Future<Boolean> fut = l.createFuture();
        waiters.addLast(fut);
        try {
            fut.await();
            return true;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            waiters.remove(fut);
        }
    }

    private EventLoop bind(String what) {
        LoopInternals in = LoopInternals.get();
        EventLoop running = in.runningLoop();
        if (running == null) {
            throw new IllegalStateException(what + " can only be called inside a task");
        }
        if (loop == null) {
            loop = running;
        } else if (loop != running) {
            throw new IllegalStateException(this + " is bound to a different event loop");
        }
        return loop;
    }

    private void check(String what) {
        EventLoop l = loop;
        if (l != null) {
            LoopInternals.get().checkThread(l, what);
        }
    }

    @Override
    public String toString() {
        return "<Event [" + (value ? "set" : "unset") + (waiters.isEmpty() ? "" : ", waiters:" + waiters.size()) + "]>";
    }
}
