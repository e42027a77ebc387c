package org.jasyncio.locks;

import org.jasyncio.CancelledError;

/**
 * A meeting point for a fixed number of tasks; asyncio's {@code asyncio.Barrier} (3.11).
 *
 * <p>Each of the {@link #parties()} tasks calls {@link #await()}; they all wait until the
 * last one arrives, then all are released together and each gets its arrival index, from 0
 * to {@code parties - 1}. The barrier can then be used again. Tasks arriving while the
 * previous round is still leaving ("draining") wait for the next round.
 *
 * <pre>{@code
 * Barrier ready = new Barrier(3);
 * for (int i = 0; i < 3; i++) {
 *     createTask(() -> {
 *         prepare();
 *         int index = ready.await();    // all three continue together
 *         if (index == 0) System.out.println("all prepared");
 *     });
 * }
 * }</pre>
 *
 * <p>{@link #abort()} breaks the barrier: waiting and later tasks get
 * {@link BrokenBarrierError}. {@link #reset()} makes the waiting tasks fail with
 * {@code BrokenBarrierError} and returns the barrier to its empty state for new arrivals.
 *
 * <h2>Cancellation</h2>
 * A task cancelled while waiting leaves the barrier (it no longer counts towards the
 * parties) and gets its {@link CancelledError}.
 *
 * <h2>Threads and loops</h2>
 * Loop-affine: the barrier binds to the loop of the first task that uses it; a call from a
 * task of another loop, or from another thread while that loop runs, throws
 * {@link IllegalStateException}.
 *
 * @since 0.1
 */
public final class Barrier {
    /** The phases of a barrier; asyncio's {@code _BarrierState}. */
    public enum State {
        /** Tasks are arriving; the round trips when the last party arrives. */
        FILLING,
        /** The round tripped; its tasks are leaving, new arrivals wait for the next round. */
        DRAINING,
        /** {@link Barrier#reset()} was called while tasks waited; they are leaving with an error. */
        RESETTING,
        /** {@link Barrier#abort()} was called: every wait fails until a reset. */
        BROKEN
    }

    private final Condition cond = new Condition();
    private final int parties;
    private State state = State.FILLING;
    /** Tasks inside await(): arrived in this round, or draining out of it. */
    private int count;

    /**
     * Creates a barrier for {@code parties} tasks.
     *
     * @param parties the number of tasks that must call {@link #await()} to trip the barrier, at least 1
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be > 0, got " + parties);
        }
        this.parties = parties;
    }

    /**
     * Waits until {@link #parties()} tasks have called this method, then returns; asyncio's
     * {@code Barrier.wait()}. The last task to arrive does not suspend for the others (it
     * may suspend to take the barrier's internal lock).
     *
     * <h4>Cancellation</h4>
     * A cancelled task leaves the barrier and no longer counts as arrived.
     *
     * @return this task's arrival index in the round, from 0 (first) to {@code parties - 1} (last)
     * @throws BrokenBarrierError if the barrier is broken, or is reset or aborted while waiting
     * @throws CancelledError if the calling task is cancelled
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public int await() {
        try (var _ = cond.acquire()) {
            block();
            try {
                int index = count;
                count++;
                if (index + 1 == parties) {
                    state = State.DRAINING;
                    cond.signalAll();
                } else {
                    cond.awaitFor(() -> state != State.FILLING);
                    if (state == State.BROKEN || state == State.RESETTING) {
                        throw new BrokenBarrierError("Abort or reset of barrier");
                    }
                }
                return index;
            } finally {
                count--;
                exit();
            }
        }
    }

    /** Waits while the previous round drains or resets; fails if broken. */
    private void block() {
        cond.awaitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) {
            throw new BrokenBarrierError("Barrier aborted");
        }
    }

    /** The last task out of a draining or resetting round starts the next round. */
    private void exit() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Returns the barrier to its empty state; asyncio's {@code Barrier.reset()}. Tasks
     * waiting in {@link #await()} get {@link BrokenBarrierError}; a broken barrier becomes
     * usable again. May suspend briefly to take the barrier's internal lock.
     *
     * <h4>Cancellation</h4>
     * If cancelled while taking the internal lock, nothing was changed.
     *
     * @throws CancelledError if the calling task is cancelled while taking the internal lock
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public void reset() {
        try (var _ = cond.acquire()) {
            if (count > 0) {
                if (state != State.RESETTING) {
                    state = State.RESETTING;
                }
            } else {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier; asyncio's {@code Barrier.abort()}. Tasks waiting in
     * {@link #await()}, and those calling it later, get {@link BrokenBarrierError} until
     * {@link #reset()}. May suspend briefly to take the barrier's internal lock.
     *
     * <h4>Cancellation</h4>
     * If cancelled while taking the internal lock, the barrier is not broken.
     *
     * @throws CancelledError if the calling task is cancelled while taking the internal lock
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public void abort() {
        try (var _ = cond.acquire()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    /**
     * Returns the number of tasks needed to trip the barrier; asyncio's {@code parties}.
     *
     * @return the parties, at least 1
     */
    public int parties() {
        return parties;
    }

    /**
     * Returns the number of tasks waiting for the current round to trip; asyncio's
     * {@code n_waiting}.
     *
     * @return the waiting tasks, 0 unless the barrier is filling
     */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /** Tasks inside {@link #await()}, arrived or draining (asyncio's {@code _count}); for tests. */
    int count() {
        return count;
    }

    /**
     * Tells whether the barrier is broken; asyncio's {@code broken}.
     *
     * @return {@code true} after {@link #abort()} and until {@link #reset()}
     */
    public boolean broken() {
        return state == State.BROKEN;
    }

    /**
     * Returns a snapshot of the barrier's state.
     *
     * @return the phase, the parties and the waiting tasks
     */
    public Statistics statistics() {
        return new Statistics(state, parties, nWaiting());
    }

    /**
     * The state of a {@link Barrier} at one moment.
     *
     * @param state the phase
     * @param parties the tasks needed to trip the barrier
     * @param waiting the tasks waiting for the current round ({@link #nWaiting()})
     */
    public record Statistics(State state, int parties, int waiting) {}

    @Override
    public String toString() {
        String extra = state.name().toLowerCase();
        if (state != State.BROKEN) {
            extra += ", waiters:" + nWaiting() + "/" + parties;
        }
        return Repr.of(this, extra);
    }
}
