package org.jasyncio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The loop's multi-producer, single-consumer inbox: callbacks posted from other threads
 * and task continuations submitted by JDK threads (timers, unblockers, pollers).
 *
 * <p>Producers push onto a lock-free stack with one CAS; the loop takes the whole stack
 * with one swap and reverses it, so each producer's items keep their order. {@link #push}
 * never blocks.
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

    @SuppressWarnings("unused") // accessed through HEAD
    private volatile Node head;

    /** Adds an item; thread-safe, lock-free. */
    void push(ReadyItem item) {
        Node n = new Node(item);
        Node h;
        do {
            h = head;
            n.next = h;
        } while (!HEAD.weakCompareAndSet(this, h, n));
    }

    boolean isEmpty() {
        return head == null;
    }

    /** Moves every item, oldest first, to the end of {@code out}; loop thread only. */
    int drainTo(ReadyQueue out) {
        Node n = (Node) HEAD.getAndSet(this, (Node) null);
        if (n == null) {
            return 0;
        }
        // reverse the stack into arrival order
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

    /** Drops everything; used when the loop closes. */
    void clear() {
        HEAD.setVolatile(this, (Node) null);
    }
}
