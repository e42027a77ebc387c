package org.jasyncio.internal.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text the MBean serves and the {@code ps} tool reads: one line per loop, task and await
 * edge, tab-separated. Text rather than JMX open types, so that the tool needs no jasyncio
 * class in the target and the target none of the tool. Not thread-safe: one builder per call.
 *
 * <pre>
 * loop  loopId  threadName  statistics
 * task  loopId  taskId  name  state  waitingSeconds  awaits  frames
 * edge  loopId  taskId  awaiterTaskId
 * </pre>
 * Frames are innermost first, separated by U+001E; a frame's class, method, file and line by U+001F.
 */
public final class Snapshot {
    /** The format's version, first line of the text; the tool refuses another. */
    public static final String HEADER = "jasyncio-snapshot 1";
    private static final char FRAME_SEP = '\u001e';
    private static final char FIELD_SEP = '\u001f';

    private final StringBuilder sb = new StringBuilder();

    /** Makes an empty snapshot. */
    public Snapshot() {}

    /**
     * Adds a loop line.
     *
     * @param loopId the loop's id
     * @param thread the name of the loop's thread
     * @param statistics the loop's statistics, or what kept them from being read
     */
    public void loop(long loopId, String thread, String statistics) {
        line("loop", Long.toString(loopId), thread, statistics);
    }

    /**
     * Adds a task line.
     *
     * @param loopId the loop's id
     * @param taskId the task's id in its loop
     * @param name the task's name
     * @param state scheduled, ready, running, waiting, cancelling or blocked
     * @param waitingSeconds how long it has waited on its future, in seconds (0 when not waiting)
     * @param awaits what it waits on ("Task N", "gather", a future's class), or ""
     * @param frames its stack, innermost first
     */
    public void task(long loopId, long taskId, String name, String state, double waitingSeconds, String awaits,
            List<StackTraceElement> frames) {
        StringBuilder f = new StringBuilder();
        for (StackTraceElement e : frames) {
            if (!f.isEmpty()) {
                f.append(FRAME_SEP);
            }
            f.append(clean(e.getClassName())).append(FIELD_SEP).append(clean(e.getMethodName())).append(FIELD_SEP)
                    .append(clean(String.valueOf(e.getFileName()))).append(FIELD_SEP).append(e.getLineNumber());
        }
        line("task", Long.toString(loopId), Long.toString(taskId), name, state,
                String.format(Locale.ROOT, "%.3f", waitingSeconds), awaits, f.toString());
    }

    /**
     * Adds an await edge: task {@code taskId} is awaited by task {@code awaiterId}.
     *
     * @param loopId the loop's id
     * @param taskId the awaited task
     * @param awaiterId the awaiting task
     */
    public void edge(long loopId, long taskId, long awaiterId) {
        line("edge", Long.toString(loopId), Long.toString(taskId), Long.toString(awaiterId));
    }

    /**
     * Appends another snapshot's lines.
     *
     * @param other the snapshot to append
     */
    public void append(Snapshot other) {
        sb.append(other.sb);
    }

    /**
     * Returns the text, header first.
     *
     * @return the text
     */
    public String text() {
        return HEADER + "\n" + sb;
    }

    private void line(String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append('\t');
            }
            sb.append(clean(fields[i]));
        }
        sb.append('\n');
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    // ---- reading (the tool's side) ----------------------------------------------------

    /**
     * A loop as read back.
     *
     * @param id the loop's id
     * @param thread the name of its thread
     * @param statistics its statistics, as text
     */
    public record LoopInfo(long id, String thread, String statistics) {}

    /**
     * A frame as read back.
     *
     * @param className the frame's class
     * @param method its method
     * @param file its source file
     * @param line its line, or a negative number when unknown
     */
    public record Frame(String className, String method, String file, int line) {
        /**
         * Returns {@code SimpleClass.method}, as Python's qualified name.
         *
         * @return the name
         */
        public String qualName() {
            String c = className.substring(className.lastIndexOf('.') + 1);
            return c + "." + method;
        }
    }

    /**
     * A task as read back.
     *
     * @param loopId the loop's id
     * @param id the task's id in its loop
     * @param name its name
     * @param state its state
     * @param waiting how long it has waited, in seconds
     * @param awaits what it waits on, or ""
     * @param frames its stack, innermost first
     */
    public record TaskInfo(long loopId, long id, String name, String state, double waiting, String awaits,
            List<Frame> frames) {}

    /**
     * An await edge as read back.
     *
     * @param loopId the loop's id
     * @param task the awaited task
     * @param awaiter the awaiting task
     */
    public record Edge(long loopId, long task, long awaiter) {}

    /**
     * A whole snapshot as read back.
     *
     * @param loops the loops
     * @param tasks the tasks of every loop
     * @param edges the await edges of every loop
     */
    public record Parsed(List<LoopInfo> loops, List<TaskInfo> tasks, List<Edge> edges) {}

    /**
     * Parses {@link #text()}.
     *
     * @param text the text
     * @return the snapshot
     *
     * @throws IllegalArgumentException if the text is not a snapshot of this format
     */
    public static Parsed parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not a " + HEADER + " text (the target runs another jasyncio version?): "
                    + (lines.length == 0 ? "" : lines[0]));
        }
        List<LoopInfo> loops = new ArrayList<>();
        List<TaskInfo> tasks = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            switch (f[0]) {
                case "loop" -> loops.add(new LoopInfo(Long.parseLong(f[1]), f[2], f[3]));
                case "task" -> tasks.add(new TaskInfo(Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], f[4],
                        Double.parseDouble(f[5]), f[6], frames(f[7])));
                case "edge" -> edges.add(new Edge(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
                default -> { } // a later version's line: skip it
            }
        }
        return new Parsed(loops, tasks, edges);
    }

    private static List<Frame> frames(String s) {
        List<Frame> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        for (String fr : s.split(String.valueOf(FRAME_SEP))) {
            String[] p = fr.split(String.valueOf(FIELD_SEP), -1);
            out.add(new Frame(p[0], p[1], p[2], Integer.parseInt(p[3])));
        }
        return out;
    }
}
