package org.jasyncio.internal.diag.tool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jasyncio.internal.diag.Snapshot;
import org.jasyncio.internal.diag.Snapshot.Frame;
import org.jasyncio.internal.diag.Snapshot.TaskInfo;

/**
 * {@code pstree}: the await tree in Python 3.14's layout. A root is a task nobody awaits;
 * under a task come the frames where it is suspended, outermost first, and under the last
 * frame the tasks it awaits. An await cycle makes a tree impossible: it is reported, as
 * Python does, and the status is 1.
 */
final class AwaitTree {
    private AwaitTree() {}

    static int print(Snapshot.Parsed snap, PrintStream out, PrintStream err) {
        Map<Long, List<TaskInfo>> byLoop = new LinkedHashMap<>();
        for (Snapshot.LoopInfo l : snap.loops()) {
            byLoop.put(l.id(), new ArrayList<>());
        }
        for (TaskInfo t : snap.tasks()) {
            byLoop.computeIfAbsent(t.loopId(), k -> new ArrayList<>()).add(t);
        }
        int status = 0;
        for (Snapshot.LoopInfo l : snap.loops()) {
            if (snap.loops().size() > 1) {
                out.println("loop " + l.id() + " (thread " + l.thread() + ")");
            }
            status = Math.max(status, printLoop(l.id(), byLoop.get(l.id()), snap.edges(), out, err));
        }
        return status;
    }

    private static int printLoop(long loopId, List<TaskInfo> tasks, List<Snapshot.Edge> edges, PrintStream out,
            PrintStream err) {
        Map<Long, TaskInfo> byId = new LinkedHashMap<>();
        for (TaskInfo t : tasks) {
            byId.put(t.id(), t);
        }
        Map<Long, List<Long>> awaited = new HashMap<>(); // awaiter -> the tasks it awaits
        Set<Long> hasAwaiter = new HashSet<>();
        for (Snapshot.Edge e : edges) {
            if (e.loopId() == loopId && byId.containsKey(e.task()) && byId.containsKey(e.awaiter())) {
                awaited.computeIfAbsent(e.awaiter(), k -> new ArrayList<>()).add(e.task());
                hasAwaiter.add(e.task());
            }
        }
        List<List<Long>> cycles = cycles(byId.keySet(), awaited);
        if (!cycles.isEmpty()) {
            err.println("ERROR: await-graph contains cycles - cannot print a tree!");
            err.println();
            for (List<Long> c : cycles) {
                StringBuilder sb = new StringBuilder("cycle: ");
                for (int i = 0; i < c.size(); i++) {
                    sb.append(i == 0 ? "" : " → ").append(byId.get(c.get(i)).name());
                }
                err.println(sb);
            }
            return 1;
        }
        List<TaskInfo> roots = new ArrayList<>();
        for (TaskInfo t : byId.values()) {
            if (!hasAwaiter.contains(t.id())) {
                roots.add(t);
            }
        }
        for (int i = 0; i < roots.size(); i++) {
            task(roots.get(i), "", i == roots.size() - 1, byId, awaited, out);
        }
        return 0;
    }

    private static void task(TaskInfo t, String prefix, boolean last, Map<Long, TaskInfo> byId,
            Map<Long, List<Long>> awaited, PrintStream out) {
        out.println(prefix + (last ? "└── " : "├── ") + "(T) " + t.name());
        String p = prefix + (last ? "    " : "│   ");
        List<Frame> frames = t.frames();
        List<Long> children = awaited.getOrDefault(t.id(), List.of());
        // outermost first: the task's coroutine, down to where it waits
        for (int i = frames.size() - 1; i >= 0; i--) {
            Frame f = frames.get(i);
            // one chain: each frame is the only child of the one above it
            out.println(p + "└──  " + f.qualName() + " " + f.file() + ":" + f.line());
            p = p + "    ";
        }
        for (int i = 0; i < children.size(); i++) {
            task(byId.get(children.get(i)), p, i == children.size() - 1, byId, awaited, out);
        }
    }

    /** Each cycle once, as the list of its tasks with the first repeated at the end. */
    static List<List<Long>> cycles(Set<Long> nodes, Map<Long, List<Long>> next) {
        List<List<Long>> found = new ArrayList<>();
        Map<Long, Integer> color = new HashMap<>(); // 1 on the path, 2 finished
        List<Long> path = new ArrayList<>();
        for (Long n : nodes) {
            if (!color.containsKey(n)) {
                dfs(n, next, color, path, found);
            }
        }
        return found;
    }

    private static void dfs(Long n, Map<Long, List<Long>> next, Map<Long, Integer> color, List<Long> path,
            List<List<Long>> found) {
        color.put(n, 1);
        path.add(n);
        for (Long m : next.getOrDefault(n, List.of())) {
            Integer c = color.get(m);
            if (c == null) {
                dfs(m, next, color, path, found);
            } else if (c == 1) {
                List<Long> cycle = new ArrayList<>(path.subList(path.indexOf(m), path.size()));
                cycle.add(m);
                found.add(cycle);
            }
        }
        path.remove(path.size() - 1);
        color.put(n, 2);
    }
}
