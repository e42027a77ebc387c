package org.jasyncio;

/** An intrusive FIFO of {@link ReadyItem}s; loop thread only. */
final class ReadyQueue {
    private ReadyItem head;
    private ReadyItem tail;
    private int size;

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    ReadyItem tail() {
        return tail;
    }

    /** Appends; an item already queued stays where it is. */
    void addLast(ReadyItem item) {
        if (item.queued) {
            return;
        }
        item.queued = true;
        item.nextReady = null;
        if (tail == null) {
            head = item;
        } else {
            tail.nextReady = item;
        }
        tail = item;
        size++;
    }

    /** Prepends; an item already queued stays where it is. */
    void addFirst(ReadyItem item) {
        if (item.queued) {
            return;
        }
        item.queued = true;
        item.nextReady = head;
        head = item;
        if (tail == null) {
            tail = item;
        }
        size++;
    }

    ReadyItem poll() {
        ReadyItem h = head;
        if (h == null) {
            return null;
        }
        head = h.nextReady;
        if (head == null) {
            tail = null;
        }
        h.nextReady = null;
        h.queued = false;
        size--;
        return h;
    }

    void clear() {
        while (poll() != null) {
            // unlink everything so items can be queued again
        }
    }
}
