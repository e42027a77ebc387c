package org.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jasyncio.internal.IoHandler;

/**
 * The production poller: a {@code java.nio} {@code Selector}, asyncio's selector and the
 * multiplexer under uvloop and Netty.
 *
 * <p>A select only collects the ready keys. {@link #queueEvents()} then puts their handlers on
 * the loop's ready queue after what was already ready and before the timers falling due, where
 * asyncio's {@code _process_events} puts its reader and writer callbacks: transports' and
 * servers' handlers as one queued item (no allocation per event), {@link Immediate} handlers
 * (the loop's {@code addReader}/{@code addWriter} callbacks, which only queue handles) at once.
 *
 * <h2>Wake-ups</h2>
 * The loop sets {@code POLLING} before it looks at its inbox a last time and selects; a producer
 * pushes to the inbox, then swaps the state to {@code AWAKE} and wakes the selector only if it
 * saw {@code POLLING}. Either the loop sees the item, or the producer sees {@code POLLING} and
 * calls {@code Selector.wakeup()}, which the JDK remembers for a select not yet entered: no
 * wake-up is lost, and a busy loop is not woken at all.
 */
final class NioPoller extends Poller {
    /** A handler run when its events are queued, not in the batch: it only queues handles. */
    interface Immediate {}

    /** Selector wake-ups other threads made (the loop's statistics). */
    final AtomicLong wakeups = new AtomicLong();

    private static final int AWAKE = 0;
    private static final int POLLING = 1;
    private static final VarHandle WAKE_STATE;

    static {
        try {
            WAKE_STATE = MethodHandles.lookup().findVarHandle(NioPoller.class, "wakeState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BaseEventLoop loop;
    private final Selector selector;
    @SuppressWarnings("unused") // through WAKE_STATE
    private volatile int wakeState;
    private final ArrayList<SelectionKey> selectedKeys = new ArrayList<>();
    private final Consumer<SelectionKey> onSelected = selectedKeys::add;
    private final ReadyItem ioEvents = new ReadyItem() {
        @Override
        void runReady() {
            dispatchSelected();
        }

        @Override
        public String toString() {
            return "<I/O events of " + loop + ">";
        }
    };
    /** True while a select runs: the selector cannot be flushed then. */
    private boolean inSelect;

    NioPoller(BaseEventLoop loop) {
        this.loop = loop;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
    }

    Selector selector() {
        return selector;
    }

    boolean inSelect() {
        return inSelect;
    }

    /** The last poll found ready channels. */
    boolean foundEvents() {
        return !selectedKeys.isEmpty();
    }

    @Override
    long nanoTime() {
        return System.nanoTime() - BaseEventLoop.CLOCK_ORIGIN;
    }

    @Override
    void poll(long timeoutNanos, Inbox inbox) {
        Selector sel = selector;
        boolean noChannels = sel.keys().isEmpty();
        if (timeoutNanos == 0 && noChannels) {
            return; // nothing to poll and no time to wait: skip the system call
        }
        WAKE_STATE.setVolatile(this, POLLING);
        inSelect = true;
        try {
            if (!inbox.isEmpty()) {
                timeoutNanos = 0;
            }
            if (timeoutNanos == 0) {
                sel.selectNow(onSelected);
            } else if (timeoutNanos < 0) {
                sel.select(onSelected);
            } else {
                // Selector timeouts are in milliseconds: round up, never down to "forever" (0).
                long ms = Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
                sel.select(onSelected, ms);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        } finally {
            inSelect = false;
            WAKE_STATE.setVolatile(this, AWAKE);
        }
    }

    @Override
    void queueEvents() {
        ArrayList<SelectionKey> keys = selectedKeys;
        int n = keys.size();
        if (n == 0) {
            return;
        }
        int kept = 0;
        boolean batchQueued = false;
        for (int i = 0; i < n; i++) {
            SelectionKey k = keys.get(i);
            if (k.attachment() instanceof Immediate) {
                dispatch(k);
            } else {
                keys.set(kept++, k);
                if (!batchQueued) {
                    loop.callSoon0(ioEvents);
                    batchQueued = true;
                }
            }
        }
        keys.subList(kept, n).clear();
    }

    private void dispatchSelected() {
        ArrayList<SelectionKey> keys = selectedKeys;
        try {
            for (int i = 0; i < keys.size(); i++) {
                dispatch(keys.get(i));
            }
        } finally {
            keys.clear();
        }
    }

    private void dispatch(SelectionKey key) {
        if (key.attachment() instanceof IoHandler h) {
            long t0 = loop.debug ? System.nanoTime() : 0;
            try {
                h.ready(key);
            } catch (Throwable t) {
                LoopFaults.handlerFailed(loop, h, t);
            }
            if (loop.debug) {
                long dt = System.nanoTime() - t0;
                if (dt >= (long) (loop.getSlowCallbackDuration() * 1e9)) {
                    Debug.LOG.log(Level.WARNING, String.format("Executing I/O handler %s took %.3f seconds", h, dt / 1e9));
                }
            }
        }
    }

    @Override
    void wakeup() {
        if ((int) WAKE_STATE.getAndSet(this, AWAKE) == POLLING) {
            wakeups.incrementAndGet(); // beside a system call: no cost worth saving
            selector.wakeup();
        }
    }

    @Override
    void close() {
        for (SelectionKey k : List.copyOf(selector.keys())) {
            if (k.attachment() instanceof IoHandler h && !(h instanceof Immediate)) {
                try {
                    h.loopClosing();
                } catch (Throwable t) {
                    Debug.LOG.log(Level.WARNING, "error releasing " + h + " at loop close", t);
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            Debug.LOG.log(Level.WARNING, "error closing the selector", e);
        }
    }

    @Override
    NioPoller nio() {
        return this;
    }
}
