package org.jasyncio.group;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.group.Joins;
import org.jasyncio.queues.QueueEmpty;
import org.jasyncio.queues.QueueFull;
import org.jasyncio.queues.QueueShutDown;

/**
 * A FIFO queue for handing items between loops and threads: tasks of any loop wait on it with
 * {@link #get()} and {@link #put}, plain threads with {@link #getBlocking()} and
 * {@link #putBlocking}, and anyone may use the {@code Nowait} forms. It is what the Python
 * library {@code janus} gives asyncio (a queue with an async side and a blocking side), open to
 * many loops at once; {@link org.jasyncio.queues.Queue} by contrast belongs to one loop.
 *
 * <table class="striped">
 * <caption>The four forms of each operation</caption>
 * <tr><th></th><th>never waits</th><th>task (any loop)</th><th>plain thread</th><th>plain thread, bounded</th></tr>
 * <tr><td>insert</td><td>{@link #putNowait} (throws {@link QueueFull})</td><td>{@link #put}</td>
 *     <td>{@link #putBlocking(Object)}</td><td>{@link #putBlocking(Object, Duration)}</td></tr>
 * <tr><td>remove</td><td>{@link #getNowait} (throws {@link QueueEmpty})</td><td>{@link #get}</td>
 *     <td>{@link #getBlocking()}</td><td>{@link #getBlocking(Duration)}</td></tr>
 * </table>
 *
 * <p>No lock: items sit in a lock-free queue, and a waiter is a future of its task's loop
 * (completed through that loop's inbox) or a parked thread. A waker marks one waiter woken and
 * wakes it; the woken one tries again. A waiter that gives up (cancelled, interrupted, timed
 * out) after it was woken passes the wake-up on, so no item waits while someone waits for it.
 *
 * <p>Thread-safe. Memory consistency effects: actions in a thread (or task) before it puts an
 * item happen-before the actions after the get that removes that item. Null items are refused.
 *
 * @param <T> the item type
 * @since 0.1
 */
public final class ThreadsafeQueue<T> {
    private static final int WAITING = 0;
    private static final int WOKEN = 1;
    private static final int GAVE_UP = 2;

    private final int maxsize;
    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    /** Items in the queue plus slots reserved by puts under way; bounded by maxsize if > 0. */
    private final AtomicInteger count = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> getters = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Waiter> putters = new ConcurrentLinkedQueue<>();
    private volatile boolean shutdown;

    /** Creates an unbounded queue. */
    public ThreadsafeQueue() {
        this(0);
    }

    /**
     * Creates a queue of at most {@code maxsize} items; asyncio's {@code Queue(maxsize)}.
     *
     * @param maxsize the bound; zero or negative for no bound, as in asyncio
     */
    public ThreadsafeQueue(int maxsize) {
        this.maxsize = Math.max(0, maxsize);
    }

    /** One waiting task or thread. */
    private static final class Waiter {
        final AtomicInteger state = new AtomicInteger(WAITING);
        final EventLoop loop;
        final Future<Void> future;
        final Thread thread;

        Waiter(EventLoop loop, Future<Void> future, Thread thread) {
            this.loop = loop;
            this.future = future;
            this.thread = thread;
        }

        /** Wakes it unless it gave up or its loop is gone; tells whether someone was woken. */
        boolean wake() {
            if (!state.compareAndSet(WAITING, WOKEN)) {
                return false;
            }
            if (thread != null) {
                LockSupport.unpark(thread);
                return true;
            }
            try {
                loop.callSoonThreadsafe(() -> future.trySetResult(null));
                return true;
            } catch (IllegalStateException loopClosed) {
                return false; // nobody can run there any more: wake the next one instead
            }
        }
    }

    // ---- never waits --------------------------------------------------------------------------

