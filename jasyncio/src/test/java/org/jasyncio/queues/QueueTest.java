package org.jasyncio.queues;

import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Queue}: the contract, and FIFO order (test_queues.QueueBasicTests.test_order). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QueueTest extends QueueContractTest {
    @Override
    <E> Queue<E> newQueue(int maxsize) {
        return new Queue<>(maxsize);
    }

    @Test
    void order() throws Exception {
        // test_queues.QueueBasicTests.test_order
        runVirtual(() -> {
            Queue<Integer> q = new Queue<>();
            for (int i : new int[] {1, 3, 2}) {
                q.put(i);
            }
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                items.add(q.get());
            }
            assertEquals(List.of(1, 3, 2), items);
        });
    }
}
