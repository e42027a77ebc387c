package org.jasyncio.test;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.ExceptionHandler;

/**
 * The exception handler of an {@code @AsyncioTest} loop: keeps the reports that mean a leak
 * (an exception never retrieved, a task destroyed while pending, a task failing while the
 * runner cancelled it) and logs every report as the default handler would.
 */
final class LeakReports implements ExceptionHandler {
    private final List<ExceptionContext> leaks = new ArrayList<>();

    @Override
    public void handle(EventLoop loop, ExceptionContext context) {
        String m = context.message();
        if (m.endsWith("exception was never retrieved") || m.startsWith("Task was destroyed but it is pending")
                || m.startsWith("unhandled exception during asyncio.run() shutdown")) {
            synchronized (leaks) {
                leaks.add(context);
            }
        }
        loop.defaultExceptionHandler(context);
    }

    /** One error naming every leak reported, its first exception as the cause; null if none. */
    AssertionError failure() {
        List<ExceptionContext> found;
        synchronized (leaks) {
            found = List.copyOf(leaks);
        }
        if (found.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        Throwable cause = null;
        List<Throwable> others = new ArrayList<>();
        for (ExceptionContext c : found) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(c.message()).append(": ").append(culprit(c));
            Throwable e = c.exception();
            if (e != null) {
                sb.append(" raised ").append(e);
                if (cause == null) {
                    cause = e;
                } else if (e != cause) {
                    others.add(e);
                }
            }
            StackTraceElement[] created = c.sourceTraceback();
            if (created != null && created.length > 0) {
                sb.append("\n  created at ").append(created[0]);
            }
        }
        AssertionError error = new AssertionError(sb.toString(), cause);
        others.forEach(error::addSuppressed);
        return error;
    }

    private static Object culprit(ExceptionContext c) {
        Object what = c.get("task");
        if (what == null) {
            what = c.get("future");
        }
        if (what == null) {
            what = c.future();
        }
        return what;
    }
}
