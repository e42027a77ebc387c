package org.jasyncio.internal.diag.tool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jasyncio.internal.diag.Snapshot;
import org.jasyncio.internal.diag.Snapshot.Frame;
import org.jasyncio.internal.diag.Snapshot.TaskInfo;

/**
 * {@code ps}: one row per (task, awaiter) as Python 3.14's {@code python -m asyncio ps}, with
 * jasyncio's extra columns: the loop, the task's state and how long it has been waiting.
 */
final class TaskTable {
    /** Frames shown in a stack column, innermost first. */
    static final int FRAMES = 3;
    private static final int MAX_COLUMN = 60;

    private TaskTable() {}

    static void print(Snapshot.Parsed snap, PrintStream out) {
        Map<String, TaskInfo> byId = new HashMap<>();
        for (TaskInfo t : snap.tasks()) {
            byId.put(key(t.loopId(), t.id()), t);
        }
        Map<String, List<TaskInfo>> awaiters = new HashMap<>();
        for (Snapshot.Edge e : snap.edges()) {
            TaskInfo a = byId.get(key(e.loopId(), e.awaiter()));
            if (a != null) {
                awaiters.computeIfAbsent(key(e.loopId(), e.task()), k -> new ArrayList<>()).add(a);
            }
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"loop", "task id", "task name", "state", "waiting", "coroutine stack", "awaiter chain",
            "awaiter name", "awaiter id"});
        for (TaskInfo t : snap.tasks()) {
            String waiting = t.state().equals("waiting") || t.state().equals("cancelling")
                    ? String.format(java.util.Locale.ROOT, "%.1fs", t.waiting()) : "";
            List<TaskInfo> by = awaiters.getOrDefault(key(t.loopId(), t.id()), List.of());
            String[] base = {Long.toString(t.loopId()), Long.toString(t.id()), t.name(), t.state(), waiting,
                stack(t.frames())};
            if (by.isEmpty()) {
                rows.add(row(base, "", "", ""));
            }
            for (TaskInfo a : by) {
                rows.add(row(base, stack(a.frames()), a.name(), Long.toString(a.id())));
            }
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        int total = 0;
        for (int i = 0; i < w.length; i++) {
            total += w[i] + (i == 0 ? 0 : 2);
        }
        for (int n = 0; n < rows.size(); n++) {
            StringBuilder sb = new StringBuilder();
            String[] r = rows.get(n);
            for (int i = 0; i < r.length; i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s", r[i]));
            }
            out.println(sb.toString().stripTrailing());
            if (n == 0) {
                out.println("-".repeat(total));
            }
        }
    }

    private static String[] row(String[] base, String chain, String name, String id) {
        String[] r = new String[base.length + 3];
        System.arraycopy(base, 0, r, 0, base.length);
        r[base.length] = chain;
        r[base.length + 1] = name;
        r[base.length + 2] = id;
        return r;
    }

    /** The top frames, innermost first, as Python's "inner -> outer" column. */
    static String stack(List<Frame> frames) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(FRAMES, frames.size()); i++) {
            if (i > 0) {
                sb.append(" -> ");
            }
            sb.append(frames.get(i).qualName());
        }
        String s = sb.toString();
        return s.length() > MAX_COLUMN ? s.substring(0, MAX_COLUMN - 3) + "..." : s;
    }

    static String key(long loop, long task) {
        return loop + "/" + task;
    }
}
