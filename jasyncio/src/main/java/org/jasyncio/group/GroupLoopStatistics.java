package org.jasyncio.group;

import org.jasyncio.LoopStatistics;

/**
 * A sample of one loop of a {@link LoopGroup}, taken on that loop's thread
 * ({@link LoopGroup#statistics()}); Trio's {@code statistics()} habit applied to a loop.
 *
 * <p>Thread-safe (immutable). The numbers may be stale as soon as they are read.
 *
 * @param index the loop's place in the group, from 0
 * @param threadName the name of the loop's platform thread
 * @param running {@code false} once the loop is closed (the counts are then 0)
 * @param tasks the loop's tasks that are not done (the group's own housekeeping task left out)
 * @param connections the open connections of the group's servers on this loop
 * @param loop the loop's own figures ({@link org.jasyncio.EventLoop#statistics()}: ready-queue
 *        depth, callbacks run, wake-ups, iteration lag); {@code null} once the loop is closed
 * @since 0.1
 */
public record GroupLoopStatistics(int index, String threadName, boolean running, int tasks, int connections,
        LoopStatistics loop) {}
