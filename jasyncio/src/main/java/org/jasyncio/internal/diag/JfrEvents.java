package org.jasyncio.internal.diag;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * jasyncio's Flight Recorder event types, category "jasyncio". Only {@link Jfr} calls in here,
 * and only while a recording runs.
 */
final class JfrEvents {
    private JfrEvents() {}

    static void taskCreated(long loopId, long taskId, String name) {
        TaskCreated e = new TaskCreated();
        if (e.shouldCommit()) {
            e.loopId = loopId;
            e.taskId = taskId;
            e.taskName = name;
            e.commit();
        }
    }

    static void taskFinished(long loopId, long taskId, String name, long lifetimeNanos, String outcome) {
        TaskFinished e = new TaskFinished();
        if (e.shouldCommit()) {
            e.loopId = loopId;
            e.taskId = taskId;
            e.taskName = name;
            e.lifetime = lifetimeNanos;
            e.outcome = outcome;
            e.commit();
        }
    }

    static void slow(long loopId, long taskId, String what, long nanos, String stack) {
        if (taskId != 0) {
            SlowTaskStep e = new SlowTaskStep();
            if (e.shouldCommit()) {
                e.loopId = loopId;
                e.taskId = taskId;
                e.step = what;
                e.took = nanos;
                e.suspendedAt = stack;
                e.commit();
            }
        } else {
            SlowCallback e = new SlowCallback();
            if (e.shouldCommit()) {
                e.loopId = loopId;
                e.callback = what;
                e.took = nanos;
                e.commit();
            }
        }
    }

    static void iterationLag(long loopId, long lagNanos, long batchSize) {
        IterationLag e = new IterationLag();
        if (e.shouldCommit()) {
            e.loopId = loopId;
            e.lag = lagNanos;
            e.batchSize = batchSize;
            e.commit();
        }
    }

    @Name("org.jasyncio.TaskCreated")
    @Label("Task Created")
    @Category("jasyncio")
    @Description("A task was created on an event loop")
    @StackTrace(false)
    static final class TaskCreated extends Event {
        @Label("Loop Id")
        long loopId;
        @Label("Task Id")
        long taskId;
        @Label("Task Name")
        String taskName;
    }

    @Name("org.jasyncio.TaskFinished")
    @Label("Task Finished")
    @Category("jasyncio")
    @Description("A task finished: with a result, an exception or cancelled")
    @StackTrace(false)
    static final class TaskFinished extends Event {
        @Label("Loop Id")
        long loopId;
        @Label("Task Id")
        long taskId;
        @Label("Task Name")
        String taskName;
        @Label("Lifetime")
        @Description("From the task's creation to its end; -1 if it was created before the recording started")
        @Timespan(Timespan.NANOSECONDS)
        long lifetime;
        @Label("Outcome")
        String outcome;
    }

    @Name("org.jasyncio.SlowCallback")
    @Label("Slow Callback")
    @Category("jasyncio")
    @Description("A loop callback ran longer than the loop's slowCallbackDuration")
    @StackTrace(false)
    static final class SlowCallback extends Event {
        @Label("Loop Id")
        long loopId;
        @Label("Callback")
        String callback;
        @Label("Took")
        @Timespan(Timespan.NANOSECONDS)
        long took;
    }

    @Name("org.jasyncio.SlowTaskStep")
    @Label("Slow Task Step")
    @Category("jasyncio")
    @Description("A task ran longer than the loop's slowCallbackDuration between two suspensions")
    @StackTrace(false)
    static final class SlowTaskStep extends Event {
        @Label("Loop Id")
        long loopId;
        @Label("Task Id")
        long taskId;
        @Label("Step")
        String step;
        @Label("Took")
        @Timespan(Timespan.NANOSECONDS)
        long took;
        @Label("Suspended At")
        @Description("The task's stack where the slow step ended (where it now waits)")
        String suspendedAt;
    }

    @Name("org.jasyncio.IterationLag")
    @Label("Loop Iteration Lag")
    @Category("jasyncio")
    @Description("Sampled: how long the last ready callback of an iteration waited for the ones before it")
    @StackTrace(false)
    static final class IterationLag extends Event {
        @Label("Loop Id")
        long loopId;
        @Label("Lag")
        @Timespan(Timespan.NANOSECONDS)
        long lag;
        @Label("Batch Size")
        long batchSize;
    }
}
