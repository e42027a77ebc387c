package org.jasyncio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and renders await graphs ({@link FutureCallGraph}); asyncio 3.14's
 * {@code asyncio/graph.py}. Loop thread only: it reads futures' callbacks and tasks' links.
 */
final class CallGraphs {

    private CallGraphs() {}

    /** The graph of {@code fut}; the current task's call stack is the caller's, as Python's depth=1. */
    static FutureCallGraph capture(Future<?> fut) {
        return build(fut, new IdentityHashMap<>());
    }

    private static FutureCallGraph build(Future<?> fut, Map<Future<?>, Boolean> path) {
        List<StackTraceElement> stack = fut instanceof Task<?> t ? callStack(t) : List.of();
        List<FutureCallGraph> by = new ArrayList<>();
        if (path.put(fut, Boolean.TRUE) == null) {
            for (Future<?> w : AwaitedBy.of(fut)) {
                if (path.containsKey(w)) {
                    // an await cycle: say who closes it, and stop there
                    by.add(new FutureCallGraph(w, w instanceof Task<?> t ? callStack(t) : List.of(), List.of()));
                } else {
                    by.add(build(w, path));
                }
            }
            path.remove(fut);
        }
        return new FutureCallGraph(fut, stack, by);
    }

    /** A task's user frames, innermost first: where it is suspended, or where the capture runs. */
    static List<StackTraceElement> callStack(Task<?> t) {
        Thread th = t.thread;
        if (th == null || t.done()) {
            return List.of();
        }
        StackTraceElement[] st = th == Thread.currentThread() ? new Throwable().getStackTrace() : th.getStackTrace();
        return Arrays.asList(trim(st));
    }

    /**
     * Drops the scheduling frames at both ends: jasyncio's and the JDK's on top (the park, the
     * capture itself), and below the coroutine (the task's body, the virtual thread's run).
     */
    static StackTraceElement[] trim(StackTraceElement[] st) {
        int from = 0;
        int to = st.length;
        while (from < to && Debug.isInternal(st[from])) {
            from++;
        }
        while (to > from && Debug.isInternal(st[to - 1])) {
            to--;
        }
        return Arrays.copyOfRange(st, from, to);
    }

    /** asyncio 3.14's print_call_graph layout, four spaces a level. */
    static void render(FutureCallGraph g, StringBuilder sb, int level) {
        String indent = "    ".repeat(level);
        if (!sb.isEmpty()) {
            sb.append('\n');
        }
        if (g.future() instanceof Task<?> t) {
            sb.append(indent).append("* Task(name='").append(t.getName()).append("', id=0x")
                    .append(Long.toHexString(t.id())).append(')');
        } else {
            sb.append(indent).append("* Future(id=0x")
                    .append(Integer.toHexString(System.identityHashCode(g.future()))).append(')');
        }
        if (!g.callStack().isEmpty()) {
            sb.append('\n').append(indent).append("  + Call stack:");
            for (StackTraceElement e : g.callStack()) {
                sb.append('\n').append(indent).append("  |   File '").append(e.getFileName()).append("', line ")
                        .append(e.getLineNumber()).append(", in ").append(e.getClassName()).append('.')
                        .append(e.getMethodName()).append("()");
            }
        }
        if (!g.awaitedBy().isEmpty()) {
            sb.append('\n').append(indent).append("  + Awaited by:");
            for (FutureCallGraph a : g.awaitedBy()) {
                render(a, sb, level + 1);
            }
        }
    }
}
