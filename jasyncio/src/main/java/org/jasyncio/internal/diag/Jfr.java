package org.jasyncio.internal.diag;

/**
 * The switch in front of jasyncio's JDK Flight Recorder events. The loop and the tasks test
 * {@link #on}, one plain read of a field that changes only when a recording starts or stops,
 * before making any event: with no recording, an event costs one predictable branch and no
 * allocation. When a recording runs, each event still asks {@code shouldCommit()}, so an event
 * type disabled in the recording's settings costs only that.
 *
 * <p>This class names no {@code jdk.jfr} type, so it loads in a runtime without the
 * {@code jdk.jfr} module; {@link #install()} then leaves {@link #on} false. Thread-safe.
 */
public final class Jfr {
    /** A recording is running in this JVM. Written by JFR's listener thread, read by loops. */
    public static volatile boolean on;

    private static boolean installed;

    private Jfr() {}

    /** Watches recordings from now on (once per JVM); does nothing without the jdk.jfr module. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
            return;
        }
        try {
            RecordingWatcher.install();
        } catch (LinkageError | RuntimeException e) {
            // JFR is absent or refused here: the events stay off, the program runs on.
        }
    }

    /**
     * Commits a TaskCreated event.
     *
     * @param loopId the loop's id
     * @param taskId the task's id in its loop
     * @param name the task's name
     */
    public static void taskCreated(long loopId, long taskId, String name) {
        JfrEvents.taskCreated(loopId, taskId, name);
    }

    /**
     * Commits a TaskFinished event.
     *
     * @param loopId the loop's id
     * @param taskId the task's id in its loop
     * @param name the task's name
     * @param lifetimeNanos nanoseconds from creation to the end, or -1 if unknown
     * @param outcome "result", "exception: TYPE" or "cancelled"
     */
    public static void taskFinished(long loopId, long taskId, String name, long lifetimeNanos, String outcome) {
        JfrEvents.taskFinished(loopId, taskId, name, lifetimeNanos, outcome);
    }

    /**
     * Commits a SlowTaskStep (when {@code taskId} is not 0) or a SlowCallback event: it ran
     * longer than the loop's slowCallbackDuration.
     *
     * @param loopId the loop's id
     * @param taskId the task's id, or 0 for a callback
     * @param what the step or callback, described
     * @param nanos how long it ran, in nanoseconds
     * @param stack where the task is suspended now, or "" for a callback
     */
    public static void slow(long loopId, long taskId, String what, long nanos, String stack) {
        JfrEvents.slow(loopId, taskId, what, nanos, stack);
    }

    /**
     * Commits an IterationLag event.
     *
     * @param loopId the loop's id
     * @param lagNanos the sampled iteration's lag, in nanoseconds
     * @param batchSize how many ready callbacks the iteration ran
     */
    public static void iterationLag(long loopId, long lagNanos, long batchSize) {
        JfrEvents.iterationLag(loopId, lagNanos, batchSize);
    }
}
