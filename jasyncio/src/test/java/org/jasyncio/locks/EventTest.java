package org.jasyncio.locks;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.CancelledError;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Event}: CPython's test_locks.EventTests. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventTest {

    @Test
    void repr() throws Exception {
        // test_locks.EventTests.test_repr
        runVirtual(() -> {
            Event ev = new Event();
            assertTrue(ev.toString().endsWith("[unset]>"), ev.toString());
            assertTrue(LockTest.REPR.matcher(ev.toString()).matches());
            ev.set();
            assertTrue(ev.toString().endsWith("[set]>"));
            ev.clear();
            Task<Boolean> t = createTask(ev::await);
            sleep(0);
            assertTrue(ev.toString().contains("waiters:1"), ev.toString());
            assertTrue(LockTest.REPR.matcher(ev.toString()).matches());
            ev.set();
            t.await();
        });
    }

    @Test
    void await() throws Exception {
        // test_locks.EventTests.test_wait: the task created last (not yet started) runs first
        runVirtual(() -> {
            Event ev = new Event();
            assertFalse(ev.isSet());
            List<Integer> result = new ArrayList<>();
            Task<Void> t1 = createTask(() -> { if (ev.await()) { result.add(1); } });
            Task<Void> t2 = createTask(() -> { if (ev.await()) { result.add(2); } });
            sleep(0);
            assertEquals(List.of(), result);
            Task<Void> t3 = createTask(() -> { if (ev.await()) { result.add(3); } });
            ev.set();
            sleep(0);
            assertEquals(List.of(3, 1, 2), result);
            assertTrue(t1.done() && t2.done() && t3.done());
        });
    }

    @Test
    void awaitOnSet() throws Exception {
        // test_locks.EventTests.test_wait_on_set
        runVirtual(() -> {
            Event ev = new Event();
            ev.set();
            assertTrue(ev.await());
        });
    }

    @Test
    void awaitCancel() throws Exception {
        // test_locks.EventTests.test_wait_cancel
        runVirtual(() -> {
            Event ev = new Event();
            Task<Boolean> wait = createTask(ev::await);
            getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, wait::await);
            assertEquals(new Event.Statistics(false, 0), ev.statistics());
        });
    }

    @Test
    void clear() {
        // test_locks.EventTests.test_clear
        Event ev = new Event();
        assertFalse(ev.isSet());
        ev.set();
        assertTrue(ev.isSet());
        ev.clear();
        assertFalse(ev.isSet());
    }

    @Test
    void clearWithWaiters() throws Exception {
        // test_locks.EventTests.test_clear_with_waiters: a woken waiter returns even if cleared meanwhile
        runVirtual(() -> {
            Event ev = new Event();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = createTask(() -> { if (ev.await()) { result.add(1); } return true; });
            sleep(0);
            assertEquals(List.of(), result);
            ev.set();
            ev.clear();
            assertFalse(ev.isSet());
            ev.set();
            ev.set();
            assertEquals(1, ev.statistics().waiters());
            sleep(0);
            assertEquals(List.of(1), result);
            assertEquals(0, ev.statistics().waiters());
            assertTrue(t.done() && t.result());
        });
    }
}
