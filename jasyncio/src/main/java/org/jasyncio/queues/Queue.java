package org.jasyncio.queues;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Timeout;
import org.jasyncio.TimeoutError;
import org.jasyncio.internal.LoopBinder;
import org.jasyncio.internal.Waits;
import org.jasyncio.locks.Event;

/**
 * A first-in first-out queue for handing items between tasks; asyncio's
 * {@code asyncio.Queue}.
 *
 * <p>A queue with a {@code maxsize} above 0 holds at most that many items: {@link #put}
 * suspends while it is full. {@link #get} suspends while it is empty. Every operation comes
 * in the four forms of {@link java.util.concurrent.BlockingQueue}:
 *
 * <table class="striped">
 * <caption>The four forms of each queue operation</caption>
 * <thead>
 * <tr><td></td><th scope="col">Throws exception</th><th scope="col">Special value</th>
 *     <th scope="col">Suspends</th><th scope="col">Times out</th></tr>
 * </thead>
 * <tbody>
 * <tr><th scope="row">Insert</th><td>{@link #putNowait putNowait(e)}</td>
 *     <td>{@link #offer(Object) offer(e)}</td><td>{@link #put put(e)}</td>
 *     <td>{@link #offer(Object, double) offer(e, timeout)}</td></tr>
 * <tr><th scope="row">Remove</th><td>{@link #getNowait()}</td><td>{@link #poll()}</td>
 *     <td>{@link #get()}</td><td>{@link #poll(double) poll(timeout)}</td></tr>
 * </tbody>
 * </table>
 *
 * <p>"Throws" means {@link QueueFull} / {@link QueueEmpty}; the special values are
 * {@code false} / {@code null}. Only the suspending and timed forms must run inside a task;
 * the others never suspend and may also be called from loop callbacks, or before the loop
 * runs. Items may not be {@code null} (as in every {@code java.util.concurrent} queue), so a
 * {@code null} from {@code poll} always means "no item".
 *
 * <pre>{@code
 * Queue<String> jobs = new Queue<>(100);
 * createTask(() -> { for (String url : urls) jobs.put(url); jobs.shutdown(); });
 * try {
 *     while (true) { fetch(jobs.get()); jobs.taskDone(); }
 * } catch (QueueShutDown done) {
 *     // the producer is finished and the queue is drained
 * }
 * }</pre>
 *
 * <h2>Counting work: taskDone and join</h2>
 * Every item put raises a count of unfinished tasks; {@link #taskDone()} lowers it, and
 * {@link #join()} waits until it reaches zero: "every item put has been processed".
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(boolean)} (Python 3.13) makes later puts throw {@link QueueShutDown} and
 * wakes the tasks waiting to put with it. Gets go on until the queue is empty, then throw
 * {@code QueueShutDown}; an immediate shutdown drops the items (counting each as done, which
 * may release {@code join()}) so that gets throw at once.
 *
 * <h2>Fairness</h2>
 * Tasks waiting in {@code get()} are served first-in first-out, as are tasks waiting in
 * {@code put()}; a task that calls {@code get()} while others wait queues behind them even
 * if an item has just arrived for the first waiter (likewise for {@code put()} and a free
 * slot). The non-suspending forms ({@code getNowait}, {@code putNowait}, {@code poll},
 * {@code offer}) take whatever is there, as in asyncio: a woken waiter that finds its item
 * or slot taken waits again, keeping its place at the head of the line.
 *
 * <h2>Cancellation</h2>
 * {@code get()} and {@code put()} are cancel-safe: if the task is cancelled, no item was
 * removed or added. A getter cancelled after an item arrived for it leaves the item in the
 * queue and passes its turn to the next getter, so the item is not lost (CPython's
 * {@code test_get_cancel_drop_one_pending_reader}); a putter cancelled after a slot freed
 * up for it passes the slot on.
 *
 * <h2>Threads and loops</h2>
 * Loop-affine: the queue binds to the loop of the first task that suspends on it; a call
 * from a task of another loop, or from another thread while that loop runs, throws
 * {@link IllegalStateException}. From another thread, use
 * {@code loop.callSoonThreadsafe(() -> queue.putNowait(x))}. Memory consistency: all calls
 * run on the loop thread, so what a task did before putting an item is visible to the task
 * that gets it.
 *
 * @param <E> the type of the items
 * @since 0.1
 */
public sealed class Queue<E> permits PriorityQueue, LifoQueue {
    private static final int REPR_ITEMS = 10;

