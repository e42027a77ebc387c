package org.jasyncio;

/** An intrusive FIFO of {@link ReadyItem}s; loop thread only. */
final class ReadyQueue {
    /** What the last queued item links to, so that a queued item never has a null link. */
    static final ReadyItem END = new ReadyItem() {
        @Override
        void runReady() {
            throw new AssertionError("the end marker of the ready queue is never run");
        }
    };

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
        if (item.nextReady != null) {
            return;
        }
        item.nextReady = END;
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
        if (item.nextReady != null) {
            return;
        }
        item.nextReady = head != null ? head : END;
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
        ReadyItem next = h.nextReady;
        if (next == END) {
            head = null;
            tail = null;
        } else {
            head = next;
        }
        h.nextReady = null;
        size--;
        return h;
    }

    void clear() {
        while (poll() != null) {
            // unlink everything so items can be queued again
        }
    }
}
