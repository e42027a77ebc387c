package org.jasyncio.internal.group;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TimeoutError;
import org.jasyncio.group.GroupLoopStatistics;
import org.jasyncio.internal.net.SocketServer;

/**
 * One loop of a loop group and the platform thread that runs it, from its first iteration to
 * its close.
 *
 * <p>The thread runs one main task until the group asks it to stop; the main task then drains
 * the loop as {@code asyncio.run} does, but under the group's deadline: it cancels every other
 * task and waits for them, closes the group's servers on this loop and their connections
 * gracefully (buffered data is sent), aborts what is still open at the deadline, and returns;
 * the thread then closes the loop, which releases every descriptor the loop still holds.
 *
 * <p>Thread rules: {@link #stop}, {@link #terminated}, {@link #loop} and {@link #thread} are
 * thread-safe; {@link #servers} belongs to the loop thread.
 */
public final class GroupLoop {
    private final int index;
    private final EventLoop loop;
    private final Thread thread;
    /** Completed with the shutdown deadline (System.nanoTime()) when the group stops. */
    private final CompletableFuture<Long> stop = new CompletableFuture<>();
    /** Completed once the loop is closed; true if its tasks and connections ended in time. */
    private final CompletableFuture<Boolean> terminated = new CompletableFuture<>();
    /** The group servers' parts on this loop (listening or adopting). Loop thread only. */
    private final List<SocketServer> servers = new ArrayList<>();
    private Task<Boolean> main;

    /**
     * Creates the loop and starts its thread.
     *
     * @param index the loop's place in the group, from 0
     * @param threadName the platform thread's name
     * @throws IllegalStateException if the JVM cannot make event loops (the flag is named)
     */
    public GroupLoop(int index, String threadName) {
        this.index = index;
        this.loop = Asyncio.newEventLoop();
        this.thread = Thread.ofPlatform().name(threadName).unstarted(this::run);
    }

    /** Starts the thread; separate from the constructor so a failed group can close its loops. */
    public void start() {
        thread.start();
    }

    /**
     * Returns the loop.
     *
     * @return the loop
     */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Returns the loop's platform thread.
     *
     * @return the thread
     */
    public Thread thread() {
        return thread;
    }

    /**
     * Returns the loop's place in the group.
     *
     * @return the index, from 0
     */
    public int index() {
        return index;
    }

    /**
     * Returns a future completed once the loop is closed: {@code true} if its tasks and
     * connections ended before the deadline.
     *
     * @return the future; do not complete it
     */
    public CompletableFuture<Boolean> terminated() {
        return terminated;
    }

    /**
     * Asks the loop to drain and close by {@code deadline}; later calls do nothing.
     * Thread-safe.
     *
     * @param deadline a {@link System#nanoTime()} value
     */
    public void stop(long deadline) {
        stop.complete(deadline);
    }

    /**
     * Returns the group servers' parts on this loop; loop thread only.
     *
     * @return the live list
     */
    List<SocketServer> servers() {
        return servers;
    }

    /**
     * Forgets {@code s} once it is closed and its last connection has closed, so that a group
     * that makes and closes many servers does not keep them all; loop thread only. Until then
     * the shutdown still closes its connections gracefully.
     *
     * @param s a server part of this loop, closed already
     */
    void forgetWhenClosed(SocketServer s) {
        loop.createTask(() -> {
            s.waitClosed();
            servers.remove(s);
            return null;
        }, "LoopGroup-forget-server", null);
    }

