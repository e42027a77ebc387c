package org.jasyncio;

import java.util.ArrayList;
import java.util.List;

/**
 * The explicit "awaited by" links of asyncio 3.14 ({@code future_add_to_awaited_by},
 * {@code future_discard_from_awaited_by}): gather, shield and a task group link each child to
 * the task that is really waiting for it, since that task parks on another future (the
 * gathering or shielding one) or on none (a task group's body). A task parked on a future
 * directly needs no link: it is one of the future's callback entries. Loop thread only.
 */
final class AwaitedBy {

    private AwaitedBy() {}

    /** The task of {@code loop} running on the calling thread, or null (a callback, another thread). */
    static Task<?> currentTask(BaseEventLoop loop) {
        Task<?> c = loop.current;
        return c != null && c.thread == Thread.currentThread() ? c : null;
    }

    /** Records that {@code waiter} waits for {@code fut}; a null waiter (called outside a task) is ignored. */
    @SuppressWarnings("unchecked")
    static void add(Future<?> fut, Future<?> waiter) {
        if (waiter == null || fut == waiter) {
            return;
        }
        Object a = fut.awaitedBy;
        if (a == null) {
            fut.awaitedBy = waiter;
        } else if (a instanceof ArrayList<?> list) {
            ((ArrayList<Object>) list).add(waiter);
        } else {
            ArrayList<Object> list = new ArrayList<>(2);
            list.add(a);
            list.add(waiter);
            fut.awaitedBy = list;
        }
    }

    /** Removes one link added by {@link #add}. */
    static void discard(Future<?> fut, Future<?> waiter) {
        if (waiter == null) {
            return;
        }
        Object a = fut.awaitedBy;
        if (a == waiter) {
            fut.awaitedBy = null;
        } else if (a instanceof ArrayList<?> list) {
            list.remove(waiter);
            if (list.isEmpty()) {
                fut.awaitedBy = null;
            }
        }
    }

    /** Everything waiting for {@code fut}: the tasks parked on it, then the explicit links; no duplicates. */
    static List<Future<?>> of(Future<?> fut) {
        List<Future<?>> out = new ArrayList<>(2);
        fut.collectWaiters(out);
        Object a = fut.awaitedBy;
        if (a instanceof ArrayList<?> list) {
            for (Object o : list) {
                addOnce(out, (Future<?>) o);
            }
        } else if (a != null) {
            addOnce(out, (Future<?>) a);
        }
        return out;
    }

    private static void addOnce(List<Future<?>> out, Future<?> f) {
        for (Future<?> g : out) {
            if (g == f) {
                return;
            }
        }
        out.add(f);
    }
}