    /**
     * Puts {@code item} at the tail if there is room; asyncio's {@code put_nowait()}. Never
     * waits; wakes one waiting getter.
     *
     * @param item the item; not {@code null}
     * @throws QueueFull if the queue holds {@code maxsize} items
     * @throws QueueShutDown if the queue was shut down
     */
    public void putNowait(T item) {
        if (!tryPut(Objects.requireNonNull(item, "item"))) {
            throw new QueueFull("ThreadsafeQueue is full (maxsize " + maxsize + ")");
        }
    }

    /**
     * Removes and returns the head if there is one; asyncio's {@code get_nowait()}. Never
     * waits; wakes one waiting putter.
     *
     * @return the head
     * @throws QueueEmpty if the queue is empty and not shut down
     * @throws QueueShutDown if the queue is empty and was shut down
     */
    public T getNowait() {
        T x = tryGet();
        if (x != null) {
            return x;
        }
        if (shutdown) {
            throw new QueueShutDown("ThreadsafeQueue is shut down");
        }
        throw new QueueEmpty("ThreadsafeQueue is empty");
    }

    private boolean tryPut(T item) {
        if (shutdown) {
            throw new QueueShutDown("ThreadsafeQueue is shut down");
        }
        if (maxsize > 0) {
            int c;
            do {
                c = count.get();
                if (c >= maxsize) {
                    return false;
                }
            } while (!count.compareAndSet(c, c + 1));
        } else {
            count.incrementAndGet();
        }
        items.offer(item);
        wakeOne(getters);
        return true;
    }

    private T tryGet() {
        T x = items.poll();
        if (x != null) {
            count.decrementAndGet();
            if (maxsize > 0) {
                wakeOne(putters);
            }
        }
        return x;
    }

