package org.jasyncio;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A loop's tasks and unretrieved failures: asyncio's {@code all_tasks()} set and the reports
 * its {@code __del__} methods make ("Task was destroyed but it is pending!", "exception was
 * never retrieved").
 *
 * <p>A task is held strongly until its first suspension (a task nobody references can still be
 * started), then weakly: from then on only what it waits for keeps it alive, and if it is
 * collected while pending, the loop reports it. Futures and tasks that failed are held weakly
 * until their exception is retrieved, reported when collected or, at the latest, when the loop
 * closes. Loop thread only (or the one thread using a loop that is not running).
 */
final class TaskRegistry {
    private final BaseEventLoop loop;
    /** Tasks not yet suspended, newest first (strongly held). */
    private Task<?> liveHead;
    /** The weak registrations, a circular list with this sentinel. */
    private final LoopRef registry = new LoopRef();
    private final ReferenceQueue<Future<?>> refQueue = new ReferenceQueue<>();

    TaskRegistry(BaseEventLoop loop) {
        this.loop = loop;
    }

    void linkLive(Task<?> task) {
        Task<?> h = liveHead;
        task.nextLive = h;
        if (h != null) {
            h.prevLive = task;
        }
        liveHead = task;
    }

    private void unlinkLive(Task<?> task) {
        Task<?> p = task.prevLive;
        Task<?> n = task.nextLive;
        if (p != null) {
            p.nextLive = n;
        } else if (liveHead == task) {
            liveHead = n;
        }
        if (n != null) {
            n.prevLive = p;
        }
        task.prevLive = null;
        task.nextLive = null;
    }

    /** A task suspended for the first time: hold it weakly from now on. */
    void registerSuspended(Task<?> task) {
        LoopRef r = new LoopRef(task, refQueue); // first: out of memory, the task stays held strongly
        unlinkLive(task);
        r.pendingTask = true;
        task.describe(r);
        r.linkAfter(registry);
        task.ref = r;
    }

    void taskFinished(Task<?> task) {
        LoopRef r = task.ref;
        if (r == null) {
            unlinkLive(task);
            return;
        }
        r.pendingTask = false;
        if (r.unretrieved == null) {
            r.unlink();
            r.clear();
            task.ref = null;
        } else {
            r.description = task.toString();
            r.sourceTraceback = task.sourceTraceback;
            r.contextEntries = task.contextEntries();
        }
    }

    LoopRef trackUnretrieved(Future<?> f, Throwable e) {
        if (f instanceof Task<?> t) {
            LoopRef r = t.ref;
            if (r != null) {
                r.unretrieved = e;
                return r;
            }
            // a task that failed without ever suspending: it finishes right after this
            unlinkLive(t);
            r = new LoopRef(t, refQueue);
            t.describe(r);
            t.ref = r;
            r.unretrieved = e;
            r.linkAfter(registry);
            return r;
        }
        LoopRef r = new LoopRef(f, refQueue);
        r.unretrieved = e;
        r.description = f.toString();
        r.sourceTraceback = f.sourceTraceback;
        r.linkAfter(registry);
        return r;
    }

    void forget(LoopRef r) {
        r.unretrieved = null;
        if (!r.pendingTask) {
            r.unlink();
            r.clear();
        }
    }

    void pollReferences() {
        LoopRef r;
        while ((r = (LoopRef) refQueue.poll()) != null) {
            if (!r.linked()) {
                continue;
            }
            r.unlink();
            if (r.pendingTask) {
                loop.callExceptionHandler(ExceptionContext.builder("Task was destroyed but it is pending!")
                        .put("task", r.describePendingTask()).sourceTraceback(r.sourceTraceback).build());
            } else if (r.unretrieved != null) {
                boolean task = r.description != null && r.description.startsWith("<Task");
                callExceptionHandlerIn(r.contextEntries, ExceptionContext.builder((task ? "Task" : "Future")
                        + " exception was never retrieved").exception(r.unretrieved)
                        .put(task ? "task" : "future", r.description).sourceTraceback(r.sourceTraceback).build());
            }
        }
    }

    /**
     * At close, every exception still never retrieved is reported, as asyncio reports it when
     * the future is collected: a short program must not end with its errors unseen, whether or
     * not the garbage collector ran.
     */
    void reportUnretrieved() {
        for (LoopRef r = registry.next; r != registry; ) {
            LoopRef next = r.next;
            Throwable e = r.unretrieved;
            Future<?> f = r.get();
            if (e != null && f != null) {
                f.unretrieved = null;
                r.unretrieved = null;
                r.unlink();
                boolean task = f instanceof Task<?>;
                callExceptionHandlerIn(task ? ((Task<?>) f).contextEntries() : null, ExceptionContext.builder(
                        (task ? "Task" : "Future") + " exception was never retrieved").exception(e)
                        .put(task ? "task" : "future", f.toString()).future(f).sourceTraceback(f.sourceTraceback).build());
            }
            r = next;
        }
    }

    /** Calls the exception handler in a task's context, as asyncio's Task.__del__ does. */
    private void callExceptionHandlerIn(Object[] contextEntries, ExceptionContext context) {
        if (contextEntries == null) {
            loop.callExceptionHandler(context);
            return;
        }
        Context previous = loop.handleContext;
        loop.handleContext = new Context(contextEntries);
        try {
            loop.callExceptionHandler(context);
        } finally {
            loop.handleContext = previous;
        }
    }

    /** Live tasks of this loop; asyncio's all_tasks(loop). */
    Set<Task<?>> allTasks() {
        Set<Task<?>> s = new LinkedHashSet<>();
        for (LoopRef r = registry.prev; r != registry; r = r.prev) {
            if (r.get() instanceof Task<?> t && !t.done() && !t.hidden) {
                s.add(t);
            }
        }
        List<Task<?>> fresh = new ArrayList<>();
        for (Task<?> t = liveHead; t != null; t = t.nextLive) {
            if (!t.done() && !t.hidden) {
                fresh.add(t);
            }
        }
        for (int i = fresh.size() - 1; i >= 0; i--) {
            s.add(fresh.get(i));
        }
        return s;
    }
}
