package org.jasyncio.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import org.jasyncio.Signal;

/**
 * The one place where jasyncio uses {@code sun.misc.Signal} (module jdk.unsupported): it
 * installs and removes process-wide signal handlers. The JVM runs a handler on a thread of
 * its own; the listener given here is called on that thread and must only post work to a
 * loop. Thread-safe.
 */
public final class SignalSupport {
    private static final Map<Signal, Installed> INSTALLED = new EnumMap<>(Signal.class);

    private record Installed(sun.misc.SignalHandler previous, Consumer<Signal> listener) {}

    private SignalSupport() {}

    /**
     * Returns a signal's number on this system.
     *
     * @param shortName e.g. {@code "INT"}
     * @return its number
     * @throws IllegalArgumentException if the system does not know it
     */
    public static int number(String shortName) {
        return new sun.misc.Signal(shortName).getNumber();
    }

    /**
     * Installs {@code listener} as the process's handler for {@code sig}, replacing the JVM's
     * (or a previous listener's, which is kept to be restored).
     *
     * @param sig the signal
     * @param listener called on the JVM's signal thread
     * @throws IllegalArgumentException if the JVM or OS reserves the signal (SIGQUIT, SIGKILL,
     *         SIGSTOP, ...)
     */
    public static synchronized void install(Signal sig, Consumer<Signal> listener) {
        sun.misc.Signal s = new sun.misc.Signal(sig.shortName());
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(s, ignored -> listener.accept(sig));
        Installed old = INSTALLED.get(sig);
        INSTALLED.put(sig, new Installed(old != null ? old.previous() : previous, listener));
    }

    /**
     * Restores the handler that was in place before the first {@link #install} of
     * {@code sig}, if {@code listener} is still the installed one.
     *
     * @param sig the signal
     * @param listener the listener given to install
     * @return {@code true} if a handler was removed
     */
    public static synchronized boolean uninstall(Signal sig, Consumer<Signal> listener) {
        Installed inst = INSTALLED.get(sig);
        if (inst == null || inst.listener() != listener) {
            return false;
        }
        INSTALLED.remove(sig);
        sun.misc.Signal.handle(new sun.misc.Signal(sig.shortName()), inst.previous());
        return true;
    }

    /**
     * Installs {@code listener} for {@code sig} only if nobody took the signal over before:
     * the JVM's own handler or the OS default is in place (Python's check that SIGINT's
     * handler is still {@code default_int_handler}).
     *
     * @param sig the signal
     * @param listener called on the JVM's signal thread
     * @return {@code true} if installed; {@code false} if another handler is in place
     */
    public static synchronized boolean installIfDefault(Signal sig, Consumer<Signal> listener) {
        if (INSTALLED.containsKey(sig)) {
            return false;
        }
        sun.misc.Signal s = new sun.misc.Signal(sig.shortName());
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(s, ignored -> listener.accept(sig));
        // sun.misc.Signal wraps the JVM's handler; its toString names the JVM's Terminator
        boolean isDefault = previous == sun.misc.SignalHandler.SIG_DFL
                || String.valueOf(previous).startsWith("java.lang.Terminator");
        if (!isDefault) {
            sun.misc.Signal.handle(s, previous);
            return false;
        }
        INSTALLED.put(sig, new Installed(previous, listener));
        return true;
    }

    /**
     * Sends {@code sig} to this process.
     *
     * @param sig the signal
     */
    public static void raise(Signal sig) {
        sun.misc.Signal.raise(new sun.misc.Signal(sig.shortName()));
    }
}
