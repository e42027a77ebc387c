package org.jasyncio.internal.diag.tool;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Task;
import org.jasyncio.internal.diag.MBeanRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ps and pstree against a real child JVM running a jasyncio program, attached by pid; and
 * the tool's errors for bad input and processes it cannot read.
 */
class ToolTest {

    /** The child: main gathers worker-1..3, each awaiting fetch-i that sleeps; "ready" once visible. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            System.out.println("pid " + ProcessHandle.current().pid());
            run(() -> {
                List<Task<Object>> workers = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    int n = i;
                    workers.add(createTask(() -> {
                        createTask(() -> sleep(120, null), "fetch-" + n).await();
                        return null;
                    }, "worker-" + i));
                }
                var all = gather(workers);
                sleep(0);
                sleep(0);
                toThread(() -> {
                    while (!MBeanRegistration.registered()) {
                        Thread.sleep(10); // the MBean registers on its own thread
                    }
                    return null;
                });
                System.out.println("ready");
                System.out.flush();
                return all.await();
            });
        }
    }

    private Process child;

    @AfterEach
    void killChild() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM did not end");
        }
    }

    private long startChild(String mainClass, boolean waitReady) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        child = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
                "-cp", System.getProperty("java.class.path"), mainClass).redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String first = in.readLine();
        assertNotNull(first, "child printed nothing");
        assertTrue(first.startsWith("pid "), first);
        if (waitReady) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("ready")) {
                // skip whatever the JVM prints first
            }
            assertEquals("ready", line, "child ended before it was ready");
        }
        return Long.parseLong(first.substring(4).trim());
    }

    record Result(int status, String out, String err) {}

    static Result tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Tool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void pstreeShowsFetchUnderWorkerUnderMain() throws Exception {
        long pid = startChild(Child.class.getName(), true);
        Result r = tool("pstree", Long.toString(pid));
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("└── (T) Task-"), r.out());
        for (int i = 1; i <= 3; i++) {
            int w = indexOf(lines, "(T) worker-" + i);
            int f = indexOf(lines, "(T) fetch-" + i);
            assertTrue(w > 0 && f > w, r.out());
            assertTrue(column(lines.get(f)) > column(lines.get(w)), "fetch-" + i + " nested under worker-" + i
                    + ":\n" + r.out());
            for (int k = w + 1; k < f; k++) {
                assertTrue(column(lines.get(k)) > column(lines.get(w)), "nothing between worker and fetch leaves"
                        + " the worker's subtree:\n" + r.out());
            }
        }
    }

    @Test
    void psHasOneRowPerTaskWithItsAwaiter() throws Exception {
        long pid = startChild(Child.class.getName(), true);
        Result r = tool("ps", Long.toString(pid));
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("loop +task id +task name +state +waiting +coroutine stack +awaiter chain"
                + " +awaiter name +awaiter id"), lines.get(0));
        assertTrue(lines.get(1).matches("-+"), lines.get(1));
        assertEquals(2 + 7, lines.size(), r.out());
        for (int i = 1; i <= 3; i++) {
            String fetch = row(lines, "fetch-" + i);
            assertTrue(fetch.contains(" waiting "), fetch);
            assertTrue(fetch.matches(".*worker-" + i + " +\\d+$"), fetch);
            assertTrue(row(lines, "worker-" + i).matches(".*Task-\\d+ +\\d+$"), r.out());
        }
    }

    @Test
    void aJavaProcessWithoutALoopIsSaidSo() throws Exception {
        long pid = startChild(NoLoop.class.getName(), false);
        Result r = tool("ps", Long.toString(pid));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("process " + pid + " is a Java process without a jasyncio event loop"), r.err());
    }

    /** A Java program with no loop. */
    public static final class NoLoop {
        public static void main(String[] args) throws Exception {
            System.out.println("pid " + ProcessHandle.current().pid());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    @Test
    void aProcessThatIsNotJavaIsSaidSo() throws Exception {
        child = new ProcessBuilder("sleep", "120").start();
        Result r = tool("pstree", Long.toString(child.pid()));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("process " + child.pid() + " (/usr/bin/sleep) is not a Java process")
                || r.err().contains("is not a Java process"), r.err());
    }

    @Test
    void badInputGetsUsageOrANamedError() {
        Result r = tool("ps");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("usage: java -jar jasyncio.jar ps PID"), r.err());
        r = tool("top", "1");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("usage:"), r.err());
        r = tool("ps", "12x");
        assertTrue(r.err().contains("PID must be a process id (a number), got '12x'"), r.err());
        r = tool("ps", Long.toString(Long.MAX_VALUE));
        assertTrue(r.err().contains("no process with pid " + Long.MAX_VALUE), r.err());
        r = tool("ps", Long.toString(ProcessHandle.current().pid()));
        assertTrue(r.err().contains("is this tool itself"), r.err());
    }

    @Test
    void cyclesAreReportedAsPythonDoes() {
        var tasks = List.of(
                new org.jasyncio.internal.diag.Snapshot.TaskInfo(1, 1, "a", "waiting", 0, "", List.of()),
                new org.jasyncio.internal.diag.Snapshot.TaskInfo(1, 2, "b", "waiting", 0, "", List.of()));
        var edges = List.of(new org.jasyncio.internal.diag.Snapshot.Edge(1, 1, 2),
                new org.jasyncio.internal.diag.Snapshot.Edge(1, 2, 1));
        var snap = new org.jasyncio.internal.diag.Snapshot.Parsed(
                List.of(new org.jasyncio.internal.diag.Snapshot.LoopInfo(1, "main", "")), tasks, edges);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AwaitTree.print(snap, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("ERROR: await-graph contains cycles - cannot print a tree!"), e);
        assertTrue(e.contains("cycle: a → b → a") || e.contains("cycle: b → a → b"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    private static int indexOf(List<String> lines, String s) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(s)) {
                return i;
            }
        }
        return -1;
    }

    private static int column(String line) {
        return line.indexOf("──");
    }

    private static String row(List<String> lines, String name) {
        for (String l : lines) {
            if (l.matches("\\d+ +\\d+ +" + name + " .*")) {
                return l;
            }
        }
        throw new AssertionError("no row for " + name + " in\n" + String.join("\n", lines));
    }
}