    private final int maxsize;
    private final java.util.Queue<E> items;
    private final ArrayDeque<Waiter> getters = new ArrayDeque<>();
    private final ArrayDeque<Waiter> putters = new ArrayDeque<>();
    /** Getters (putters) woken for an item (a slot) or by shutdown that have not run yet. */
    private int gettersWoken;
    private int puttersWoken;
    private int unfinished;
    private final Event finished = new Event();
    private boolean shutdown;
    private final LoopBinder binder = new LoopBinder(this);

    /** Creates an unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * Creates a queue that holds at most {@code maxsize} items; asyncio's
     * {@code Queue(maxsize)}.
     *
     * @param maxsize the capacity; 0 or less means unbounded, as in asyncio
     */
    public Queue(int maxsize) {
        this(maxsize, new ArrayDeque<>());
    }

    Queue(int maxsize, java.util.Queue<E> items) {
        this.maxsize = Math.max(0, maxsize);
        this.items = items;
        finished.set();
    }

    // ---- state ----------------------------------------------------------------------

    /**
     * Returns the number of items in the queue; asyncio's {@code qsize()}. Items that woken
     * getters have not taken yet are counted.
     *
     * @return the number of items
     */
    public int qsize() {
        return items.size();
    }

    /**
     * Returns the capacity; asyncio's {@code maxsize}.
     *
     * @return the most items the queue holds, or 0 when unbounded
     */
    public int maxsize() {
        return maxsize;
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
     * Tells whether the queue holds {@code maxsize} items; asyncio's {@code full()}. An
     * unbounded queue is never full.
     *
     * @return {@code true} if full
     */
    public boolean full() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    private int free() {
        return maxsize == 0 ? Integer.MAX_VALUE : maxsize - items.size();
    }

    // ---- insert ---------------------------------------------------------------------

    /**
     * Puts {@code item} at the tail, suspending the calling task while the queue is full;
     * asyncio's {@code put()}. Returns at once, without suspending, when a slot is free and
     * no other task waits to put.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: if the task is cancelled, the item was not put, and a slot freed up for
     * this task passes to the next waiting putter.
     *
     * @param item the item; not {@code null}
     * @throws QueueShutDown if the queue is shut down, or is shut down while waiting
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws NullPointerException if {@code item} is {@code null}
     * @throws ClassCastException for a {@link PriorityQueue} without a comparator, if the
     *         item cannot be compared with the items in it
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public void put(E item) {
        Objects.requireNonNull(item, "item");
        EventLoop loop = binder.bind("Queue.put()");
        checkItem(item);
        if (shutdown) {
            throw shutDown();
        }
        if (free() > puttersWoken) {
            putNow(item);
            return;
        }
        Waiter w = new Waiter(loop.createFuture());
        putters.addLast(w);
        while (true) {
            try {
                Waits.await(w.fut);
            } catch (Throwable t) {
                putters.remove(w);
                if (w.fut.done() && !w.fut.cancelled()) {
                    // A slot freed up for us, but we are cancelled: pass it on.
                    puttersWoken--;
                    wakePutters();
                }
                throw t;
            }
            puttersWoken--;
            if (shutdown) {
                putters.remove(w);
                throw shutDown();
            }
            if (!full()) {
                putters.remove(w);
                putNow(item);
                return;
            }
            // A putNowait took the slot: wait again, keeping our place in line.
            w.fut = loop.createFuture();
        }
    }

    /**
     * Puts {@code item} at the tail if a slot is free, without suspending; asyncio's
     * {@code put_nowait()}.
     *
     * @param item the item; not {@code null}
     * @throws QueueFull if the queue holds {@code maxsize} items
     * @throws QueueShutDown if the queue is shut down
     * @throws NullPointerException if {@code item} is {@code null}
     * @throws ClassCastException for a {@link PriorityQueue} without a comparator, if the
     *         item cannot be compared with the items in it
     * @throws IllegalStateException if called from another thread while the queue's loop runs
     */
    public void putNowait(E item) {
        if (!offer(item)) {
            throw new QueueFull("queue is full (maxsize=" + maxsize + "): " + this);
        }
    }

    /**
     * Puts {@code item} at the tail if a slot is free, without suspending; the
     * special-value form of {@link #putNowait}, as
     * {@link java.util.concurrent.BlockingQueue#offer(Object)}.
     *
     * @param item the item; not {@code null}
     * @return {@code true} if the item was put, {@code false} if the queue is full
     * @throws QueueShutDown if the queue is shut down
     * @throws NullPointerException if {@code item} is {@code null}
     * @throws ClassCastException for a {@link PriorityQueue} without a comparator, if the
     *         item cannot be compared with the items in it
     * @throws IllegalStateException if called from another thread while the queue's loop runs
     */
    public boolean offer(E item) {
        Objects.requireNonNull(item, "item");
        binder.check("Queue.putNowait()");
        checkItem(item);
        if (shutdown) {
            throw shutDown();
        }
        if (full()) {
            return false;
        }
        putNow(item);
        return true;
    }

    /**
     * Puts {@code item} at the tail, suspending the calling task at most {@code timeout}
     * seconds while the queue is full; the timed form of {@link #put}, as
     * {@link java.util.concurrent.BlockingQueue#offer(Object, long, java.util.concurrent.TimeUnit)}.
     * With a timeout of 0 this is {@link #offer(Object)}, except that it needs a task.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe, as {@link #put}: if the task is cancelled or the time runs out, the item
     * was not put.
     *
     * @param item the item; not {@code null}
     * @param timeout seconds, at least 0; {@code Double.POSITIVE_INFINITY} waits as long as needed
     * @return {@code true} if the item was put, {@code false} if the time ran out first
     * @throws QueueShutDown if the queue is shut down, or is shut down while waiting
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalArgumentException if {@code timeout} is negative or NaN
     * @throws NullPointerException if {@code item} is {@code null}
     * @throws ClassCastException as {@link #put}
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public boolean offer(E item, double timeout) {
        Objects.requireNonNull(item, "item");
        checkSeconds(timeout);
        binder.bind("Queue.offer()");
        checkItem(item);
        if (shutdown) {
            throw shutDown();
        }
        if (free() > puttersWoken) {
            putNow(item);
            return true;
        }
        if (timeout == 0) {
            return false;
        }
        Timeout scope = Asyncio.timeout(timeout);
        try (scope) {
            put(item);
            return true;
        } catch (TimeoutError e) {
            if (scope.expired()) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Puts {@code item}, waiting at most {@code timeout}; see {@link #offer(Object, double)}.
     *
     * @param item the item; not {@code null}
     * @param timeout how long to wait, not negative
     * @return {@code true} if the item was put, {@code false} if the time ran out first
     * @throws QueueShutDown if the queue is shut down, or is shut down while waiting
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if {@code item} or {@code timeout} is {@code null}
     * @throws ClassCastException as {@link #put}
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public boolean offer(E item, Duration timeout) {
        return offer(item, seconds(timeout));
    }

    // ---- remove ---------------------------------------------------------------------

    /**
     * Removes and returns the item at the head, suspending the calling task while the queue
     * is empty; asyncio's {@code get()}. Returns at once, without suspending, when an item is
     * there that no waiting getter was woken for.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: if the task is cancelled, no item was removed; an item that arrived for
     * this task stays in the queue and the next waiting getter is woken for it.
     *
     * @return the item
     * @throws QueueShutDown if the queue is shut down and empty, or becomes so while waiting
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public E get() {
        EventLoop loop = binder.bind("Queue.get()");
        if (items.size() > gettersWoken) {
            return takeNow();
        }
        if (shutdown && items.isEmpty()) {
            throw shutDown();
        }
        Waiter w = new Waiter(loop.createFuture());
        getters.addLast(w);
        while (true) {
            try {
                Waits.await(w.fut);
            } catch (Throwable t) {
                getters.remove(w);
                if (w.fut.done() && !w.fut.cancelled()) {
                    // An item arrived for us, but we are cancelled: it stays queued for the next getter.
                    gettersWoken--;
                    wakeGetters();
                }
                throw t;
            }
            gettersWoken--;
            if (!items.isEmpty()) {
                getters.remove(w);
                return takeNow();
            }
            if (shutdown) {
                getters.remove(w);
                throw shutDown();
            }
            // A getNowait took the item: wait again, keeping our place in line.
            w.fut = loop.createFuture();
        }
    }

    /**
     * Removes and returns the item at the head if there is one, without suspending;
     * asyncio's {@code get_nowait()}.
     *
     * @return the item
     * @throws QueueEmpty if the queue is empty
     * @throws QueueShutDown if the queue is empty and shut down
     * @throws IllegalStateException if called from another thread while the queue's loop runs
     */
    public E getNowait() {
        E item = poll();
        if (item == null) {
            throw new QueueEmpty("queue is empty: " + this);
        }
        return item;
    }

    /**
     * Removes and returns the item at the head if there is one, without suspending; the
     * special-value form of {@link #getNowait()}, as {@link java.util.Queue#poll()}.
     *
     * @return the item, or {@code null} if the queue is empty
     * @throws QueueShutDown if the queue is empty and shut down
     * @throws IllegalStateException if called from another thread while the queue's loop runs
     */
    public E poll() {
        binder.check("Queue.getNowait()");
        if (items.isEmpty()) {
            if (shutdown) {
                throw shutDown();
            }
            return null;
        }
        return takeNow();
    }

    /**
     * Removes and returns the item at the head, suspending the calling task at most
     * {@code timeout} seconds while the queue is empty; the timed form of {@link #get()},
     * as {@link java.util.concurrent.BlockingQueue#poll(long, java.util.concurrent.TimeUnit)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe, as {@link #get()}: if the task is cancelled or the time runs out, no item
     * was removed.
     *
     * @param timeout seconds, at least 0; {@code Double.POSITIVE_INFINITY} waits as long as needed
     * @return the item, or {@code null} if the time ran out first
     * @throws QueueShutDown if the queue is shut down and empty, or becomes so while waiting
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalArgumentException if {@code timeout} is negative or NaN
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public E poll(double timeout) {
        checkSeconds(timeout);
        binder.bind("Queue.poll()");
        if (items.size() > gettersWoken) {
            return takeNow();
        }
        if (shutdown && items.isEmpty()) {
            throw shutDown();
        }
        if (timeout == 0) {
            return null;
        }
        Timeout scope = Asyncio.timeout(timeout);
        try (scope) {
            return get();
        } catch (TimeoutError e) {
            if (scope.expired()) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Removes and returns the head, waiting at most {@code timeout}; see {@link #poll(double)}.
     *
     * @param timeout how long to wait, not negative
     * @return the item, or {@code null} if the time ran out first
     * @throws QueueShutDown if the queue is shut down and empty, or becomes so while waiting
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException if {@code timeout} is {@code null}
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public E poll(Duration timeout) {
        return poll(seconds(timeout));
    }

    // ---- unfinished tasks -------------------------------------------------------------

    /**
     * Marks one item taken from the queue as processed; asyncio's {@code task_done()}. When
     * every item put has been marked, {@link #join()} returns. Never suspends.
     *
     * @throws IllegalStateException if called more times than items were put (asyncio's
     *         {@code ValueError}), or from another thread while the queue's loop runs
     */
    public void taskDone() {
        binder.check("Queue.taskDone()");
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called too many times: " + this);
        }
        if (--unfinished == 0) {
            finished.set();
        }
    }

