package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The intrusive ready queue: FIFO, addFirst, and an item queued at most once. */
class ReadyQueueTest {

    private static final class Item extends ReadyItem {
        final int n;

        Item(int n) {
            this.n = n;
        }

        @Override
        void runReady() {}
    }

    @Test
    void fifoWithAddFirst() {
        ReadyQueue q = new ReadyQueue();
        Item a = new Item(1);
        Item b = new Item(2);
        Item c = new Item(3);
        q.addLast(a);
        q.addLast(b);
        q.addFirst(c);
        assertEquals(3, q.size());
        assertSame(b, q.tail());
        assertSame(c, q.poll());
        assertSame(a, q.poll());
        assertSame(b, q.poll());
        assertNull(q.poll());
        assertTrue(q.isEmpty());
    }

    @Test
    void anItemIsQueuedOnceUntilTaken() {
        ReadyQueue q = new ReadyQueue();
        Item a = new Item(1);
        q.addLast(a);
        q.addLast(a);
        q.addFirst(a);
        assertEquals(1, q.size());
        assertSame(a, q.poll());
        q.addLast(a);
        assertEquals(1, q.size());
        q.clear();
        assertTrue(q.isEmpty());
        q.addLast(a);
        assertSame(a, q.poll());
    }
}
