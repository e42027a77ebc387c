package org.jasyncio.locks;

import java.util.ArrayDeque;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.LoopBinder;
import org.jasyncio.internal.Waits;

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
 * <p>Waiting tasks are woken in the order they started waiting. A task woken by
 * {@code set()} returns from {@code await()} even if {@code clear()} was called before it
 * ran (CPython's {@code test_clear_with_waiters}).
 *
 * <p>Loop-bound, as asyncio's primitives: the event binds to the loop of the first task
 * that waits on it. Using it from another loop, or from another thread while that loop
 * runs, throws {@link IllegalStateException}. From another thread, set it with
 * {@code loop.callSoonThreadsafe(event::set)}.
 *
 * @since 0.1
 */
public final class Event {
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private final LoopBinder binder = new LoopBinder(this);
    private boolean value;

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
        binder.check("Event.set()");
        if (!value) {
            value = true;
            for (Future<Void> f : waiters) {
                if (!f.done()) {
                    f.setResult(null);
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
        binder.check("Event.clear()");
        value = false;
    }

    /**
     * Waits until the event is set; asyncio's {@code wait()}. Returns at once, without
     * suspending, if it is set.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled wait leaves no waiter behind and changes nothing.
     *
     * @return {@code true}, as asyncio
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public boolean await() {
        if (value) {
            return true;
        }
        EventLoop l = binder.bind("Event.await()");
        Future<Void> fut = l.createFuture();
        waiters.addLast(fut);
        try {
            Waits.await(fut);
            return true;
        } finally {
            waiters.remove(fut);
        }
    }

    /**
     * Returns a snapshot of the event's state.
     *
     * @return whether it is set and how many tasks wait for it
     */
    public Statistics statistics() {
        return new Statistics(value, waiters.size());
    }

    /**
     * The state of an {@link Event} at one moment.
     *
     * @param set whether the event is set
     * @param waiters how many tasks wait in {@link #await()}
     */
    public record Statistics(boolean set, int waiters) {}

    @Override
    public String toString() {
        return Repr.of(this, (value ? "set" : "unset") + Repr.waiters(waiters.size()));
    }
}
