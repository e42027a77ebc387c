package org.jasyncio;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The iterator of {@link Asyncio#asCompleted}: each {@link #next()} suspends the calling
 * task until one more future is done and returns it; Python 3.13's
 * {@code async for t in as_completed(aws)}.
 */
final class AsCompleted<T> implements Iterable<Future<T>>, Iterator<Future<T>> {
    private final BaseEventLoop loop;
    private final Set<Future<T>> todo = new LinkedHashSet<>();
    private final ArrayDeque<Future<T>> doneQueue = new ArrayDeque<>();
    private final Consumer<Future<T>> onDone = this::handleDone;
    private Future<Void> waiter;
    private TimerHandle timeoutHandle;
    private boolean timedOut;
    private int remaining;
    private final double timeout;

    AsCompleted(BaseEventLoop loop, List<Future<T>> fs, double timeout) {
        this.loop = loop;
        this.timeout = timeout;
        todo.addAll(fs);
        remaining = todo.size();
        for (Future<T> f : todo) {
            f.addInternalCallback(onDone);
        }
        if (!todo.isEmpty() && timeout != Double.POSITIVE_INFINITY) {
            timeoutHandle = loop.callLaterInternal(Seconds.secondsToNanos(timeout), this::handleTimeout);
        }
    }

    private void handleTimeout() {
        for (Future<T> f : todo) {
            f.removeDoneCallback(onDone);
        }
        todo.clear();
        timedOut = true;
        wake();
    }

    private void handleDone(Future<T> f) {
        if (!todo.remove(f)) {
            return;
        }
        doneQueue.addLast(f);
        if (todo.isEmpty() && timeoutHandle != null) {
            timeoutHandle.cancel();
        }
        wake();
    }

    private void wake() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            w.trySetResult(null);
        }
    }

    @Override
    public Iterator<Future<T>> iterator() {
        // Iterating again resumes where the last iteration stopped, as asyncio 3.13's iterator.
        return this;
    }

    @Override
    public boolean hasNext() {
        return remaining > 0;
    }

    @Override
    public Future<T> next() {
        if (remaining <= 0) {
            throw new NoSuchElementException();
        }
        while (doneQueue.isEmpty()) {
            if (timedOut) {
                remaining = 0;
                throw new TimeoutError("asCompleted() timed out after " + timeout + " seconds");
            }
            Future<Void> w = loop.createFuture();
            waiter = w;
            w.awaitDone();
        }
        remaining--;
        return doneQueue.pollFirst();
    }
}
