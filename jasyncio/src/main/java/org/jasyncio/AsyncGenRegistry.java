package org.jasyncio;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;

/**
 * The loop-side bookkeeping of async generators: asyncio's {@code _asyncgens} set, the
 * {@code shutdown_asyncgens()} step of {@link Runner#close()}, and the finalizer hook that
 * closes a generator garbage-collected while suspended.
 *
 * <p>A generator is registered while its producer has started and not ended. The registry
 * holds the generator's state strongly (so its suspended producer task is never reported as
 * "destroyed but pending"), and a {@link Cleaner} watches the user's handle: when the handle
 * becomes unreachable, the generator is closed in a new task, as asyncio's
 * {@code _asyncgen_finalizer_hook} does. A loop's registry is its attachment, made with its
 * first generator.
 */
final class AsyncGenRegistry implements LoopAttachment {
    private static final AttachmentKey<AsyncGenRegistry> KEY =
            new AttachmentKey<>("async generators", l -> new AsyncGenRegistry());
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jasyncio-asyncgen-finalizer");
        t.setDaemon(true);
        return t;
    });

    private final Set<AsyncGenState<?>> open = new LinkedHashSet<>();

    private AsyncGenRegistry() {}

    /** Called on the loop thread when a generator's producer starts. */
    static void register(AsyncGenState<?> state, AsyncGenerator<?> handle) {
        state.loop.attachments.get(KEY).open.add(state);
        Cleaner.Cleanable c = CLEANER.register(handle, new Finalizer(state));
        state.deregister = c::clean;
    }

    /** Called on the loop thread when a generator's producer ends. */
    static void unregister(AsyncGenState<?> state) {
        Runnable d = state.deregister;
        if (d != null) {
            state.deregister = null;
            d.run(); // the finalizer sees the generator finished and does nothing
        }
        AsyncGenRegistry r = state.loop.attachments.peek(KEY);
        if (r != null) {
            r.open.remove(state);
        }
    }

    /** The open generators of {@code loop}, for tests and debugging. */
    static List<AsyncGenState<?>> open(EventLoop loop) {
        AsyncGenRegistry r = ((BaseEventLoop) loop).attachments.peek(KEY);
        return r == null ? List.of() : new ArrayList<>(r.open);
    }

    /**
     * asyncio's {@code loop.shutdown_asyncgens()}: closes every open generator, each in its
     * own task, and waits for them all; failures go to the loop's exception handler. Runs
     * inside a task, from {@link Runner#close()}.
     */
    /** asyncio's shutdown_asyncgens: every generator still open is closed, in a task each. */
    @Override
    public void loopShuttingDown() {
        List<AsyncGenState<?>> toClose = new ArrayList<>(open);
        if (toClose.isEmpty()) {
            return;
        }
        BaseEventLoop loop = toClose.get(0).loop;
        List<Task<?>> closers = new ArrayList<>();
        for (AsyncGenState<?> s : toClose) {
            closers.add(loop.createTask(Coroutine.of(() -> closeReporting(s)), null, null));
        }
        for (Task<?> t : closers) {
            t.awaitDone();
        }
    }

    /** Closes a generator, reporting a failure to the loop's exception handler. */
    static void closeReporting(AsyncGenState<?> s) {
        Throwable failure;
        try {
            s.close("shutdown_asyncgens");
            failure = s.takeFailure();
        } catch (IllegalStateException e) {
            failure = e;
        }
        if (failure != null) {
            s.loop.callExceptionHandler(ExceptionContext.builder(
                    "an error occurred during closing of asynchronous generator " + s)
                    .exception(failure).put("asyncgen", s.toString()).build());
        }
    }

    /** Runs on the Cleaner's thread when a generator's handle is unreachable. */
    private record Finalizer(AsyncGenState<?> state) implements Runnable {
        @Override
        public void run() {
            AsyncGenState<?> s = state;
            if (s.finished || s.loop == null || s.loop.isClosed()) {
                return;
            }
            try {
                s.loop.callSoonThreadsafe(() -> {
                    if (!s.finished) {
                        s.loop.createTask(Coroutine.of(() -> closeReporting(s)), null, null);
                    }
                });
            } catch (IllegalStateException closed) {
                // the loop closed meanwhile: nothing can run the generator's finally blocks
            }
        }
    }
}
