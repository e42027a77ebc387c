package org.jasyncio;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jasyncio.internal.SignalSupport;

/**
 * Runs a runner's main task with Python 3.11's Ctrl-C handling: the first SIGINT cancels
 * the main task; a second one interrupts the loop with {@link KeyboardInterrupt}; a third
 * one ends the process as the JVM does by default. Only one runner at a time takes SIGINT
 * over, and only if nobody else did.
 */
final class RunnerSupport {
    private RunnerSupport() {}

    static <T> T runMain(BaseEventLoop loop, Task<T> task) throws Exception {
        AtomicInteger interrupts = new AtomicInteger();
        // Whether the first SIGINT's cancel() reached the main task. Python runs its handler
        // between two bytecodes of the main thread; here it runs on a signal thread and the
        // cancel lands on the loop later, maybe after the task ended: it still counts as one
        // cancel() when deciding between CancelledError and KeyboardInterrupt.
        AtomicBoolean reachedTask = new AtomicBoolean();
        Consumer<Signal> onSigint = sig -> {
            int n = interrupts.incrementAndGet();
            try {
                if (n == 1) {
                    loop.callSoonThreadsafe(() -> {
                        if (!task.done()) {
                            task.cancelInternal(null);
                            reachedTask.set(true);
                        }
                    });
                } else if (n <= 2) {
                    loop.interruptWithKeyboardInterrupt();
                } else {
                    // the loop does not respond: stop the process as the JVM would
                    System.exit(130);
                }
            } catch (IllegalStateException loopClosed) {
                System.exit(130);
            }
        };
        boolean handling = safeInstall(onSigint);
        try {
            return loop.runUntilComplete(task);
        } catch (CancelledError e) {
            if (interrupts.get() > 0 && task.cancelled() && task.uncancel() + (reachedTask.get() ? 0 : 1) == 0) {
                throw keyboardInterrupt(e);
            }
            throw e;
        } catch (KeyboardInterrupt e) {
            markForExit();
            throw e;
        } finally {
            if (handling) {
                SignalSupport.uninstall(Signal.SIGINT, onSigint);
            }
        }
    }

    private static boolean safeInstall(Consumer<Signal> onSigint) {
        try {
            return SignalSupport.installIfDefault(Signal.SIGINT, onSigint);
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError unavailable) {
            return false; // no SIGINT handling on this platform
        }
    }

    private static KeyboardInterrupt keyboardInterrupt(CancelledError cause) {
        KeyboardInterrupt ki = new KeyboardInterrupt();
        ki.initCause(cause);
        markForExit();
        return ki;
    }

    /**
     * If the KeyboardInterrupt is not caught, end like a process killed by SIGINT (status
     * 130, after the stack trace), as CPython does.
     */
    private static void markForExit() {
        Thread t = Thread.currentThread();
        Thread.UncaughtExceptionHandler previous = t.getUncaughtExceptionHandler();
        if (previous instanceof ExitOnKeyboardInterrupt) {
            return;
        }
        t.setUncaughtExceptionHandler(new ExitOnKeyboardInterrupt(previous));
    }

    private record ExitOnKeyboardInterrupt(Thread.UncaughtExceptionHandler previous)
            implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            previous.uncaughtException(t, e);
            if (e instanceof KeyboardInterrupt) {
                System.err.flush();
                System.exit(130);
            }
        }
    }
}
