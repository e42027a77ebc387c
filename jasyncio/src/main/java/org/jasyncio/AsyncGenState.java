package org.jasyncio;

import java.util.concurrent.atomic.AtomicLong;

import org.jasyncio.internal.Waits;

/**
 * The machinery of an {@link AsyncGenerator}, kept apart from the user's handle so that
 * the handle can be garbage-collected (and the generator then closed) while this state is
 * still registered with its loop.
 *
 * <p>The producer body runs in a hidden task of its own, in lockstep with the consumer:
 * the consumer asks ({@link #fetch}) by completing {@link #resume} and waits on
 * {@link #request}; the producer answers at its next {@code yield} (or its end) by
 * completing {@code request} and waits on a new {@code resume}. Exactly one of the two runs
 * at a time, so the fields need no synchronisation: all of them are touched on the loop
 * thread only (the finalizer reads {@link #finished} as a hint).
 */
final class AsyncGenState<T> {
    private static final AtomicLong COUNTER = new AtomicLong();

    final String name;
    private AsyncGenerator.Body<T> body;
    BaseEventLoop loop;
    Task<Void> producer;
    /** Completed by the producer when it yields or ends; the consumer waits on it. */
    private Future<Void> request;
    /** Completed by the consumer to let the producer go on from its yield. */
    private Future<Void> resume;

    /** A value the producer yielded that the consumer has not taken. */
    private T pending;
    private boolean hasPending;
    /** A value hasNext() took that next() has not returned. */
    private T buffered;
    private boolean hasBuffered;

    /** The producer ended (or never will run). */
    volatile boolean finished;
    /** Why it ended, until delivered to the consumer once. */
    private Throwable failure;
    /** A consumer call is in progress (asyncio's ag_running). */
    private boolean busy;
    /** The body started running. */
    private boolean started;
    /** close() was called: the body gets GeneratorExit at its yield. */
    private boolean closing;
    private boolean exitThrown;
    private boolean exitIgnored;
    /** The consumer cancelled the producer: its cancellation ending the body is no failure. */
    private boolean cancelledByConsumer;
    /** Registered with the finalizer while the producer may be suspended. */
    Runnable deregister;

    AsyncGenState(String name, AsyncGenerator.Body<T> body) {
        this.name = name != null ? name : "AsyncGenerator-" + COUNTER.incrementAndGet();
        this.body = body;
    }

    // ---- the consumer's side -----------------------------------------------------------

    /**
     * Makes a value available in {@link #buffered}, or reaches the end; returns whether a
     * value is there. The producer's failure, if any, is left in {@link #failure} for the
     * caller to deliver.
     */
    boolean fetch(AsyncGenerator<T> handle, String what) {
        if (hasBuffered) {
            return true;
        }
        if (closing || (finished && !hasPending)) {
            return false;
        }
        BaseEventLoop l = checkLoop(what);
        if (busy) {
            throw new IllegalStateException(what + ": asynchronous generator is already running: " + this);
        }
        busy = true;
        try {
            while (true) {
                if (hasPending) {
                    buffered = pending;
                    hasBuffered = true;
                    pending = null;
                    hasPending = false;
                    return true;
                }
                if (finished) {
                    return false;
                }
                Future<Void> r = l.createFuture();
                request = r;
                kick(handle);
                try {
                    Waits.await(r);
                } catch (Throwable t) {
                    if (consumerCancelled()) {
                        // The body failed while unwinding the cancellation: that failure
                        // reaches the consumer instead, as in Python.
                        failure.addSuppressed(t);
                        return false;
                    }
                    throw t;
                }
            }
        } finally {
            busy = false;
            request = null;
        }
    }

    /** Starts the producer, or lets it go on from its yield; it runs in the consumer's context. */
    private void kick(AsyncGenerator<T> handle) {
        Context ctx = Context.current();
        if (producer == null) {
            Task<Void> t = new Task<>(loop, Coroutine.of(this::produce), name, ctx);
            t.hidden = true;
            producer = t;
            AsyncGenRegistry.register(this, handle);
            t.start(false);
            return;
        }
        producer.setContext(ctx);
        Future<Void> r = resume;
        if (r != null && !r.done()) {
            r.setResult(null);
        }
    }

