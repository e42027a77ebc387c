package org.jasyncio.internal.diag.tool;

import java.io.PrintStream;

import org.jasyncio.internal.diag.Snapshot;

/**
 * {@code java -jar jasyncio-VERSION.jar ps PID} and {@code pstree PID}: Python 3.14's
 * {@code python -m asyncio ps} / {@code pstree} for a running JVM. The jar's Main-Class.
 *
 * <p>Exit status: 0 on success, 1 when the await graph has a cycle ({@code pstree}), 2 on bad
 * usage or when the process cannot be read (the message says why).
 */
public final class Tool {
    private Tool() {}

    /**
     * Runs the tool and exits with its status.
     *
     * @param args {@code ps PID} or {@code pstree PID}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tool.
     *
     * @param args {@code ps PID} or {@code pstree PID}
     * @param out where the table or tree goes
     * @param err where errors go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !(args[0].equals("ps") || args[0].equals("pstree"))) {
            err.println("usage: java -jar jasyncio.jar ps PID      one row per task of every running loop");
            err.println("       java -jar jasyncio.jar pstree PID  the await tree of every running loop");
            return 2;
        }
        long pid;
        try {
            pid = Long.parseLong(args[1]);
        } catch (NumberFormatException e) {
            err.println("error: PID must be a process id (a number), got '" + args[1] + "'");
            return 2;
        }
        Snapshot.Parsed snap;
        try {
            snap = Snapshot.parse(Attacher.readSnapshot(pid));
        } catch (Attacher.Failure | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (snap.loops().isEmpty()) {
            err.println("error: process " + pid + " has no running jasyncio event loop");
            return 2;
        }
        for (Snapshot.LoopInfo l : snap.loops()) {
            if (!l.statistics().startsWith("LoopStatistics[")) {
                // the loop could not describe itself (stuck in a callback): say so, list the rest
                err.println("loop " + l.id() + " (thread " + l.thread() + "): " + l.statistics());
            }
        }
        if (args[0].equals("ps")) {
            TaskTable.print(snap, out);
            return 0;
        }
        return AwaitTree.print(snap, out, err);
    }
}
