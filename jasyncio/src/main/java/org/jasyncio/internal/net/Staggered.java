package org.jasyncio.internal.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TimerHandle;

/**
 * asyncio's {@code staggered.staggered_race}: runs attempts one after another, each started
 * when the one before it fails or {@code delay} seconds after the one before it started,
 * whichever comes first; the first to succeed wins and the others are cancelled. Happy
 * eyeballs (RFC 8305) is this race over connection attempts.
 *
 * <p>Unlike asyncio, a loser that succeeds after the winner was chosen (both finished in one
 * loop iteration) hands its result to {@code discard}, so a connected socket is closed rather
 * than leaked.
 *
 * <p>Loop-affine: call {@link #race} from a task of the loop.
 *
 * @param <T> what an attempt gives
 */
public final class Staggered<T> {
    /**
     * How a race ended.
     *
     * @param <T> what an attempt gives
     * @param winner the winning attempt's result, or {@code null} if none won
     * @param index the winning attempt's index, or -1
     * @param errors one entry per attempt started, in order: what it failed with
     *        ({@link CancelledError} for the ones cancelled because another won), {@code null}
     *        for the winner
     */
    public record Outcome<T>(T winner, int index, List<Throwable> errors) {}

    private final EventLoop loop;
    private final List<? extends Coroutine<? extends T>> attempts;
    private final double delay;
    private final Consumer<? super T> discard;
    private final List<Task<T>> tasks = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    /** Completed when the race is over; a fresh one per wait, since a cancellation cancels it. */
    private Future<Void> wake;
    private TimerHandle timer;
    private int winnerIndex = -1;
    private T winner;
    private boolean abandoned;

    private Staggered(EventLoop loop, List<? extends Coroutine<? extends T>> attempts, double delay,
            Consumer<? super T> discard) {
        this.loop = loop;
        this.attempts = attempts;
        this.delay = delay;
        this.discard = discard;
    }

    /**
     * Runs the race; asyncio's {@code staggered_race(coro_fns, delay)}.
     *
     * @param <T> what an attempt gives
     * @param loop the running loop; the caller is one of its tasks
     * @param attempts the attempts, in the order to start them
     * @param delay seconds between starts; {@link Double#POSITIVE_INFINITY} to start the next
     *        attempt only when the one before it failed (asyncio's {@code delay=None})
     * @param discard takes the result of an attempt that succeeded after another had won (or
     *        after the race was cancelled), for example to close a socket
     * @return the winner, its index and the attempts' failures
     * @throws IllegalArgumentException if {@code delay} is negative or NaN
     * @throws CancelledError if the calling task is cancelled; every attempt is then
     *         cancelled and waited for (cancelled again each time the caller is, as a task
     *         group does), and a result already won is discarded
     */
    public static <T> Outcome<T> race(EventLoop loop, List<? extends Coroutine<? extends T>> attempts, double delay,
            Consumer<? super T> discard) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(attempts, "attempts");
        Objects.requireNonNull(discard, "discard");
        if (!(delay >= 0)) {
            throw new IllegalArgumentException("the delay must be 0 or more seconds, not " + delay);
        }
        if (attempts.isEmpty()) {
            return new Outcome<>(null, -1, List.of());
        }
        return new Staggered<T>(loop, attempts, delay, discard).run();
    }

    private Outcome<T> run() {
        start(0);
        try {
            awaitOver();
        } catch (CancelledError e) {
            abandon();
            awaitAttempts();
            throw e;
        } catch (RuntimeException | Error e) {
            abandon();
            throw e;
        } catch (Exception e) {
            abandon();
            throw new IllegalStateException(e);
        }
        return new Outcome<>(winner, winnerIndex, Collections.unmodifiableList(errors));
    }

    /**
     * After {@link #abandon}: waits until every cancelled attempt has ended (and so closed what
     * it opened), as a task group waits for its children; cancelled again meanwhile, it cancels
     * them again and keeps waiting (asyncio 3.14's staggered race, built on a TaskGroup).
     */
    private void awaitAttempts() {
        while (!tasks.stream().allMatch(Future::done)) {
            try {
                awaitOver();
            } catch (CancelledError again) {
                tasks.forEach(Task::cancel);
            } catch (Exception unexpected) {
                return; // the wake-up future is only ever given a result
            }
        }
    }

    /** Whether no attempt will start and every started one has ended. */
    private boolean over() {
        boolean noMore = winnerIndex >= 0 || abandoned || tasks.size() == attempts.size();
        return noMore && tasks.stream().allMatch(Future::done);
    }

    private void awaitOver() throws Exception {
        if (over()) {
            return;
        }
        Future<Void> w = loop.createFuture();
        wake = w;
        w.await();
    }

    private void start(int i) {
        cancelTimer();
        errors.add(null);
        Coroutine<? extends T> attempt = attempts.get(i);
        Task<T> t = loop.createTask(attempt::call);
        tasks.add(t);
        if (i + 1 < attempts.size() && delay != Double.POSITIVE_INFINITY) {
            timer = loop.callLater(delay, () -> startAfter(i));
        }
        t.addDoneCallback(f -> attemptDone(i, t));
    }

    /** Starts the attempt after {@code i}, unless it started already or the race is over. */
    private void startAfter(int i) {
        if (winnerIndex < 0 && !abandoned && tasks.size() == i + 1 && tasks.size() < attempts.size()) {
            start(i + 1);
        }
    }

    private void attemptDone(int i, Task<T> t) {
        if (t.cancelled()) {
            errors.set(i, new CancelledError());
        } else if (t.exception() != null) {
            errors.set(i, t.exception());
            startAfter(i);
        } else {
            T r = uncheckedResult(t);
            if (winnerIndex < 0 && !abandoned) {
                winnerIndex = i;
                winner = r;
                cancelTimer();
                for (int j = 0; j < tasks.size(); j++) {
                    if (j != i) {
                        tasks.get(j).cancel();
                    }
                }
            } else {
                // it lost the race, as asyncio's loser cancelled before it could return
                errors.set(i, new CancelledError("another attempt won first; this result was discarded"));
                discard.accept(r);
            }
        }
        if (over()) {
            cancelTimer();
            Future<Void> w = wake;
            if (w != null) {
                w.trySetResult(null);
            }
        }
    }

    private static <T> T uncheckedResult(Task<T> t) {
        try {
            return t.result();
        } catch (Exception e) {
            throw new IllegalStateException("a successful attempt has no result", e);
        }
    }

    /** The caller left: no attempt may outlive the race, and nothing won may leak. */
    private void abandon() {
        abandoned = true;
        cancelTimer();
        for (Task<T> t : tasks) {
            t.cancel();
        }
        if (winnerIndex >= 0) {
            T w = winner;
            winner = null;
            winnerIndex = -1;
            discard.accept(w);
        }
    }

    private void cancelTimer() {
        TimerHandle h = timer;
        timer = null;
        if (h != null) {
            h.cancel();
        }
    }
}
