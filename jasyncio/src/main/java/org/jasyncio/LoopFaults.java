package org.jasyncio;

import org.jasyncio.internal.Faults;
import org.jasyncio.internal.IoHandler;

/**
 * Containment of what escapes the loop's own error handling: an {@link Error} out of an
 * iteration, a handler that failed, a task whose completion failed. Whatever happens here,
 * the loop goes on; only a {@link KeyboardInterrupt} leaves it, as in asyncio.
 *
 * <p>Each item of the ready queue catches what its callback throws and reports it; these
 * methods are for the failures of that catching and reporting itself (an
 * {@link OutOfMemoryError} while building the report, a {@link NoClassDefFoundError} when
 * the process is out of file descriptors). A report that fails once more ends in
 * {@link Faults#unreported}.
 *
 * <p>Loop thread only (or a task of the loop).
 */
final class LoopFaults {
    // The messages are made when the class is initialised, at loop creation (Faults.preload):
    // a string literal is only made the first time its code runs, and this code runs when the
    // heap may be full, where making it would throw once more, outside any guard.
    private static final String ITERATION = text("Unexpected error in the event loop's iteration");
    private static final String RELEASING = text("Exception while releasing a failed I/O handler");
    private static final String HANDLER = text("Exception in I/O handler");
    private static final String COMPLETING = text("Exception while completing a task");
    private static final String STEP = text("Exception in a task's step, outside its coroutine");

    private static volatile boolean warmedUp;

    private LoopFaults() {}

    /**
     * Made at loop creation: loads the error path's classes ({@link Faults#preload()}) and, once
     * per JVM, runs each way a future completes. The JVM links a call site (a {@code VarHandle}
     * access, a lambda, a string constant) the first time it runs, which allocates; a task's
     * completion that first runs when the heap is full would fail there and leave the task
     * pending for good, its waiters asleep.
     */
    static void preload(BaseEventLoop loop) {
        Faults.preload();
        if (warmedUp) {
            return;
        }
        warmedUp = true;
        try {
            new Future<>(loop).setResult0(null);
            new Future<>(loop).cancel0(null, null);
            Future<Object> failed = new Future<>(loop);
            failed.setException0(new IllegalStateException("warm-up"));
            failed.markRetrieved();
        } catch (Throwable t) {
            // the first real completion links them instead
        }
    }

    private static String text(String s) {
        return s;
    }

    /**
     * An error escaped {@code runOnce}: the iteration stops where it was, what is still
     * queued runs in the next one. A KeyboardInterrupt leaves the loop after it.
     */
    static void escaped(BaseEventLoop loop, Error e) {
        if (loop.raiseOutOfLoop(e)) {
            return;
        }
        report(loop, e, ITERATION, null);
    }

    /**
     * An I/O handler threw out of {@code ready}: it releases its channel first (a transport
     * closes and drops its write buffer, which frees memory for the report), then the
     * exception handler hears of it once.
     */
    static void handlerFailed(BaseEventLoop loop, IoHandler handler, Throwable error) {
        if (loop.raiseOutOfLoop(error)) {
            return;
        }
        try {
            handler.failed(error);
        } catch (Throwable t) {
            report(loop, t, RELEASING, handler);
        }
        report(loop, error, HANDLER, handler);
    }

    /**
     * Completing a task failed (its callbacks could not be dispatched, or its registry entry
     * not updated): make sure the task is done, so that its awaiters are woken, and report.
     */
    static void finishFailed(Task<?> task, Throwable outcome, Throwable error) {
        if (task.state == Future.PENDING) {
            try {
                task.setException0(outcome != null ? outcome : error);
            } catch (Throwable again) {
                // reported below; the waiters that could be woken were
            }
        }
        report(task.loop, error, COMPLETING, task);
    }

    /** A task's step threw out of its virtual thread: fail the task if it is still pending, and report. */
    static void stepFailed(Task<?> task, Throwable error) {
        if (task.loop.raiseOutOfLoop(error)) {
            return;
        }
        if (task.state == Future.PENDING) {
            try {
                task.setException0(error);
                task.markRetrieved(); // reported below, not again as "never retrieved"
            } catch (Throwable again) {
                // reported below
            }
        }
        report(task.loop, error, STEP, task);
    }

    /**
     * Reports through the loop's exception handler; if that fails too, writes a note to
     * stderr. Never throws. The message is built inside the guard, since building it can
     * fail as well.
     */
    static void report(BaseEventLoop loop, Throwable error, String message, Object subject) {
        try {
            ExceptionContext.Builder b = ExceptionContext.builder(subject == null ? message
                    : message + ' ' + describe(subject)).exception(error);
            if (subject instanceof Future<?> f) {
                b.future(f);
            } else if (subject != null) {
                b.put("handler", subject);
            }
            loop.callExceptionHandler(b.build());
        } catch (Throwable t) {
            Faults.unreported(error, t);
        }
    }

    /** The subject's repr, or its class when its toString() fails too. */
    private static String describe(Object subject) {
        try {
            return String.valueOf(subject);
        } catch (Throwable t) {
            return subject.getClass().getName();
        }
    }
}
