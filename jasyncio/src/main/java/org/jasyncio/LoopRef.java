package org.jasyncio;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A weak registration of a task (or of a failed future) in its loop, so that the loop can
 * list live tasks ({@link Asyncio#allTasks()}) and report a task garbage-collected while
 * pending, or an exception never retrieved. Entries form a doubly linked list owned by
 * the loop thread. The referent is weak; what a report needs is copied here, since the
 * referent is gone when the report is made.
 */
final class LoopRef extends WeakReference<Future<?>> {
    LoopRef prev;
    LoopRef next;
    /** Set while the referent is a pending task. */
    boolean pendingTask;
    /** The exception nobody retrieved, or null. */
    Throwable unretrieved;
    /** The referent's repr when it finished, or null (then built from the fields below). */
    String description;
    /** Task number and explicit name (null for Task-N), the coroutine's class. */
    long number;
    String name;
    Class<?> coroClass;
    StackTraceElement[] sourceTraceback;
    /** A task's context variables, to report about it in its own context (asyncio gh-96704). */
    Object[] contextEntries;

    LoopRef(Future<?> referent, ReferenceQueue<? super Future<?>> queue) {
        super(referent, queue);
    }

    /** A sentinel heading the list. */
    LoopRef() {
        super(null);
        prev = this;
        next = this;
    }

    void linkAfter(LoopRef head) {
        next = head.next;
        prev = head;
        head.next.prev = this;
        head.next = this;
    }

    boolean linked() {
        return next != null;
    }

    void unlink() {
        if (next != null) {
            prev.next = next;
            next.prev = prev;
            next = null;
            prev = null;
        }
    }

    /** The repr of a task that was destroyed while pending. */
    String describePendingTask() {
        if (description != null) {
            return description;
        }
        String n = name != null ? name : "Task-" + number;
        String coro = coroClass == null ? "?" : Debug.describeClass(coroClass);
        return "<Task pending name='" + n + "' coro=<" + coro + ">>";
    }
}
