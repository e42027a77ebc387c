package org.jasyncio.queues;

import java.util.ArrayDeque;
import java.util.Collections;

/**
 * A last-in first-out {@link Queue}: {@code get} returns the item put most recently;
 * asyncio's {@code asyncio.LifoQueue}. Everything else (capacity, the four forms,
 * {@code taskDone}/{@code join}, shutdown, fairness among waiting tasks, cancellation,
 * threading) is as in {@link Queue}.
 *
 * <pre>{@code
 * LifoQueue<Integer> stack = new LifoQueue<>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * stack.getNowait();   // 2
 * }</pre>
 *
 * <p>Its operations come in the four forms of {@link java.util.concurrent.BlockingQueue}:
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
 * @param <E> the type of the items
 * @since 0.1
 */
public final class LifoQueue<E> extends Queue<E> {
    /** Creates an unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /**
     * Creates a LIFO queue that holds at most {@code maxsize} items.
     *
     * @param maxsize the capacity; 0 or less means unbounded
     */
    public LifoQueue(int maxsize) {
        super(maxsize, Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
