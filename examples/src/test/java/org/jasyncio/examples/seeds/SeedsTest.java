package org.jasyncio.examples.seeds;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the seed programs, as {@code ./run-example.sh seeds} does, and checks each one's
 * output line by line (times masked) and its timing.
 *
 * <p>The whole run (about 20 s of real sleeping: the programs sleep with the real clock,
 * so no virtual time here) happens ONCE, in-process, in {@link #runTheSeedsOnce()}: the
 * surefire JVM already has the flags {@code run-example.sh} passes, {@link Seeds#runAll}
 * calls each program's own {@code main} exactly as the command does, and swapping
 * {@code System.out} captures everything the tasks print. Each test then reads its seed's
 * section and the wall time the runner printed for it, so nothing is run twice. Forked JVMs
 * add start-up noise to the timings and twenty seconds more; two short programs are forked
 * anyway ({@link #seedRunsAloneInItsOwnJvm}) to prove a seed's JVM exits by itself after
 * {@code main}.
 *
 * <p>Timing bounds are generous (other builds share the two cores): a lower bound proves
 * the sleeps really happen, an upper bound proves they overlap (1 s, not 3).
 */
class SeedsTest {
    private static final Pattern CTIME = Pattern.compile("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}");
    private static final Pattern HMS = Pattern.compile("\\b\\d\\d:\\d\\d:\\d\\d\\b");
    private static final Pattern EPOCH = Pattern.compile("\\b\\d{9,}\\.\\d+\\b");
    private static final DateTimeFormatter CTIME_FORMAT =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private static SeedRun run;

    @BeforeAll
    static void runTheSeedsOnce() {
        run = SeedRun.runAll();
    }

    /** The output with every time replaced by a placeholder. */
    private static List<String> masked(List<String> lines) {
        List<String> m = new ArrayList<>();
        for (String line : lines) {
            String s = CTIME.matcher(line).replaceAll("<ctime>");
            s = HMS.matcher(s).replaceAll("<HH:MM:SS>");
            s = EPOCH.matcher(s).replaceAll("<time>");
            m.add(s);
        }
        return m;
    }

    private static List<String> found(Pattern p, List<String> lines) {
        List<String> r = new ArrayList<>();
        for (String line : lines) {
            Matcher m = p.matcher(line);
            while (m.find()) {
                r.add(m.group());
            }
        }
        return r;
    }

    private static SeedRun.Section section(String name) {
        SeedRun.Section s = run.sections.get(name);
        assertNotNull(s, () -> "no section for " + name + " in:\n" + String.join("\n", run.out));
        assertTrue(!Double.isNaN(s.wallSeconds()), () -> name + " has no wall-time footer (it failed?)");
        return s;
    }

    private static void assertBetween(double low, double high, double actual, String what) {
        assertTrue(actual >= low && actual < high, () -> what + " = " + actual + ", expected in [" + low + ", " + high + ")");
    }

    @Test
    void everySeedRanInTheOrderOfExamplesListAndPassed() throws IOException {
        List<String> listed = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("examples.list"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\|", 3);
            if ((f[1].startsWith("org.jasyncio.examples.seeds.") || f[0].equals("subprocess")) && !f[0].equals("seeds")) {
                listed.add(f[0]);
            }
        }
        assertEquals(listed, List.copyOf(run.sections.keySet()));
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), run.sections.values().stream().map(SeedRun.Section::number).toList());
        assertEquals(0, run.failed);
        assertTrue(run.out.getLast().matches("=== 9 seed programs, 9 passed, total wall time: \\d+\\.\\d\\d s ==="),
                run.out.getLast());
    }

    @Test
    void nothingWentToStandardErrorOrTheLoopsExceptionHandler() {
        assertEquals("", run.err);
        assertEquals(List.of(), run.logged.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
    }

    @Test
    void helloWorld() {
        SeedRun.Section s = section("hello-world");
        assertEquals(List.of("<ctime>", "<ctime>", "<ctime>", "<ctime>"), masked(s.lines()));
        List<Long> t = new ArrayList<>();
        for (String c : found(CTIME, s.lines())) {
            t.add(LocalDateTime.parse(c, CTIME_FORMAT).atZone(ZoneId.systemDefault()).toEpochSecond());
        }
        assertAll(
                // ctime has whole seconds: a 1 s sleep moves it by 1 or 2 (3 under heavy load).
                () -> assertBetween(1, 4, t.get(1) - t.get(0), "run(): second time - first"),
                () -> assertBetween(1, 4, t.get(3) - t.get(2), "explicit loop: second time - first"),
                () -> assertBetween(0, 2, t.get(2) - t.get(1), "gap between the two programs"),
                () -> assertBetween(Math.floor(run.startEpoch), run.endEpoch + 1, t.getFirst(), "first time"),
                () -> assertBetween(1.95, 5, s.wallSeconds(), "wall time"));
    }

    @Test
    void loopCallbacks() {
        SeedRun.Section s = section("loop-callbacks");
        assertEquals(List.of("Loop is being started", "Calling event handler", "Calling event handler",
                "Loop is being stopped", "Loop is being closed"), s.lines());
        assertBetween(0, 1.5, s.wallSeconds(), "wall time");
    }

    @Test
    void sampleTask() {
        SeedRun.Section s = section("sample-task");
        assertEquals(List.of("Creation of tasks started", "Task takes 3 seconds to complete",
                "Task status: task has been completed"), s.lines());
        assertBetween(2.9, 6, s.wallSeconds(), "wall time");
    }

    @Test
    void syncVsAsync() {
        SeedRun.Section s = section("sync-vs-async");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add("Hello World:<time>");
        }
        for (int i = 0; i < 5; i++) {
            expected.add("Hello wow World:<time>");
        }
        assertEquals(expected, masked(s.lines()));
        List<Double> t = found(EPOCH, s.lines()).stream().map(Double::parseDouble).toList();
        List<Double> sync = t.subList(0, 5);
        List<Double> hello = t.subList(5, 10);
        List<Double> wow = t.subList(10, 15);
        double asyncPart = wow.getLast() - sync.getLast(); // the async program starts after the last sync line
        double syncPart = s.wallSeconds() - asyncPart;
        assertAll(
                () -> {
                    for (int i = 1; i < 5; i++) {
                        assertBetween(0.95, 2, sync.get(i) - sync.get(i - 1), "sync hello " + i + " to " + (i + 1));
                    }
                },
                () -> assertBetween(0, 0.5, hello.getLast() - hello.getFirst(), "spread of the five async hellos"),
                () -> assertBetween(0.95, 2, wow.getFirst() - hello.getLast(), "async hello to the first wow"),
                () -> assertBetween(0, 0.5, wow.getLast() - wow.getFirst(), "spread of the five wows"),
                () -> assertBetween(4.9, 8, syncPart, "sync program"),
                () -> assertBetween(0.95, 2.5, asyncPart, "async program"),
                () -> assertBetween(run.startEpoch, run.endEpoch, t.getFirst(), "first time printed"),
                () -> assertBetween(run.startEpoch, run.endEpoch, t.getLast(), "last time printed"));
    }

    @Test
    void sayAfter() {
        SeedRun.Section s = section("say-after");
        List<String> lines = new ArrayList<>(masked(s.lines()));
        lines.replaceAll(l -> l.startsWith("timed out: org.jasyncio.TimeoutError")
                ? "timed out: org.jasyncio.TimeoutError<message>" : l);
        assertEquals(List.of(
                "-- 1. create_task, then await each task",
                "started at <HH:MM:SS>", "world", "hello", "hello-2", "world-1", "finished at <HH:MM:SS>",
                "-- 2. gather",
                "started at <HH:MM:SS>", "world", "hello", "[hello-2, world-1]", "finished at <HH:MM:SS>",
                "-- 3. wait",
                "started at <HH:MM:SS>", "world", "hello", "hello-2", "world-1", "2 done, 0 pending",
                "finished at <HH:MM:SS>",
                "-- 4. wait_for with a timeout too short",
                "started at <HH:MM:SS>", "timed out: org.jasyncio.TimeoutError<message>", "finished at <HH:MM:SS>",
                "-- 5. async with",
                "Entering asynchronous context", "Inside the asynchronous context", "Exiting asynchronous context",
                "-- 6. async with, the body raises",
                "Entering asynchronous context", "Inside the asynchronous context", "Exiting asynchronous context",
                "caught: the body failed"), lines);
        List<LocalTime> hms = found(HMS, s.lines()).stream().map(LocalTime::parse).toList();
        double[] seconds = {2, 2, 2, 1}; // tasks, gather, wait: 2 s each, not 3; waitFor: its 1 s timeout
        assertAll(
                () -> {
                    for (int i = 0; i < 4; i++) {
                        long d = Duration.between(hms.get(2 * i), hms.get(2 * i + 1)).toSeconds();
                        d = d < 0 ? d + 86_400 : d; // past midnight
                        assertBetween(seconds[i], seconds[i] + 2, d, "part " + (i + 1) + ": finished - started");
                    }
                },
                () -> assertBetween(6.9, 12, s.wallSeconds(), "wall time"));
    }

    @Test
    void count() {
        SeedRun.Section s = section("count");
        assertEquals(List.of("One", "One", "One", "Two", "Two", "Two"), s.lines());
        assertBetween(0.95, 2, s.wallSeconds(), "wall time (1 s, not 3)");
    }

    @Test
    void event() {
        SeedRun.Section s = section("event");
        assertEquals(List.of("event start state: false", "coro1 waiting for event", "coro2 waiting for event",
                "setting event in callback", "coro1 triggered", "coro2 triggered", "event end state: true"), s.lines());
        assertBetween(0.95, 2.5, s.wallSeconds(), "wall time");
    }

    /** A seed is a program of its own: its JVM prints the same lines and exits by itself. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "LoopCallbacks|Loop is being started,Calling event handler,Calling event handler,Loop is being stopped,Loop is being closed",
        "Count|One,One,One,Two,Two,Two"})
    void seedRunsAloneInItsOwnJvm(String cls, String expected) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
                "-cp", System.getProperty("java.class.path"), "org.jasyncio.examples.seeds." + cls)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), cls + " did not exit within 60 s");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(List.of(expected.split(",")), out.lines().toList());
            assertEquals("", err);
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