    /**
     * The consumer was cancelled while the producer ran for it. In Python the
     * cancellation would have been thrown into the generator's frame: cancel the producer
     * and wait until it yields or ends, so its finally blocks have run when the consumer's
     * cancellation propagates. Returns whether the body ended with a failure of its own
     * that must be delivered instead.
     */
    private boolean consumerCancelled() {
        if (hasPending || finished) {
            return false; // the producer answered just before: its value stays pending, nothing is lost
        }
        cancelledByConsumer = true;
        if (!started) {
            // The body never ran: it never will (Python would have thrown into its first line).
            producer.cancelInternal(null);
            end(null);
            return false;
        }
        producer.cancelInternal(null);
        while (!hasPending && !finished) {
            Future<Void> r = loop.createFuture();
            request = r;
            Waits.await(r); // a second cancellation stops the wait and replaces the first
        }
        return failure != null && !Waits.isCancellation(failure);
    }

    /**
     * Closes the generator: GeneratorExit is thrown into the body at its yield, and this
     * waits until the body ends. Returns normally when the body ends by GeneratorExit or by
     * returning; throws {@link IllegalStateException} if it yielded again; leaves any other
     * failure in {@link #failure}.
     */
    void close(String what) {
        if (producer == null) {
            closing = true;
            finished = true;
            body = null;
            return;
        }
        hasBuffered = false;
        buffered = null;
        if (finished) {
            closing = true;
            hasPending = false;
            pending = null;
            return;
        }
        BaseEventLoop l = checkLoop(what);
        if (busy) {
            throw new IllegalStateException(what + ": asynchronous generator is already running: " + this);
        }
        closing = true;
        hasPending = false;
        pending = null;
        exitIgnored = false;
        exitThrown = false;
        Future<Void> r0 = resume;
        if (r0 != null && !r0.done()) {
            r0.setResult(null);
        } else if (started) {
            // Not parked at a yield (left running by a cancelled consumer): stop it.
            cancelledByConsumer = true;
            producer.cancelInternal(null);
        }
        busy = true;
        try {
            while (!finished && !exitIgnored) {
                Future<Void> r = l.createFuture();
                request = r;
                Waits.await(r);
            }
        } finally {
            busy = false;
            request = null;
        }
        if (exitIgnored) {
            throw new IllegalStateException("async generator ignored GeneratorExit: " + this);
        }
    }

    T takeBuffered() {
        T v = buffered;
        buffered = null;
        hasBuffered = false;
        return v;
    }

    /** Returns the failure not yet delivered, once. */
    Throwable takeFailure() {
        Throwable f = failure;
        failure = null;
        return f;
    }

    private BaseEventLoop checkLoop(String what) {
        Task<?> t = Task.current();
        if (t == null) {
            throw Task.outsideTask(what);
        }
        if (loop == null) {
            loop = t.loop;
        } else if (t.loop != loop) {
            throw new IllegalStateException(what + ": " + this + " belongs to a different event loop");
        }
        if (t == producer) {
            throw new IllegalStateException(what + ": an asynchronous generator cannot iterate or close itself");
        }
        return loop;
    }

    // ---- the producer's side ---------------------------------------------------------

    private void produce() {
        started = true;
        AsyncGenerator.Body<T> b = body;
        body = null;
        Throwable f = null;
        try {
            b.run(new AsyncGenerator.Yield<>(this));
        } catch (Throwable t) {
            f = t;
        }
        end(f);
    }

    /** The body's {@code yield(value)}. */
    void yield(T value) {
        if (Task.current() != producer || producer == null) {
            throw new IllegalStateException("yield() can only be called by the generator's own body: " + this);
        }
        if (closing) {
            if (!exitThrown) {
                exitThrown = true;
                throw new GeneratorExit();
            }
            // Yielded again after GeneratorExit: close() reports it, and the body stays here.
            exitIgnored = true;
        } else {
            pending = value;
            hasPending = true;
        }
        signal();
        Future<Void> r = loop.createFuture();
        resume = r;
        Waits.await(r);
        cancelledByConsumer = false; // a cancellation the consumer passed in was delivered before this yield
        if (closing) {
            exitThrown = true;
            throw new GeneratorExit();
        }
    }

    private void signal() {
        Future<Void> r = request;
        if (r != null && !r.done()) {
            r.setResult(null);
        }
    }

    private void end(Throwable f) {
        finished = true;
        if (f != null && !(f instanceof GeneratorExit && closing)
                && !(cancelledByConsumer && Waits.isCancellation(f))) {
            failure = f;
        }
        hasPending = false;
        pending = null;
        resume = null;
        signal();
        AsyncGenRegistry.unregister(this);
    }

    @Override
    public String toString() {
        String s;
        if (producer == null) {
            s = closing ? "closed" : "created";
        } else if (finished) {
            s = "closed";
        } else if (busy) {
            s = "running";
        } else if (closing) {
            s = "closing";
        } else {
            s = "suspended";
        }
        return "<AsyncGenerator " + name + " " + s + ">";
    }
}
