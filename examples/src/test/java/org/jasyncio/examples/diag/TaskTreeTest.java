package org.jasyncio.examples.diag;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** task-tree prints its pid first, runs for --seconds, and names a bad argument. */
class TaskTreeTest {

    @Test
    void printsThePidFirstAndEndsAfterTheGivenSeconds() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            TaskTree.main(new String[] {"--seconds", "0.05"});
        } finally {
            System.setOut(saved);
        }
        assertEquals("pid " + ProcessHandle.current().pid() + System.lineSeparator(),
                buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadArgumentIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskTree.main(new String[] {"--minutes", "3"}));
        assertEquals("usage: task-tree [--seconds N], got --minutes 3", e.getMessage());
    }
}
