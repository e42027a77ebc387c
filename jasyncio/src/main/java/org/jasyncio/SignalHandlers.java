package org.jasyncio;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jasyncio.internal.SignalSupport;

/**
 * A loop's signal handlers: asyncio's {@code add_signal_handler} and
 * {@code remove_signal_handler}. The JVM delivers a signal on its own thread; the handler runs
 * on the loop, through its thread-safe inbox, in the context that was current when it was added.
 * A signal is handled by one loop of the process at a time. Loop thread only.
 */
final class SignalHandlers {
    /** Which loop handles each signal: a process-wide resource, claimed without a lock. */
    private static final Map<Signal, BaseEventLoop> OWNERS = new ConcurrentHashMap<>();

    private record Entry(Runnable callback, Context context, Consumer<Signal> listener) {}

    private final BaseEventLoop loop;
    private final Map<Signal, Entry> handlers = new EnumMap<>(Signal.class);

    SignalHandlers(BaseEventLoop loop) {
        this.loop = loop;
    }

    void add(Signal sig, Runnable callback) {
        Consumer<Signal> listener = s -> {
            try {
                loop.callSoonThreadsafe(() -> handle(s), null);
            } catch (IllegalStateException closedMeanwhile) {
                // the loop closed: nothing to run the handler on
            }
        };
        BaseEventLoop other = OWNERS.putIfAbsent(sig, loop);
        if (other != null && other != loop) {
            throw new IllegalStateException(sig + " is already handled by another event loop: " + other);
        }
        Entry previous = handlers.get(sig);
        try {
            SignalSupport.install(sig, listener);
        } catch (IllegalArgumentException e) {
            if (previous == null) {
                OWNERS.remove(sig, loop);
            }
            // asyncio raises RuntimeError("sig N cannot be caught") here, not ValueError: the
            // signal is valid, the OS or the JVM just keeps it (D1: RuntimeError)
            throw new IllegalStateException(sig + " cannot be caught: " + e.getMessage(), e);
        }
        if (previous != null) {
            SignalSupport.uninstall(sig, previous.listener());
        }
        handlers.put(sig, new Entry(callback, Context.current().copy(), listener));
    }

    private void handle(Signal sig) {
        Entry e = handlers.get(sig);
        if (e != null) {
            new Handle(loop, e.callback(), e.context()).run();
        }
    }

    boolean remove(Signal sig) {
        Entry e = handlers.remove(sig);
        if (e == null) {
            return false;
        }
        SignalSupport.uninstall(sig, e.listener());
        OWNERS.remove(sig, loop);
        return true;
    }

    /** At loop close: every handler is removed. */
    void close() {
        for (Signal sig : new ArrayList<>(handlers.keySet())) {
            remove(sig);
        }
    }
}
