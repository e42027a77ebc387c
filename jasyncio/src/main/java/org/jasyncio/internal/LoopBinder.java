package org.jasyncio.internal;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Task;

/**
 * Binds a loop-bound primitive (a lock, a queue) to the event loop of the first task that
 * uses it; asyncio's {@code mixins._LoopBoundMixin}.
 *
 * <p>A primitive keeps one binder. Its suspending methods call {@link #bind(String)}, which
 * requires a task and rejects a task of another loop; its non-suspending methods call
 * {@link #check(String)}, which rejects a call from another thread while the bound loop runs.
 * Binding is atomic, so two loops racing to bind the same primitive cannot both win.
 */
public final class LoopBinder {
    private static final java.lang.invoke.VarHandle LOOP;

    static {
        try {
            LOOP = java.lang.invoke.MethodHandles.lookup().findVarHandle(LoopBinder.class, "loop", EventLoop.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object owner;
    @SuppressWarnings("unused") // accessed through LOOP
    private volatile EventLoop loop;

    /**
     * Creates a binder for {@code owner}.
     *
     * @param owner the primitive, named in error messages
     */
    public LoopBinder(Object owner) {
        this.owner = owner;
    }

    /**
     * Returns the loop of the calling task, binding the primitive to it on first use.
     *
     * @param what the operation, for messages (for example {@code "Lock.acquire()"})
     * @return the bound loop
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public EventLoop bind(String what) {
        Task<?> t = LoopInternals.get().currentTaskOrNull();
        if (t == null) {
            throw new IllegalStateException(what + " can only be called inside a task (it may suspend); it was called on"
                    + " thread '" + Thread.currentThread().getName() + "' which runs no task of a jasyncio event loop");
        }
        EventLoop running = t.getLoop();
        EventLoop l = loop;
        if (l == running) {
            return l;
        }
        if (l == null && LOOP.compareAndSet(this, null, running)) {
            return running;
        }
        throw otherLoop(what);
    }

    /**
     * Rejects a call from another thread while the bound loop runs; does nothing while the
     * primitive is not bound yet.
     *
     * @param what the operation, for messages
     * @throws IllegalStateException if called from another thread while the bound loop runs
     */
    public void check(String what) {
        EventLoop l = loop;
        if (l != null) {
            LoopInternals.get().checkThread(l, what);
        }
    }

    /**
     * Returns the bound loop.
     *
     * @return the loop, or {@code null} before the first suspending call
     */
    public EventLoop loop() {
        return loop;
    }

    private IllegalStateException otherLoop(String what) {
        return new IllegalStateException(what + ": " + owner + " is bound to a different event loop (primitives are"
                + " bound to the loop of the first task that uses them; create one per loop)");
    }
}