    /**
     * Samples the loop's statistics on its own thread, through its inbox. Thread-safe.
     *
     * @return a future completed with the sample; at once if the loop is closed
     */
    public CompletableFuture<GroupLoopStatistics> sample() {
        CompletableFuture<GroupLoopStatistics> cf = new CompletableFuture<>();
        try {
            loop.callSoonThreadsafe(() -> {
                int tasks = 0;
                for (Task<?> t : Asyncio.allTasks(loop)) {
                    if (t != main && !t.getName().startsWith("LoopGroup-")) {
                        tasks++;
                    }
                }
                int connections = 0;
                for (SocketServer s : servers) {
                    connections += s.activeConnections();
                }
                cf.complete(new GroupLoopStatistics(index, thread.getName(), true, tasks, connections, loop.statistics()));
            });
        } catch (IllegalStateException closed) {
            cf.complete(new GroupLoopStatistics(index, thread.getName(), false, 0, 0, null));
        }
        return cf;
    }

    private void run() {
        boolean inTime = false;
        try {
            main = loop.createTask(this::serve, "LoopGroup-main-" + index, null);
            inTime = loop.runUntilComplete(main);
        } catch (Throwable t) {
            report("the loop group's loop stopped with an error", t);
        } finally {
            try {
                loop.close();
            } catch (Throwable t) {
                report("closing a loop of a loop group failed", t);
            }
            terminated.complete(inTime);
        }
    }

    /** The main task: wait for the stop, then drain under the deadline. */
    private boolean serve() throws Exception {
        long deadline;
        while (true) {
            try {
                deadline = Asyncio.await(stop.copy());
                break;
            } catch (CancelledError e) {
                // Someone cancelled every task of the loop: the loop lives on until the group
                // stops it.
                if (stop.isDone()) {
                    deadline = stop.join();
                    break;
                }
                Asyncio.currentTask().uncancel();
            }
        }
        boolean inTime = cancelTasks(deadline);
        inTime &= closeConnections(deadline);
        return inTime;
    }

    /** asyncio.run's _cancel_all_tasks, repeated for tasks made while cancelling, bounded. */
    private boolean cancelTasks(long deadline) {
        Task<?> self = Asyncio.currentTask();
        while (true) {
            Set<Task<?>> others = new HashSet<>(Asyncio.allTasks(loop));
            others.remove(self);
            if (others.isEmpty()) {
                return true;
            }
            for (Task<?> t : others) {
                t.cancel();
            }
            // One iteration even with no time left: a cancelled task needs it to end at all.
            Asyncio.sleep(0);
            Set<? extends Future<?>> pending = Asyncio.wait(others, secondsLeft(deadline)).pending();
            if (pending.isEmpty()) {
                continue;
            }
            for (Future<?> f : pending) {
                loop.callExceptionHandler(ExceptionContext.builder(
                        "task still running when the loop group's shutdown timeout ran out; it is left behind")
                        .future(f).build());
            }
            return false;
        }
    }

    /** Closes the servers' connections gracefully; aborts those still open at the deadline. */
    private boolean closeConnections(long deadline) {
        boolean inTime = true;
        // A copy: a server closed meanwhile by its group server removes itself from the list.
        List<SocketServer> parts = List.copyOf(servers);
        for (SocketServer s : parts) {
            s.close();
            s.closeClients();
        }
        for (SocketServer s : parts) {
            try {
                Asyncio.waitFor(() -> {
                    s.waitClosed();
                    return null;
                }, secondsLeft(deadline));
            } catch (TimeoutError e) {
                inTime = false;
                s.abortClients();
            } catch (Exception e) {
                report("waiting for a loop group server's connections failed", e);
            }
        }
        if (!inTime) {
            Asyncio.sleep(0); // let the aborted transports call connectionLost before the close
        }
        servers.clear();
        return inTime;
    }

    private static double secondsLeft(long deadline) {
        return Math.max(0, deadline - System.nanoTime()) / (double) TimeUnit.SECONDS.toNanos(1);
    }

    private void report(String message, Throwable t) {
        try {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(t).build());
        } catch (Throwable t2) {
            t.addSuppressed(t2);
            t.printStackTrace();
        }
    }

    @Override
    public String toString() {
        return "<GroupLoop " + index + " " + thread.getName() + ">";
    }
}
