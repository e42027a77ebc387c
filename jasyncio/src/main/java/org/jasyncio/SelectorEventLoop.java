package org.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The event loop on a {@link java.nio.channels.Selector}; asyncio's
 * {@code SelectorEventLoop} (epoll on Linux).
 *
 * <p>A virtual-time variant, for tests, jumps its clock to the next timer instead of
 * sleeping whenever nothing else is ready.
 */
final class SelectorEventLoop extends BaseEventLoop {
    private static final int AWAKE = 0;
    private static final int POLLING = 1;
    private static final VarHandle WAKE_STATE;

    static {
        try {
            WAKE_STATE = MethodHandles.lookup().findVarHandle(SelectorEventLoop.class, "wakeState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Selector selector;
    @SuppressWarnings("unused") // through WAKE_STATE
    private volatile int wakeState;
    private final Consumer<SelectionKey> onSelected = this::selected;

    /** Virtual time: null for the real clock. */
    private final long[] virtualNow;

    SelectorEventLoop() {
        this(false);
    }

    SelectorEventLoop(boolean virtualTime) {
        super();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
        this.virtualNow = virtualTime ? new long[] {0} : null;
    }

    @Override
    long nanoTime() {
        long[] v = virtualNow;
        return v == null ? System.nanoTime() - CLOCK_ORIGIN : v[0];
    }

    /** Virtual time only: moves the clock forward. */
    void advance(long nanos) {
        if (virtualNow == null) {
            throw new IllegalStateException("not a virtual-time loop");
        }
        virtualNow[0] += nanos;
    }

    boolean isVirtualTime() {
        return virtualNow != null;
    }

    @Override
    void poll(long timeoutNanos) {
        Selector sel = selector;
        boolean noChannels = sel.keys().isEmpty();
        if (timeoutNanos == 0 && noChannels) {
            return; // nothing to poll and no time to wait: skip the system call
        }
        WAKE_STATE.setVolatile(this, POLLING);
        try {
            if (!inbox.isEmpty()) {
                timeoutNanos = 0;
            }
            if (virtualNow != null && timeoutNanos > 0) {
                int n = noChannels ? 0 : sel.selectNow(onSelected);
                if (n == 0 && inbox.isEmpty()) {
                    virtualNow[0] += timeoutNanos;
                }
                return;
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
            WAKE_STATE.setVolatile(this, AWAKE);
        }
    }

    private void selected(SelectionKey key) {
        Object a = key.attachment();
        if (a instanceof IoReady r) {
            r.ready(key);
        }
    }

    @Override
    void wakeup() {
        if ((int) WAKE_STATE.getAndSet(this, AWAKE) == POLLING) {
            selector.wakeup();
        }
    }

    @Override
    void closeIo() {
        try {
            selector.close();
        } catch (IOException e) {
            Debug.LOG.log(System.Logger.Level.WARNING, "error closing the selector", e);
        }
    }

    Selector selector() {
        return selector;
    }

    /** What a selection key's attachment implements: called on the loop thread when the key is ready. */
    interface IoReady {
        void ready(SelectionKey key);
    }
}
