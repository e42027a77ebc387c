package org.jasyncio;

import java.util.Objects;

import org.jasyncio.internal.Faults;

/**
 * A callback scheduled on an event loop by {@link EventLoop#callSoon(Runnable)} or
 * {@link EventLoop#callSoonThreadsafe(Runnable)}; asyncio's {@code asyncio.Handle}.
 *
 * <p>The callback runs once, on the loop thread, in the {@link Context} it was scheduled
 * with, unless it is {@linkplain #cancel() cancelled} first. An exception it throws is
 * passed to the loop's exception handler; it never stops the loop.
 *
 * <p>Thread-safety: {@link #cancel()} may be called from any thread. From another thread while
 * the loop runs, the cancellation goes to the loop through its inbox (the one way other
 * threads reach the loop's state), so a cancel racing with the callback's start may come too
 * late, and {@link #cancelled()} there says {@code true} only once the loop has taken it.
 *
 * @since 0.1
 */
public sealed class Handle extends ReadyItem permits TimerHandle {
    // Plain fields: written on the loop thread (or before the handle is published through the
    // inbox, whose CAS orders it), read on the loop thread.
    private Runnable callback;
    private final Context context;
    final BaseEventLoop loop;
    private boolean cancelled;
    final StackTraceElement[] sourceTraceback;

    Handle(BaseEventLoop loop, Runnable callback, Context context) {
        this.loop = loop;
        this.callback = Objects.requireNonNull(callback, "callback");
        this.context = context;
        this.sourceTraceback = loop.debug ? Debug.callerStack() : null;
    }

    /**
     * Cancels the callback: if it has not started yet, it never runs. Cancelling twice,
     * or after the callback ran, does nothing. asyncio's {@code Handle.cancel()}.
     */
    public void cancel() {
        if (loop.owner != null && !loop.onLoopThread()) {
            loop.postCancel(this);
            return;
        }
        cancelNow();
    }

    /** Cancels on the loop thread (or while the loop is not running). */
    void cancelNow() {
        if (!cancelled) {
            cancelled = true;
            if (loop.debug) {
                // keep the callback for repr() in debug mode, as asyncio does
                return;
            }
            callback = null;
        }
    }

    /**
     * Tells whether {@link #cancel()} was called.
     *
     * @return {@code true} if cancelled
     */
    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Returns the context the callback runs in.
     *
     * @return the context, or {@code null} for the loop's internal callbacks
     */
    public Context getContext() {
        return context;
    }

    @Override
    final void runReady() {
        run();
    }

    /** Runs the callback on the loop thread; never throws. */
    final void run() {
        Runnable cb = callback;
        if (cancelled || cb == null) {
            return;
        }
        Context c = context;
        if (c == null) {
            try {
                cb.run();
            } catch (Throwable t) {
                failed(t);
            }
            return;
        }
        BaseEventLoop l = loop;
        Context previous = l.handleContext;
        l.handleContext = c;
        try {
            cb.run();
        } catch (Throwable t) {
            failed(t);
        } finally {
            l.handleContext = previous;
        }
    }

    private void failed(Throwable t) {
        if (loop.raiseOutOfLoop(t)) {
            return;
        }
        try {
            loop.callExceptionHandler(ExceptionContext.builder("Exception in callback " + callbackName())
                    .exception(t).handle(this).sourceTraceback(sourceTraceback).build());
        } catch (Throwable t2) {
            // building the report failed too (out of memory, out of file descriptors)
            Faults.unreported(t, t2);
        }
    }

    /** The callback, or null once cancelled outside debug mode. */
    final Runnable callbackOrNull() {
        return callback;
    }

    final String callbackName() {
        Runnable cb = callback;
        return cb == null ? "<cancelled>" : Debug.describe(cb);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName());
        if (cancelled) {
            sb.append(" cancelled");
        }
        if (this instanceof TimerHandle th) {
            sb.append(" when=").append(th.when());
        }
        Runnable cb = callback;
        if (cb != null) {
            sb.append(' ').append(Debug.describe(cb));
        }
        if (sourceTraceback != null && sourceTraceback.length > 0) {
            sb.append(" created at ").append(sourceTraceback[0]);
        }
        return sb.append('>').toString();
    }
}
