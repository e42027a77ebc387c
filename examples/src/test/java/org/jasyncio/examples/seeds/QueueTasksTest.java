package org.jasyncio.examples.seeds;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The queue-tasks seed prints the interleaved run of its three tasks, exactly. */
class QueueTasksTest {

    private static String run() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            QueueTasks.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    @Test
    void printsTheExpectedInterleaving() throws Exception {
        String expected;
        try (InputStream in = QueueTasksTest.class.getResourceAsStream("queue-tasks.expected.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, run());
    }

    @Test
    void theTasksReallyInterleaveAndEveryItemIsDoneOnce() throws Exception {
        List<String> lines = run().lines().toList();
        // 2 + 5 + 10 + 15 + 20 steps, and one total per item
        assertEquals(52, lines.stream().filter(l -> l.endsWith("is running now")).count());
        List<String> totals = lines.stream().filter(l -> l.contains("total of")).toList();
        assertEquals(List.of(
                "Task Async1 is running with a total of: 2",
                "Task Async2 is running with a total of: 5",
                "Task Async3 is running with a total of: 10",
                "Task Async1 is running with a total of: 15",
                "Task Async2 is running with a total of: 20"), totals);
        // the three start one step each in turn, not one after the other
        assertEquals(List.of("Task Async1 is running now", "Task Async2 is running now", "Task Async3 is running now",
                "Task Async1 is running now"), lines.subList(0, 4));
    }
}
