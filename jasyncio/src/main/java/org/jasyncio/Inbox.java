package org.jasyncio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The loop's one way in from other threads: a multi-producer, single-consumer inbox of
 * callbacks posted with {@code callSoonThreadsafe}, task continuations that JDK threads unpark,
 * and the loop's own requests ({@code stop()}, a keyboard interrupt).
 *
 * <p>Producers push onto a lock-free stack with one CAS; the loop takes the whole stack with one
 * swap and reverses it, so each producer's items keep their order. {@link #push} never blocks.
 * {@link #close()} swaps in a terminal marker in the same CAS sequence: a push either lands
 * before it (and {@code close()} hands the item back to be run) or fails (and its caller gets an
 * error); no item is accepted and then dropped. The happens-before of the CAS publishes the item.
 */
final class Inbox {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(Inbox.class, "head", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        final ReadyItem item;
        Node next;

        Node(ReadyItem item) {
            this.item = item;
        }
    }

    /** The head once the inbox is closed. */
    private static final Node CLOSED = new Node(null);

    @SuppressWarnings("unused") // accessed through HEAD
    private volatile Node head;

    /**
     * Adds an item; thread-safe, lock-free.
     *
     * @return false if the inbox is closed (the item was not taken)
     */
    boolean push(ReadyItem item) {
        Node n = new Node(item);
        Node h;
        do {
            h = head;
            if (h == CLOSED) {
                return false;
            }
            n.next = h;
        } while (!HEAD.weakCompareAndSet(this, h, n));
        return true;
    }

    boolean isEmpty() {
        Node h = head;
        return h == null || h == CLOSED;
    }

    /** Moves every item, oldest first, to the end of {@code out}; loop thread only. */
    int drainTo(ReadyQueue out) {
        Node n;
        do {
            n = head;
            if (n == null || n == CLOSED) {
                return 0;
            }
        } while (!HEAD.weakCompareAndSet(this, n, null));
        return appendReversed(n, out);
    }

    /**
     * Closes the inbox: later pushes fail. The items accepted before are moved, oldest first,
     * to the end of {@code out}; loop thread only (the loop is not running).
     */
    int close(ReadyQueue out) {
        Node n = (Node) HEAD.getAndSet(this, CLOSED);
        if (n == null || n == CLOSED) {
            return 0;
        }
        return appendReversed(n, out);
    }

    private static int appendReversed(Node n, ReadyQueue out) {
        Node prev = null;
        while (n != null) {
            Node next = n.next;
            n.next = prev;
            prev = n;
            n = next;
        }
        int count = 0;
        for (Node m = prev; m != null; m = m.next) {
            out.addLast(m.item);
            count++;
        }
        return count;
    }
}
