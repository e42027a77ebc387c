package org.jasyncio.queues;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that returns its smallest item first; asyncio's
 * {@code asyncio.PriorityQueue}. Items are ordered by a {@link Comparator}, or by their
 * natural order ({@link Comparable}) when none is given; items that compare equal come out
 * in no particular order (a binary heap, as asyncio's {@code heapq}). Everything else
 * (capacity, the four forms, {@code taskDone}/{@code join}, shutdown, fairness among
 * waiting tasks, cancellation, threading) is as in {@link Queue}.
 *
 * <pre>{@code
 * record Job(int priority, String name) {}
 * var jobs = new PriorityQueue<Job>(0, Comparator.comparingInt(Job::priority));
 * jobs.putNowait(new Job(5, "later"));
 * jobs.putNowait(new Job(1, "urgent"));
 * jobs.getNowait().name();   // "urgent"
 * }</pre>
 *
 * <p>Without a comparator, an item that is not {@link Comparable}, or that cannot be
 * compared with the items already queued, is rejected with {@link ClassCastException}
 * before anything changes.
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
public final class PriorityQueue<E> extends Queue<E> {
    private final Comparator<? super E> comparator;

    /** Creates an unbounded queue of {@link Comparable} items, smallest first. */
    public PriorityQueue() {
        this(0, null);
    }

    /**
     * Creates a queue of {@link Comparable} items, smallest first, that holds at most
     * {@code maxsize} items.
     *
     * @param maxsize the capacity; 0 or less means unbounded
     */
    public PriorityQueue(int maxsize) {
        this(maxsize, null);
    }

    /**
     * Creates a queue whose items are ordered by {@code comparator}, smallest first.
     *
     * @param maxsize the capacity; 0 or less means unbounded
     * @param comparator the order, or {@code null} for the items' natural order
     */
    public PriorityQueue(int maxsize, Comparator<? super E> comparator) {
        super(maxsize, new java.util.PriorityQueue<>(comparator));
        this.comparator = comparator;
    }

    /**
     * Returns the order of the items.
     *
     * @return the comparator, or {@code null} for the natural order
     */
    public Comparator<? super E> comparator() {
        return comparator;
    }

    @Override
    @SuppressWarnings("unchecked")
    void checkItem(E item) {
        // java.util.PriorityQueue can be left inconsistent by a comparison that throws
        // half-way up the heap: compare with the head first, so a bad item fails early.
        E head = items().peek();
        if (comparator != null) {
            if (head != null) {
                comparator.compare(item, head);
            }
            return;
        }
        if (!(item instanceof Comparable<?> c)) {
            throw new ClassCastException(item.getClass().getName() + " is not Comparable and the PriorityQueue"
                    + " has no comparator");
        }
        if (head != null) {
            ((Comparable<Object>) c).compareTo(Objects.requireNonNull(head));
        }
    }
}
