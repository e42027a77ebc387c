package org.jasyncio;

import java.util.WeakHashMap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A loop's counters behind {@link EventLoop#statistics()}. Counting must not slow the loop:
 * plain fields written by the loop thread only, no allocation, and the clock read only on one
 * iteration in {@link #SAMPLE_EVERY} or after a poll that could sleep (a system call
 * dwarfs it). Loop thread only; other threads get a {@link LoopStatistics} through the inbox.
 */
final class LoopStats {
    /** One iteration in this many has its lag timed (a power of two). */
    static final int SAMPLE_EVERY = 16;
    /** Powers of two 2^3 .. 2^62 nanoseconds, each split in 8; below 8 ns one bucket per value. */
    private static final int BUCKETS = 61 * 8;

    private static final AtomicLong LOOP_IDS = new AtomicLong();

    /** Unique in the JVM, from 1: ps, the MBean and JFR events name loops by it. */
    final long loopId = LOOP_IDS.incrementAndGet();
    long tasksCreated;
    /** The last task id given ({@code Task.id()}). */
    int lastId;
    /** Creation times of the tasks made while a flight recording ran, for TaskFinished's duration; weak keys. */
    final WeakHashMap<Task<?>, Long> createdWhileRecording = new WeakHashMap<>();
    long iterations;
    long callbacksRun;
    /** System.nanoTime() at the last sampled iteration: tasks stamp their suspension with it. */
    long clock = System.nanoTime();
    private final long[] lag = new long[BUCKETS];
    private long lagSamples;
    private long lagMax;

    /** After the poll: should this iteration's batch be timed? */
    boolean sample(long pollTimeout) {
        return (++iterations & (SAMPLE_EVERY - 1)) == 0 || pollTimeout != 0;
    }

    void recordLag(long nanos) {
        if (nanos < 0) {
            nanos = 0;
        }
        lag[bucket(nanos)]++;
        lagSamples++;
        if (nanos > lagMax) {
            lagMax = nanos;
        }
    }

    static int bucket(long v) {
        if (v < 8) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v);
        return (e - 2) * 8 + (int) ((v >>> (e - 3)) & 7);
    }

    /** The middle of bucket {@code i}, in nanoseconds. */
    static double bucketMiddle(int i) {
        if (i < 8) {
            return i;
        }
        int e = i / 8 + 2;
        long low = (8L + i % 8) << (e - 3);
        return low + (1L << (e - 3)) / 2.0;
    }

    /** The {@code p} quantile (0..1) of the sampled lags, in seconds; 0 with no sample. */
    double lagQuantile(double p) {
        if (lagSamples == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * lagSamples));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += lag[i];
            if (seen >= rank) {
                return Math.min(bucketMiddle(i), lagMax) / 1e9;
            }
        }
        return lagMax / 1e9;
    }

    LoopStatistics snapshot(int tasksAlive, int ready, int timers, long wakeups) {
        return new LoopStatistics(tasksAlive, tasksCreated, ready, callbacksRun, iterations, wakeups, timers,
                lagSamples, lagQuantile(0.5), lagQuantile(0.99), lagMax / 1e9);
    }
}
