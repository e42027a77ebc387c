package org.jasyncio;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code runCoroutineThreadsafe} futures of a loop whose task has not finished: when the
 * loop closes they complete exceptionally, so a thread blocked in {@code get()} is released
 * instead of waiting forever. Loop thread only.
 */
final class ThreadsafeCalls {
    private final Map<CompletableFuture<?>, Task<?>> pending = new IdentityHashMap<>();

    /** Tracks {@code cf} until {@code task} is done. */
    void add(CompletableFuture<?> cf, Task<?> task) {
        pending.put(cf, task);
        task.addInternalCallback(t -> pending.remove(cf));
    }

    /** The loop closed: every caller still waiting gets an error. */
    void loopClosed() {
        if (pending.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> left = new ArrayList<>(pending.keySet());
        pending.clear();
        for (CompletableFuture<?> cf : left) {
            cf.completeExceptionally(new IllegalStateException(
                    "Event loop is closed: the coroutine given to runCoroutineThreadsafe never finished"));
        }
    }
}
