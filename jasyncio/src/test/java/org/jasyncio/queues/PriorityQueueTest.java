package org.jasyncio.queues;

import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PriorityQueue}: the contract, priority order (test_queues.PriorityQueueTests), comparators. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PriorityQueueTest extends QueueContractTest {
    @Override
    <E> Queue<E> newQueue(int maxsize) {
        return new PriorityQueue<>(maxsize);
    }

    @Test
    void order() throws Exception {
        // test_queues.PriorityQueueTests.test_order
        runVirtual(() -> {
            PriorityQueue<Integer> q = new PriorityQueue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                items.add(q.get());
            }
            assertEquals(List.of(1, 2, 3), items);
        });
    }

    record Job(int priority, String name) {}

    @Test
    void comparator() {
        PriorityQueue<Job> q = new PriorityQueue<>(0, Comparator.comparingInt(Job::priority).reversed());
        q.putNowait(new Job(1, "low"));
        q.putNowait(new Job(9, "high"));
        q.putNowait(new Job(5, "mid"));
        assertEquals("high", q.getNowait().name());
        assertEquals("mid", q.getNowait().name());
        assertEquals("low", q.getNowait().name());
        assertNotNull(q.comparator());
    }

    @Test
    void nonComparableItemsAreRejectedWithoutChange() {
        PriorityQueue<Object> q = new PriorityQueue<>();
        assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
        assertTrue(q.empty());
        q.putNowait(3);
        for (int i = 0; i < 20; i++) {
            q.putNowait(i);
        }
        assertThrows(ClassCastException.class, () -> q.putNowait("a string"));
        assertEquals(21, q.qsize());
        assertEquals(21, q.statistics().unfinishedTasks());
        List<Object> out = new ArrayList<>();
        while (!q.empty()) {
            out.add(q.getNowait());
        }
        List<Object> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingInt(o -> (Integer) o));
        assertEquals(sorted, out, "the heap is still consistent");
    }
}
