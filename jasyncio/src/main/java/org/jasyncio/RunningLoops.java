package org.jasyncio;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loops that run now, and the one running on the calling thread: asyncio's
 * {@code _get_running_loop()}. Thread-safe without locks: a copy-on-write array (loops start
 * and stop rarely) and a thread-local.
 */
final class RunningLoops {
    private static final AtomicReference<BaseEventLoop[]> RUNNING = new AtomicReference<>(new BaseEventLoop[0]);
    private static final ThreadLocal<BaseEventLoop> HERE = new ThreadLocal<>();

    private RunningLoops() {}

    /** Every running loop; to find which one runs a task's virtual thread. */
    static BaseEventLoop[] all() {
        return RUNNING.get();
    }

    /** The loop whose runForever() the calling platform thread is in, or null. */
    static BaseEventLoop onThisThread() {
        return HERE.get();
    }

    /** The loop running the caller: its task's loop, or the loop of this platform thread. */
    static BaseEventLoop current() {
        Task<?> t = Task.current();
        if (t != null) {
            return t.loop;
        }
        return Thread.currentThread().isVirtual() ? null : HERE.get();
    }

    static void enter(BaseEventLoop loop) {
        HERE.set(loop);
        RUNNING.getAndUpdate(a -> {
            BaseEventLoop[] b = Arrays.copyOf(a, a.length + 1);
            b[a.length] = loop;
            return b;
        });
    }

    static void exit(BaseEventLoop loop) {
        HERE.remove();
        RUNNING.getAndUpdate(a -> Arrays.stream(a).filter(l -> l != loop).toArray(BaseEventLoop[]::new));
    }
}
