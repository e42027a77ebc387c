package org.jasyncio;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jasyncio.internal.diag.Jfr;
import org.jasyncio.internal.diag.MBeanRegistration;
import org.jasyncio.internal.diag.Snapshot;

/**
 * What the loops tell the outside: the Flight Recorder hooks, and the snapshot of every
 * running loop that the platform MBean serves to the {@code ps}/{@code pstree} tool. Set up
 * once, when the first loop is made; the MBean registers on a background thread so that no
 * loop waits for JMX to start.
 */
final class Diagnostics {
    /** How long a snapshot waits for a busy loop to answer. */
    static final long ANSWER_MILLIS = 2000;
    private static volatile boolean started;

    private Diagnostics() {}

    static void loopStarting() {
        if (!started) {
            startOnce();
        }
    }

    private static synchronized void startOnce() {
        if (started) {
            return;
        }
        started = true;
        Jfr.install();
        MBeanRegistration.registerLater(Diagnostics::snapshotAll);
    }

    // ---- Flight Recorder ------------------------------------------------------------

    static void taskCreated(Task<?> t) {
        t.loop.stats.createdWhileRecording.put(t, System.nanoTime());
        Jfr.taskCreated(t.loop.stats.loopId, t.id(), t.getName());
    }

    static void taskFinished(Task<?> t) {
        Long created = t.loop.stats.createdWhileRecording.remove(t);
        long lifetime = created == null ? -1 : System.nanoTime() - created;
        String outcome;
        if (t.cancelled()) {
            outcome = "cancelled";
        } else {
            Throwable e = t.peekException();
            outcome = e == null ? "result" : "exception: " + e.getClass().getName();
        }
        Jfr.taskFinished(t.loop.stats.loopId, t.id(), t.getName(), lifetime, outcome);
    }

    /** A callback or task step ran longer than slowCallbackDuration: a JFR event, a warning in debug mode. */
    static void slow(BaseEventLoop loop, ReadyItem item, long nanos) {
        Task<?> t = item instanceof Task.Stepper step ? step.task : null;
        StackTraceElement[] st = t == null ? new StackTraceElement[0] : t.getStack();
        if (Jfr.on) {
            if (t != null) {
                Jfr.slow(loop.stats.loopId, t.id(), "step of " + t.getName(), nanos,
                        st.length == 0 ? "" : Debug.formatStack(st, 32).strip());
            } else {
                Jfr.slow(loop.stats.loopId, 0, item.toString(), nanos, "");
            }
        }
        if (loop.debug) {
            String what = t == null ? item.toString()
                    : "step of " + t + (st.length > 0 ? "; it is now suspended at:" + Debug.formatStack(st, 12) : "");
            Debug.LOG.log(Level.WARNING, String.format("Executing %s took %.3f seconds", what, nanos / 1e9));
        }
    }

    static void batchTimed(BaseEventLoop loop, long start, int batch) {
        long lag = System.nanoTime() - start;
        loop.stats.recordLag(lag);
        if (Jfr.on) {
            Jfr.iterationLag(loop.stats.loopId, lag, batch);
        }
    }

    // ---- snapshots ------------------------------------------------------------------

    /** Every running loop, each described by its own thread (through its inbox). Any thread. */
    static String snapshotAll() {
        Snapshot out = new Snapshot();
        for (BaseEventLoop l : RunningLoops.all()) {
            if (l.onLoopThread()) {
                describe(l, out); // asked from the loop's own thread (in-process JMX): waiting would hang it
                continue;
            }
            CompletableFuture<Snapshot> answer = new CompletableFuture<>();
            try {
                l.callSoonThreadsafe(() -> {
                    Snapshot s = new Snapshot();
                    describe(l, s);
                    answer.complete(s);
                });
                out.append(answer.get(ANSWER_MILLIS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                out.loop(l.stats.loopId, threadName(l), "busy: did not answer within " + ANSWER_MILLIS + " ms");
            } catch (IllegalStateException e) {
                // closed meanwhile: not running any more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                out.loop(l.stats.loopId, threadName(l), "failed: " + e);
            }
        }
        return out.text();
    }

    private static String threadName(BaseEventLoop l) {
        Thread t = l.owner;
        return t == null ? "?" : t.getName();
    }

    /** On the loop's thread: its statistics, tasks and await edges. */
    static void describe(BaseEventLoop l, Snapshot s) {
        LoopStatistics st = l.statistics();
        long loopId = l.stats.loopId;
        s.loop(loopId, threadName(l), st.toString());
        long now = System.nanoTime();
        for (Task<?> t : l.tasks.allTasks()) {
            Future<?> w = t.waiter();
            String state;
            if (l.current == t) {
                state = "running"; // the snapshot was asked from this task
            } else if (t.thread == null) {
                state = "scheduled";
            } else if (w != null) {
                state = t.cancelling() > 0 ? "cancelling" : "waiting";
            } else if (t.blockedInJdkCall()) {
                state = "blocked";
            } else {
                state = "ready";
            }
            double waiting = w == null ? 0
                    : Integer.toUnsignedLong((int) (now >>> 20) - t.waitingSince) * (double) (1 << 20) / 1e9;
            String awaits = w == null ? "" : w instanceof Task<?> wt ? "Task " + wt.id() : describeFuture(w);
            s.task(loopId, t.id(), t.getName(), state, waiting, awaits, CallGraphs.callStack(t));
            for (Task<?> a : awaitingTasks(t)) {
                s.edge(loopId, t.id(), a.id());
            }
        }
    }

    private static String describeFuture(Future<?> f) {
        String r = f.getClass().getSimpleName();
        return f instanceof GatheringFuture<?> ? "gather" : r;
    }

    /** The tasks awaiting {@code fut}, through any plain futures in between. */
    static List<Task<?>> awaitingTasks(Future<?> fut) {
        List<Task<?>> out = new ArrayList<>();
        collect(fut, out, new IdentityHashMap<>());
        return out;
    }

    private static void collect(Future<?> fut, List<Task<?>> out, Map<Future<?>, Boolean> seen) {
        for (Future<?> w : AwaitedBy.of(fut)) {
            if (seen.put(w, Boolean.TRUE) != null) {
                continue;
            }
            if (w instanceof Task<?> t) {
                out.add(t);
            } else {
                collect(w, out, seen);
            }
        }
    }
}
