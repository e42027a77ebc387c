package org.jasyncio.queues;

import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LifoQueue}: the contract, and LIFO order (test_queues.LifoQueueTests). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifoQueueTest extends QueueContractTest {
    @Override
    <E> Queue<E> newQueue(int maxsize) {
        return new LifoQueue<>(maxsize);
    }

    @Test
    void order() throws Exception {
        // test_queues.LifoQueueTests.test_order
        runVirtual(() -> {
            LifoQueue<Integer> q = new LifoQueue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                items.add(q.get());
            }
            assertEquals(List.of(2, 3, 1), items);
        });
    }
}
