package org.jasyncio;

/**
 * A snapshot of an event loop's counters and gauges, returned by
 * {@link EventLoop#statistics()}; in the manner of Trio's {@code statistics()} records.
 * asyncio has no such call.
 *
 * <p>Counters count from the loop's creation. The iteration lag is sampled: one loop
 * iteration in {@value LoopStats#SAMPLE_EVERY} (and every iteration that slept in the
 * selector) is timed, so that counting costs the loop nothing measurable. Immutable and
 * thread-safe.
 *
 * @param tasksAlive tasks of the loop not done (as {@link Asyncio#allTasks()} counts them)
 * @param tasksCreated tasks created on the loop so far
 * @param readyQueueDepth callbacks and task steps ready to run now
 * @param callbacksRun callbacks and task steps run so far
 * @param iterations loop iterations (selector polls) so far
 * @param selectorWakeups times another thread woke the loop out of its selector
 * @param timersPending timers scheduled and not yet due (cancelled ones not yet purged included)
 * @param lagSamples how many iterations the lag figures below were taken from
 * @param lagP50 median iteration lag, in seconds: how long the last ready callback of a sampled
 *     iteration waited for the ones before it (the time from the selector's return to the end
 *     of the batch); resolution about 12%, from a histogram of powers of two each split in 8
 * @param lagP99 99th percentile of the iteration lag, in seconds
 * @param lagMax the largest iteration lag sampled, in seconds
 * @since 0.1
 */
public record LoopStatistics(int tasksAlive, long tasksCreated, int readyQueueDepth, long callbacksRun,
        long iterations, long selectorWakeups, int timersPending, long lagSamples, double lagP50, double lagP99,
        double lagMax) {}
