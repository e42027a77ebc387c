package org.jasyncio;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import org.jasyncio.internal.LoopInternals;

/**
 * The loop-side bookkeeping of async generators: asyncio's {@code _asyncgens} set, the
 * {@code shutdown_asyncgens()} step of {@link Runner#close()}, and the finalizer hook that
 * closes a generator garbage-collected while suspended.
 *
 * <p>A generator is registered while its producer has started and not ended. The registry
 * holds the generator's state strongly (so its suspended producer task is never reported as
 * "destroyed but pending"), and a {@link Cleaner} watches the user's handle: when the handle
 * becomes unreachable, the generator is closed in a new task, as asyncio's
 * {@code _asyncgen_finalizer_hook} does. A loop's registry, and its shutdown hook, exist
 * only while it has open generators.
 */
final class AsyncGenRegistry {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jasyncio-asyncgen-finalizer");
        t.setDaemon(true);
        return t;
    });
    private static final Map<EventLoop, AsyncGenRegistry> REGISTRIES = Collections.synchronizedMap(new WeakHashMap<>());

    private final Set<AsyncGenState<?>> open = new LinkedHashSet<>();
    private final Runnable hook = this::shutdownAsyncgens;

    private AsyncGenRegistry() {}

    /** Called on the loop thread when a generator's producer starts. */
    static void register(AsyncGenState<?> state, AsyncGenerator<?> handle) {
        BaseEventLoop loop = state.loop;
        AsyncGenRegistry r = REGISTRIES.get(loop);
        if (r == null) {
            r = new AsyncGenRegistry();
            REGISTRIES.put(loop, r);
            LoopInternals.get().addShutdownHook(loop, r.hook);
        }
        r.open.add(state);
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
        BaseEventLoop loop = state.loop;
        AsyncGenRegistry r = REGISTRIES.get(loop);
        if (r != null && r.open.remove(state) && r.open.isEmpty()) {
            REGISTRIES.remove(loop);
            LoopInternals.get().removeShutdownHook(loop, r.hook);
        }
    }

    /** The open generators of {@code loop}, for tests and debugging. */
    static List<AsyncGenState<?>> open(EventLoop loop) {
        AsyncGenRegistry r = REGISTRIES.get(loop);
        return r == null ? List.of() : new ArrayList<>(r.open);
    }

    /**
     * asyncio's {@code loop.shutdown_asyncgens()}: closes every open generator, each in its
     * own task, and waits for them all; failures go to the loop's exception handler. Runs
     * inside a task, from {@link Runner#close()}.
     */
    private void shutdownAsyncgens() {
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