    private static void wakeOne(ConcurrentLinkedQueue<Waiter> waiters) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            if (w.wake()) {
                return;
            }
        }
    }

    /** The waiter stops waiting; a wake-up it already got goes to the next one. */
    private static void giveUp(Waiter w, ConcurrentLinkedQueue<Waiter> waiters) {
        if (w.state.compareAndSet(WAITING, GAVE_UP)) {
            waiters.remove(w);
        } else {
            wakeOne(waiters);
        }
    }

    // ---- tasks ----------------------------------------------------------------------------------

    /**
     * Removes and returns the head, waiting while the queue is empty; asyncio's
     * {@code Queue.get()}, for a task of any loop. The task waits on a future of its own loop.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: if the task is cancelled, no item was removed.
     *
     * @return the head
     * @throws IllegalStateException if called outside a task
     * @throws QueueShutDown if the queue is empty and was shut down
     * @throws CancelledError if the task is cancelled
     */
    public T get() {
        EventLoop loop = taskLoop("ThreadsafeQueue.get()");
        while (true) {
            T x = tryGet();
            if (x != null) {
                return x;
            }
            Waiter w = new Waiter(loop, loop.createFuture(), null);
            getters.add(w);
            // Checked again once registered: a put or shutdown in between has woken nobody.
            x = tryGet();
            if (x != null || shutdown) {
                giveUp(w, getters);
                if (x != null) {
                    return x;
                }
                throw new QueueShutDown("ThreadsafeQueue is shut down");
            }
            awaitWaiter(w, getters);
        }
    }

    /**
     * Puts {@code item} at the tail, waiting while the queue is full; asyncio's
     * {@code Queue.put()}, for a task of any loop.
     *
     * <h4>Cancellation</h4>
     * If the task is cancelled the item was not put.
     *
     * @param item the item; not {@code null}
     * @throws IllegalStateException if called outside a task
     * @throws QueueShutDown if the queue was shut down (before or while waiting)
     * @throws CancelledError if the task is cancelled
     */
    public void put(T item) {
        Objects.requireNonNull(item, "item");
        EventLoop loop = taskLoop("ThreadsafeQueue.put()");
        while (!tryPut(item)) {
            Waiter w = new Waiter(loop, loop.createFuture(), null);
            putters.add(w);
            boolean done;
            try {
                done = tryPut(item);
            } catch (QueueShutDown e) {
                giveUp(w, putters);
                throw e;
            }
            if (done) {
                giveUp(w, putters);
                return;
            }
            awaitWaiter(w, putters);
        }
    }

    private static EventLoop taskLoop(String what) {
        EventLoop loop = Joins.runningLoop();
        if (loop == null || Asyncio.currentTask() == null) {
            throw new IllegalStateException(what + " must be called from a task; from a plain thread use the"
                    + " blocking form");
        }
        return loop;
    }

    private static void awaitWaiter(Waiter w, ConcurrentLinkedQueue<Waiter> waiters) {
        try {
            w.future.await();
        } catch (Throwable t) {
            giveUp(w, waiters);
            throw Joins.<RuntimeException>sneaky(t);
        }
    }

    // ---- plain threads --------------------------------------------------------------------------

    /**
     * Removes and returns the head, blocking the calling thread while the queue is empty;
     * {@code BlockingQueue.take()}.
     *
     * @return the head
     * @throws InterruptedException if the thread is interrupted while waiting (no item removed)
     * @throws IllegalStateException if called on a thread that runs an event loop (a task uses
     *         {@link #get()})
     * @throws QueueShutDown if the queue is empty and was shut down
     */
    public T getBlocking() throws InterruptedException {
        return getBlocking0(Long.MAX_VALUE);
    }

    /**
     * Removes and returns the head, blocking at most {@code timeout} while the queue is empty.
     *
     * @param timeout how long to wait; zero or negative means do not wait
     * @return the head, or {@code null} if none came in time
     * @throws InterruptedException if the thread is interrupted while waiting (no item removed)
     * @throws IllegalStateException if called on a thread that runs an event loop
     * @throws QueueShutDown if the queue is empty and was shut down
     */
    public T getBlocking(Duration timeout) throws InterruptedException {
        return getBlocking0(deadline(timeout));
    }

    private T getBlocking0(long deadline) throws InterruptedException {
        checkPlainThread("ThreadsafeQueue.getBlocking()", "get()");
        while (true) {
            T x = tryGet();
            if (x != null) {
                return x;
            }
            Waiter w = new Waiter(null, null, Thread.currentThread());
            getters.add(w);
            x = tryGet();
            if (x != null || shutdown) {
                giveUp(w, getters);
                if (x != null) {
                    return x;
                }
                throw new QueueShutDown("ThreadsafeQueue is shut down");
            }
            if (!park(w, getters, deadline)) {
                return null;
            }
        }
    }

    /**
     * Puts {@code item} at the tail, blocking the calling thread while the queue is full;
     * {@code BlockingQueue.put()}.
     *
     * @param item the item; not {@code null}
     * @throws InterruptedException if the thread is interrupted while waiting (the item was
     *         not put)
     * @throws IllegalStateException if called on a thread that runs an event loop (a task uses
     *         {@link #put})
     * @throws QueueShutDown if the queue was shut down
     */
    public void putBlocking(T item) throws InterruptedException {
        putBlocking0(item, Long.MAX_VALUE);
    }

    /**
     * Puts {@code item} at the tail, blocking at most {@code timeout} while the queue is full.
     *
     * @param item the item; not {@code null}
     * @param timeout how long to wait; zero or negative means do not wait
     * @return {@code true} if the item was put, {@code false} if there was no room in time
     * @throws InterruptedException if the thread is interrupted while waiting (the item was
     *         not put)
     * @throws IllegalStateException if called on a thread that runs an event loop
     * @throws QueueShutDown if the queue was shut down
     */
    public boolean putBlocking(T item, Duration timeout) throws InterruptedException {
        return putBlocking0(item, deadline(timeout));
    }

    private boolean putBlocking0(T item, long deadline) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        checkPlainThread("ThreadsafeQueue.putBlocking()", "put()");
        while (!tryPut(item)) {
            Waiter w = new Waiter(null, null, Thread.currentThread());
            putters.add(w);
            boolean done;
            try {
                done = tryPut(item);
            } catch (QueueShutDown e) {
                giveUp(w, putters);
                throw e;
            }
            if (done) {
                giveUp(w, putters);
                return true;
            }
            if (!park(w, putters, deadline)) {
                return false;
            }
        }
        return true;
    }

    /** Parks until woken; false on timeout. Gives up (passing a wake-up on) when leaving early. */
    private static boolean park(Waiter w, ConcurrentLinkedQueue<Waiter> waiters, long deadline)
            throws InterruptedException {
        while (w.state.get() == WAITING) {
            if (Thread.interrupted()) {
                giveUp(w, waiters);
                throw new InterruptedException();
            }
            long left = deadline - System.nanoTime();
            if (deadline != Long.MAX_VALUE && left <= 0) {
                giveUp(w, waiters);
                return false;
            }
            if (deadline == Long.MAX_VALUE) {
                LockSupport.park(w);
            } else {
                LockSupport.parkNanos(w, left);
            }
        }
        return true;
    }

    private static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long now = System.nanoTime();
        long nanos = timeout.isNegative() ? 0 : timeout.compareTo(Duration.ofDays(365 * 100)) > 0
                ? Long.MAX_VALUE / 4 : timeout.toNanos();
        return now + nanos;
    }

    private static void checkPlainThread(String what, String asyncForm) {
        EventLoop loop = Joins.runningLoop();
        if (loop != null) {
            throw new IllegalStateException(what + " would block the thread of " + loop + "; a task uses "
                    + asyncForm);
        }
    }

    // ---- state --------------------------------------------------------------------------------

    /**
     * Stops the queue; asyncio's {@code Queue.shutdown()} (3.13, {@code immediate=False}): puts
     * raise {@link QueueShutDown} from now on, gets drain what is left and then raise it; every
     * waiting task and thread is woken. Idempotent. Never waits.
     */
    public void shutdown() {
        shutdown = true;
        for (Waiter w; (w = getters.poll()) != null; ) {
            w.wake();
        }
        for (Waiter w; (w = putters.poll()) != null; ) {
            w.wake();
        }
    }

    /**
     * Tells whether {@link #shutdown()} was called.
     *
     * @return the flag
     */
    public boolean isShutDown() {
        return shutdown;
    }

    /**
     * Returns the number of items, counting puts under way; asyncio's {@code qsize()}.
     * Stale as soon as read when others use the queue.
     *
     * @return the size
     */
    public int qsize() {
        return count.get();
    }

    /**
     * Tells whether the queue holds no item; asyncio's {@code empty()}.
     *
     * @return {@code true} if empty
     */
    public boolean empty() {
        return items.isEmpty();
    }

    /**
     * Tells whether the queue holds {@code maxsize} items; asyncio's {@code full()}. Never
     * true for an unbounded queue.
     *
     * @return {@code true} if full
     */
    public boolean full() {
        return maxsize > 0 && count.get() >= maxsize;
    }

    /**
     * Returns the bound.
     *
     * @return the maximum size, or 0 for unbounded
     */
    public int maxsize() {
        return maxsize;
    }

    /**
     * Returns a snapshot of the queue's state, as {@link org.jasyncio.queues.Queue#statistics()}
     * does. Thread-safe; each figure is read separately, so under concurrent use they may not
     * describe one instant.
     *
     * @return the sizes and the waiting tasks and threads
     */
    public Statistics statistics() {
        return new Statistics(count.get(), maxsize, getters.size(), putters.size(), shutdown);
    }

    /**
     * The state of a {@link ThreadsafeQueue}.
     *
     * @param size the items, counting puts under way ({@link #qsize()})
     * @param maxsize the capacity, 0 when unbounded
     * @param getters tasks and threads waiting in a get
     * @param putters tasks and threads waiting in a put
     * @param shutdown whether {@link #shutdown()} was called
     */
    public record Statistics(int size, int maxsize, int getters, int putters, boolean shutdown) {}

    @Override
    public String toString() {
        return "<ThreadsafeQueue maxsize=" + maxsize + " qsize=" + qsize() + (shutdown ? " shut down" : "") + ">";
    }
}