    /**
     * Waits until every item put has been marked with {@link #taskDone()}; asyncio's
     * {@code join()}. Returns at once if none is unfinished.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled join changes nothing.
     *
     * @throws CancelledError if the calling task is cancelled while waiting
     * @throws IllegalStateException if called outside a task, or from a task of another loop
     */
    public void join() {
        binder.bind("Queue.join()");
        if (unfinished > 0) {
            finished.await();
        }
    }

    // ---- shutdown -------------------------------------------------------------------

    /**
     * Shuts the queue down, letting getters drain it; {@code shutdown(false)}.
     *
     * @throws IllegalStateException if called from another thread while the queue's loop runs
     */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down; asyncio's {@code shutdown(immediate)} (Python 3.13). From now
     * on puts throw {@link QueueShutDown}, and so do gets once the queue is empty. Tasks
     * waiting in {@code put()} are woken with {@code QueueShutDown}, and so are tasks waiting
     * in {@code get()} (the queue is empty when they wait). With {@code immediate}, the items
     * still queued are dropped and each is counted as done ({@link #taskDone()}), which
     * releases {@link #join()} when nothing else is unfinished. Never suspends; calling it
     * again (for example with {@code immediate} after a graceful shutdown) is allowed.
     *
     * @param immediate drop the queued items instead of letting getters drain them
     * @throws IllegalStateException if called from another thread while the queue's loop runs
     */
    public void shutdown(boolean immediate) {
        binder.check("Queue.shutdown()");
        shutdown = true;
        if (immediate) {
            while (items.poll() != null) {
                if (unfinished > 0) {
                    unfinished--;
                }
            }
            if (unfinished == 0) {
                finished.set();
            }
        }
        gettersWoken += wakeAll(getters);
        puttersWoken += wakeAll(putters);
    }

    // ---- introspection --------------------------------------------------------------

    /**
     * Returns a snapshot of the queue's state.
     *
     * @return the sizes, waiting tasks and unfinished count
     */
    public Statistics statistics() {
        return new Statistics(items.size(), maxsize, getters.size(), putters.size(), unfinished, shutdown);
    }

    /**
     * The state of a {@link Queue} at one moment.
     *
     * @param size the items in the queue ({@link #qsize()})
     * @param maxsize the capacity, 0 when unbounded
     * @param getters tasks inside {@link #get()} (waiting, or woken and not yet run)
     * @param putters tasks inside {@link #put} (waiting, or woken and not yet run)
     * @param unfinishedTasks items put and not yet marked with {@link #taskDone()}
     * @param shutdown whether {@link #shutdown(boolean)} was called
     */
    public record Statistics(int size, int maxsize, int getters, int putters, int unfinishedTasks, boolean shutdown) {}

    /**
     * Returns asyncio's repr of a queue, for example
     * {@code <Queue at 0x1b6d3586 maxsize=10 _queue=[1, 2] _getters[1] tasks=2>}; at most
     * the first ten items are shown.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName()).append(" at 0x")
                .append(Integer.toHexString(System.identityHashCode(this))).append(" maxsize=").append(maxsize);
        if (!items.isEmpty()) {
            sb.append(" _queue=[");
            Iterator<E> it = items.iterator();
            for (int i = 0; it.hasNext(); i++) {
                if (i == REPR_ITEMS) {
                    sb.append(", ...");
                    break;
                }
                sb.append(i == 0 ? "" : ", ").append(it.next());
            }
            sb.append(']');
        }
        if (!getters.isEmpty()) {
            sb.append(" _getters[").append(getters.size()).append(']');
        }
        if (!putters.isEmpty()) {
            sb.append(" _putters[").append(putters.size()).append(']');
        }
        if (unfinished != 0) {
            sb.append(" tasks=").append(unfinished);
        }
        if (shutdown) {
            sb.append(" shutdown");
        }
        return sb.append('>').toString();
    }

    // ---- internals ------------------------------------------------------------------

    /** Rejects an item the storage cannot hold; {@link PriorityQueue} checks comparability. */
    void checkItem(E item) {
    }

    /** The storage, for subclasses' checks. */
    final java.util.Queue<E> items() {
        return items;
    }

    private void putNow(E item) {
        items.offer(item);
        if (unfinished++ == 0) {
            finished.clear();
        }
        wakeGetters();
    }

    private E takeNow() {
        E item = items.poll();
        if (shutdown && items.isEmpty()) {
            // Drained after a shutdown: getters still waiting for an item will get none.
            gettersWoken += wakeAll(getters);
        }
        wakePutters();
        return item;
    }

    /** Wakes waiting getters until every item not yet promised has one (FIFO). */
    private void wakeGetters() {
        if (getters.size() == gettersWoken) {
            return;
        }
        int need = items.size() - gettersWoken;
        for (Iterator<Waiter> it = getters.iterator(); need > 0 && it.hasNext(); ) {
            Future<Void> f = it.next().fut;
            if (!f.done()) {
                f.setResult(null);
                gettersWoken++;
                need--;
            }
        }
    }

    /** Wakes waiting putters until every free slot not yet promised has one (FIFO). */
    private void wakePutters() {
        if (putters.size() == puttersWoken) {
            return;
        }
        int need = free() - puttersWoken;
        for (Iterator<Waiter> it = putters.iterator(); need > 0 && it.hasNext(); ) {
            Future<Void> f = it.next().fut;
            if (!f.done()) {
                f.setResult(null);
                puttersWoken++;
                need--;
            }
        }
    }

    private static int wakeAll(ArrayDeque<Waiter> waiters) {
        int n = 0;
        for (Waiter w : waiters) {
            if (!w.fut.done()) {
                w.fut.setResult(null);
                n++;
            }
        }
        return n;
    }

    private QueueShutDown shutDown() {
        return new QueueShutDown("queue is shut down: " + this);
    }

    private static void checkSeconds(double timeout) {
        if (Double.isNaN(timeout) || timeout < 0) {
            throw new IllegalArgumentException("timeout must be a number of seconds >= 0, got " + timeout);
        }
    }

    private static double seconds(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + d);
        }
        return d.getSeconds() + d.getNano() / 1e9;
    }

    /** A task waiting in get() or put(); its future is replaced when it waits again. */
    private static final class Waiter {
        Future<Void> fut;

        Waiter(Future<Void> fut) {
            this.fut = fut;
        }
    }
}
