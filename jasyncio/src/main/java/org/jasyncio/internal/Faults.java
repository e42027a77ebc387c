package org.jasyncio.internal;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last line of defence of the loop's error path: what happens when reporting an error
 * fails too, and the classes that path needs, loaded before they are needed.
 *
 * <p>A loop reports an error through its exception handler, which builds a message and logs
 * it. Each of those steps can fail: an {@link OutOfMemoryError} while the heap is full, a
 * {@link StackOverflowError}, or a {@link NoClassDefFoundError} when the process is out of
 * file descriptors and a class not loaded yet must be read from a classes directory (as
 * {@code run-example.sh} runs programs). {@link #unreported} is where such a second failure
 * goes: it writes a short note to the standard error stream, which is already open, and
 * never throws. {@link #preload()} loads the classes of the error path (and initialises the
 * logging and time-zone data the default handler's log lines use) when the first loop is
 * made, while descriptors and memory are still there.
 *
 * <p>Thread-safe. Not exported.
 */
public final class Faults {
    /** Notes written in full before they are only counted (a fault that repeats must not flood stderr). */
    private static final int FULL_NOTES = 100;
    /** After {@link #FULL_NOTES}, one note in this many is written, with the count. */
    private static final int NOTE_EVERY = 1000;

    private static final AtomicLong NOTES = new AtomicLong();
    // Made when the class is initialised: a literal is only made the first time its code runs,
    // and notes are written when the heap may be full.
    private static final String NOT_REPORTED = text("jasyncio: an error could not be reported: ");
    private static final String FAILED_WITH = text("jasyncio: reporting it failed with: ");
    private static final String SO_FAR = text("jasyncio: such notes so far: ");
    private static volatile boolean preloaded;

    /**
     * The classes of jasyncio's error paths that the normal path may never have loaded: the
     * report's record and builder, the exceptions the loop makes, and the pieces of the
     * transports and servers that only run when something fails.
     */
    private static final String[] ERROR_PATH = {
        "org.jasyncio.ExceptionContext",
        "org.jasyncio.ExceptionContext$Builder",
        "org.jasyncio.Throwables",
        "org.jasyncio.KeyboardInterrupt",
        "org.jasyncio.CancelledError",
        "org.jasyncio.TimeoutError",
        "org.jasyncio.InvalidStateError",
        "org.jasyncio.ExceptionGroup",
        "org.jasyncio.Handle",
        "org.jasyncio.TimerHandle",
        "org.jasyncio.LoopRef",
        "org.jasyncio.Seconds",
        "org.jasyncio.LoopAction",
        "org.jasyncio.TimerQueue",
        "org.jasyncio.ReadyQueue",
        "org.jasyncio.TaskRegistry",
        "org.jasyncio.NioPoller",
        "org.jasyncio.NioPoller$1",
        "org.jasyncio.ChannelWatchers",
        "org.jasyncio.Debug",
        "org.jasyncio.LoopFaults",
        "org.jasyncio.Future$Callback",
        "org.jasyncio.Future$RaisedAgain",
        "org.jasyncio.internal.IoHandler",
        "org.jasyncio.internal.net.SelectorTransport",
        "org.jasyncio.internal.net.SocketTransport",
        "org.jasyncio.internal.net.WriteBuffer",
        "org.jasyncio.internal.net.SocketServer",
        "org.jasyncio.internal.net.SocketServer$Listener",
        "org.jasyncio.internal.net.Connector",
    };

    private Faults() {}

    private static String text(String s) {
        return s;
    }

    /**
     * Writes a short note about {@code error} to the standard error stream, because reporting
     * it through the loop's exception handler failed with {@code whileReporting}. Never throws:
     * every step is guarded, and under a repeating fault only one note in a thousand is
     * written after the first hundred.
     *
     * @param error the error that was being reported; may be {@code null}
     * @param whileReporting what reporting it threw; may be {@code null}
     */
    public static void unreported(Throwable error, Throwable whileReporting) {
        long n;
        try {
            n = NOTES.incrementAndGet();
        } catch (Throwable t) {
            n = 1;
        }
        if (n > FULL_NOTES && n % NOTE_EVERY != 0) {
            return;
        }
        try {
            PrintStream err = System.err;
            err.print(NOT_REPORTED);
            err.println(error);
            err.print(FAILED_WITH);
            err.println(whileReporting);
            if (n > FULL_NOTES) {
                err.print(SO_FAR);
                err.println(n);
            } else if (error != null) {
                error.printStackTrace(err);
            }
        } catch (Throwable ignored) {
            // nothing is left to report with: the loop must go on regardless
        }
    }

    /**
     * Loads the classes of the error path and initialises what the default exception
     * handler's log lines need (the logging back end, the time-zone rules its time stamp
     * uses, stack-trace printing). Runs once per JVM; later calls return at once. Never
     * throws: a class that cannot be loaded now is left to load when it is used.
     */
    public static void preload() {
        if (preloaded) {
            return;
        }
        preloaded = true;
        ClassLoader loader = Faults.class.getClassLoader();
        for (String name : ERROR_PATH) {
            try {
                Class.forName(name, true, loader);
            } catch (Throwable t) {
                // absent from a trimmed build: nothing to preload
            }
        }
        // The JDK's part takes tens of milliseconds: a daemon thread does it, so that the first
        // loop is not made slower; descriptors run out long after it is done.
        try {
            Thread.ofPlatform().daemon().name("jasyncio-preload").start(Faults::preloadJdk);
        } catch (Throwable t) {
            preloadJdk();
        }
    }

    private static void preloadJdk() {
        try {
            // The default log line stamps the time in the local zone: load the zone rules
            // (a file read) and the formatter's classes now.
            String.format("%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp %2$s%n%4$s: %5$s%6$s%n",
                    ZonedDateTime.now(), "source", "logger", "SEVERE", "message", "");
            new Throwable("preload").printStackTrace(new PrintStream(OutputStream.nullOutputStream()));
        } catch (Throwable t) {
            // the first real report pays for it instead
        }
    }

    /**
     * Tells whether {@link #preload()} has run in this JVM.
     *
     * @return {@code true} once it has
     */
    public static boolean preloaded() {
        return preloaded;
    }
}
