package org.jasyncio;

import java.util.List;
import java.util.Objects;

/**
 * One node of an await graph: a future or task, the frames of the code running it, and the
 * nodes of whoever awaits it; asyncio's {@code FutureCallGraph} (Python 3.14), made by
 * {@link Asyncio#captureCallGraph(Future)}.
 *
 * <p>Python lists {@code FrameCallGraphEntry} objects wrapping frames; here each frame is a
 * {@link StackTraceElement}. The graph is a snapshot: it does not change when the program
 * moves on. Immutable and thread-safe.
 *
 * @param future the future or task this node describes
 * @param callStack for a task, where its coroutine is suspended (or, for the task that
 *     captured the graph, where the capture was called), innermost frame first and without
 *     jasyncio's and the JDK's scheduling frames; empty for a plain future and for a task
 *     that has not started or is done
 * @param awaitedBy the nodes of the tasks and futures waiting for {@code future}: tasks
 *     awaiting it directly, and the task that handed it to {@code gather}, {@code shield} or a
 *     {@code TaskGroup}; a node met again on the same path (an await cycle) is listed with no
 *     awaiters of its own
 * @since 0.1
 */
public record FutureCallGraph(Future<?> future, List<StackTraceElement> callStack, List<FutureCallGraph> awaitedBy) {

    /**
     * Checks the components and copies the lists.
     *
     * @throws NullPointerException if any component is {@code null}
     */
    public FutureCallGraph {
        Objects.requireNonNull(future, "future");
        callStack = List.copyOf(callStack);
        awaitedBy = List.copyOf(awaitedBy);
    }

    /**
     * Renders the graph as asyncio 3.14's {@code format_call_graph()} does: one line per
     * task or future, its call stack, then its awaiters indented below it.
     *
     * @return the text, lines separated by {@code \n}, with no final line break
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        CallGraphs.render(this, sb, 0);
        return sb.toString();
    }
}
