package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The loop's inbox: FIFO per producer, lock-free, and no item accepted then dropped at close. */
class InboxTest {

    /** A ready item that records its number when run. */
    private static final class Item extends ReadyItem {
        final int n;
        final List<Integer> out;

        Item(int n, List<Integer> out) {
            this.n = n;
            this.out = out;
        }

        @Override
        void runReady() {
            out.add(n);
        }
    }

    private static List<Integer> runAll(ReadyQueue q) {
        List<Integer> out = new ArrayList<>();
        for (ReadyItem i; (i = q.poll()) != null; ) {
            out.add(((Item) i).n);
        }
        return out;
    }

    @Test
    void drainKeepsArrivalOrder() {
        Inbox in = new Inbox();
        List<Integer> sink = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            assertTrue(in.push(new Item(i, sink)));
        }
        ReadyQueue q = new ReadyQueue();
        assertEquals(5, in.drainTo(q));
        assertEquals(List.of(0, 1, 2, 3, 4), runAll(q));
        assertTrue(in.isEmpty());
        assertEquals(0, in.drainTo(q));
    }

    @Test
    void pushAfterCloseFailsAndCloseHandsBackWhatWasAccepted() {
        Inbox in = new Inbox();
        List<Integer> sink = new ArrayList<>();
        in.push(new Item(1, sink));
        in.push(new Item(2, sink));
        ReadyQueue q = new ReadyQueue();
        assertEquals(2, in.close(q));
        assertEquals(List.of(1, 2), runAll(q));
        assertFalse(in.push(new Item(3, sink)));
        assertTrue(in.isEmpty());
        assertEquals(0, in.drainTo(q));
        assertEquals(0, in.close(q));
    }

    @Test
    void concurrentProducersRacingCloseLoseNothing() throws Exception {
        // Every push that returned true is handed back by a drain or by close(): none is lost.
        Inbox in = new Inbox();
        int producers = 8;
        AtomicInteger accepted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Thread t = Thread.ofPlatform().start(() -> {
                List<Integer> sink = new ArrayList<>();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200_000; i++) {
                    if (!in.push(new Item(i, sink))) {
                        return;
                    }
                    accepted.incrementAndGet();
                }
            });
            threads.add(t);
        }
        ReadyQueue q = new ReadyQueue();
        int taken = 0;
        start.countDown();
        for (int round = 0; round < 50; round++) {
            taken += in.drainTo(q);
            q.clear();
            Thread.onSpinWait();
        }
        taken += in.close(q);
        q.clear();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(accepted.get(), taken);
    }
}
