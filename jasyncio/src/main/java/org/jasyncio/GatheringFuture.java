package org.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The future {@link Asyncio#gather} returns: done when every child is done, with the
 * children's results in argument order; CPython's {@code _GatheringFuture}. Cancelling it
 * cancels every child that is not done.
 */
final class GatheringFuture<T> extends Future<List<T>> {
    private final Future<?>[] children;
    private final boolean returnExceptions;
    private int finished;
    private boolean cancelRequested;
    /** The task that called gather: each child is awaited by it (asyncio 3.14's call graph). */
    private Task<?> caller;

    private GatheringFuture(BaseEventLoop loop, Future<?>[] children, boolean returnExceptions) {
        super(loop);
        this.children = children;
        this.returnExceptions = returnExceptions;
    }

    /**
     * Builds the gathering future. Each coroutine argument becomes its own task: a Java
     * lambda is a coroutine <em>function</em> (calling it again runs it again), unlike a
     * Python coroutine object, so the same lambda given twice runs twice. A future given
     * twice is awaited once and its result repeated, as in asyncio.
     */
    static <T> GatheringFuture<T> of(BaseEventLoop loop, List<? extends Awaitable<?>> aws, boolean returnExceptions) {
        int n = aws.size();
        Future<?>[] children = new Future<?>[n];
        GatheringFuture<T> outer = new GatheringFuture<>(loop, children, returnExceptions);
        if (n == 0) {
            outer.setResult0(Collections.emptyList());
            return outer;
        }
        Map<Object, Future<?>> seen = null;
        java.util.function.Consumer<Future<?>> cb = outer::childDone;
        Task<?> caller = AwaitedBy.currentTask(loop);
        outer.caller = caller;
        for (int i = 0; i < n; i++) {
            Awaitable<?> aw = aws.get(i);
            Future<?> f;
            if (aw instanceof Future<?> given) {
                if (seen == null) {
                    seen = new IdentityHashMap<>();
                }
                f = seen.get(given);
                if (f == null) {
                    f = Asyncio.ensureFuture(loop, given);
                    seen.put(given, f);
                    AwaitedBy.add(f, caller);
                    f.addInternalCallback(cb);
                } else {
                    outer.finished++; // a repeated future completes once
                }
            } else {
                f = Asyncio.ensureFuture(loop, aw);
                AwaitedBy.add(f, caller);
                f.addInternalCallback(cb);
            }
            children[i] = f;
        }
        return outer;
    }

    private void childDone(Future<?> child) {
        finished++;
        AwaitedBy.discard(child, caller);
        if (done()) {
            if (!child.cancelled()) {
                child.markRetrieved();
            }
            return;
        }
        if (!returnExceptions) {
            if (child.cancelled()) {
                // asyncio: the gather fails with the child's CancelledError; it is not cancelled
                setException0(child.makeCancelledError());
                return;
            }
            Throwable e = child.rawException();
            if (e != null) {
                setException0(e);
                return;
            }
        }
        if (finished == children.length) {
            List<Object> results = new ArrayList<>(children.length);
            for (Future<?> f : children) {
                if (f.cancelled()) {
                    results.add(f.makeCancelledError());
                } else {
                    Throwable e = f.rawException();
                    results.add(e != null ? e : f.rawResult());
                }
            }
            if (cancelRequested) {
                // asyncio: a cancelled gather propagates the cancellation, whatever
                // returnExceptions says, as the last child's CancelledError (with its message)
                setException0(child.cancelled() ? child.makeCancelledError() : new CancelledError());
            } else {
                setResult0(Collections.unmodifiableList(results));
            }
        }
    }

    @Override
    boolean cancelInternal(String msg) {
        if (done()) {
            return false;
        }
        boolean ret = false;
        for (Future<?> child : children) {
            if (child.cancelInternal(msg)) {
                ret = true;
            }
        }
        if (ret) {
            // The gather is cancelled once every child is done (see childDone).
            cancelRequested = true;
        }
        return ret;
    }
}
