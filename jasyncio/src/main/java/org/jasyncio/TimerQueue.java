package org.jasyncio;

import java.util.Arrays;

/**
 * A binary min-heap of timers ordered by deadline, then by scheduling order, so that
 * timers with equal deadlines run FIFO. Cancelled timers stay until they reach the top
 * or until {@link #compact()} rebuilds the heap. Loop thread only.
 */
final class TimerQueue {
    /** Below this many timers, cancelled ones are left to reach the top. */
    private static final int MIN_SCHEDULED_TIMERS = 100;

    private TimerHandle[] heap = new TimerHandle[64];
    private int size;
    /** Cancelled timers still in the heap (asyncio's _timer_cancelled_count). */
    private int cancelledCount;
    /** Scheduling order, for FIFO among equal deadlines. */
    private long seq;

    long nextSeq() {
        return seq++;
    }

    /** A scheduled timer was cancelled: it stays until tidied away. */
    void cancelled() {
        cancelledCount++;
    }

    /**
     * Drops cancelled timers: rebuilds the heap when they are more than half of many, else
     * pops those at the top (asyncio's _run_once does the same).
     */
    void tidy() {
        if (size > MIN_SCHEDULED_TIMERS && cancelledCount * 2 > size) {
            compact();
            cancelledCount = 0;
            return;
        }
        while (size > 0 && heap[0].cancelled()) {
            poll().scheduled = false;
            cancelledCount = Math.max(0, cancelledCount - 1);
        }
    }

    /** Moves the timers due at {@code now} to the end of {@code ready}, in deadline order. */
    void moveDue(long now, ReadyQueue ready) {
        TimerHandle h;
        while ((h = peek()) != null && h.deadline <= now) {
            poll();
            h.scheduled = false;
            if (h.cancelled()) {
                cancelledCount = Math.max(0, cancelledCount - 1);
            } else {
                ready.addLast(h);
            }
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    TimerHandle peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerHandle h) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerHandle p = heap[parent];
            if (h.compareSchedule(p) >= 0) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = h;
    }

    TimerHandle poll() {
        if (size == 0) {
            return null;
        }
        TimerHandle top = heap[0];
        TimerHandle last = heap[--size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0, last);
        }
        return top;
    }

    private void siftDown(int i, TimerHandle h) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            TimerHandle c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].compareSchedule(c) < 0) {
                child = right;
                c = heap[child];
            }
            if (h.compareSchedule(c) <= 0) {
                break;
            }
            heap[i] = c;
            i = child;
        }
        heap[i] = h;
    }

    /** Removes every cancelled timer and rebuilds the heap; returns how many were removed. */
    int compact() {
        int j = 0;
        for (int i = 0; i < size; i++) {
            TimerHandle h = heap[i];
            if (h.cancelled()) {
                h.scheduled = false;
            } else {
                heap[j++] = h;
            }
        }
        int removed = size - j;
        Arrays.fill(heap, j, size, null);
        size = j;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, heap[i]);
        }
        return removed;
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].scheduled = false;
        }
        Arrays.fill(heap, 0, size, null);
        size = 0;
    }
}
