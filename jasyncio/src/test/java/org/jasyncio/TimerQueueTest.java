package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer heap: deadline order, FIFO among equal deadlines, and tidying cancelled timers. */
class TimerQueueTest {
    private final BaseEventLoop loop = (BaseEventLoop) TestLoops.virtualTimeLoop();

    @AfterEach
    void close() {
        loop.close();
    }

    private TimerHandle timer(TimerQueue q, long deadline, List<Long> fired) {
        TimerHandle h = new TimerHandle(loop, deadline, q.nextSeq(), () -> fired.add(deadline), null);
        h.scheduled = true;
        q.add(h);
        return h;
    }

    private static List<TimerHandle> due(TimerQueue q, long now) {
        ReadyQueue ready = new ReadyQueue();
        q.moveDue(now, ready);
        List<TimerHandle> out = new ArrayList<>();
        for (ReadyItem i; (i = ready.poll()) != null; ) {
            out.add((TimerHandle) i);
        }
        return out;
    }

    @Test
    void timersComeOutInDeadlineOrder() {
        TimerQueue q = new TimerQueue();
        List<Long> fired = new ArrayList<>();
        Random r = new Random(42);
        for (int i = 0; i < 1000; i++) {
            timer(q, r.nextInt(10_000), fired);
        }
        long last = -1;
        for (TimerHandle h : due(q, Long.MAX_VALUE)) {
            assertTrue(h.deadline >= last);
            last = h.deadline;
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void equalDeadlinesRunInSchedulingOrder() {
        TimerQueue q = new TimerQueue();
        List<Long> fired = new ArrayList<>();
        List<TimerHandle> made = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            made.add(timer(q, 7, fired));
        }
        assertEquals(made, due(q, 7));
    }

    @Test
    void onlyDueTimersMove() {
        TimerQueue q = new TimerQueue();
        List<Long> fired = new ArrayList<>();
        timer(q, 5, fired);
        timer(q, 10, fired);
        assertEquals(1, due(q, 9).size());
        assertEquals(1, q.size());
    }

    @Test
    void cancelledTimersAreDroppedNotRun() {
        TimerQueue q = new TimerQueue();
        List<Long> fired = new ArrayList<>();
        TimerHandle a = timer(q, 1, fired);
        timer(q, 2, fired);
        a.cancelNow();
        q.cancelled();
        List<TimerHandle> d = due(q, 10);
        assertEquals(1, d.size());
        assertEquals(2, d.get(0).deadline);
    }

    @Test
    void manyCancelledTimersAreCompacted() {
        TimerQueue q = new TimerQueue();
        List<Long> fired = new ArrayList<>();
        List<TimerHandle> made = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            made.add(timer(q, 1000 - i, fired));
        }
        for (int i = 0; i < 300; i++) {
            made.get(i).cancelNow();
            q.cancelled();
        }
        q.tidy();
        assertEquals(100, q.size());
        long last = -1;
        for (TimerHandle h : due(q, Long.MAX_VALUE)) {
            assertFalse(h.cancelled());
            assertTrue(h.deadline >= last);
            last = h.deadline;
        }
    }
}
