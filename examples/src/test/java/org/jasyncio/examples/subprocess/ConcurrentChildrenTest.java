package org.jasyncio.examples.subprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** subprocess: the six children overlap, the ticker's lines come as printed, every child exits 0. */
class ConcurrentChildrenTest {

    @Test
    void sixChildrenInAboutOneSecondWithTheTickerStreamed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        long t0 = System.nanoTime();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            ConcurrentChildren.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        old.println(String.join("\n", lines));
        assertEquals(12, lines.size(), lines.toString());
        Pattern tick = Pattern.compile("^  \\[ticker\\] tick (\\d)  \\(\\+(\\d+\\.\\d\\d) s\\)$");
        double previous = -1;
        for (int i = 1; i <= 4; i++) {
            Matcher m = tick.matcher(lines.get(i));
            assertTrue(m.matches(), lines.get(i));
            assertEquals(String.valueOf(i), m.group(1));
            double at = Double.parseDouble(m.group(2));
            assertTrue(at > previous + 0.1, "each line came as the child printed it, not all at the end: " + lines);
            previous = at;
        }
        for (int i = 1; i <= 5; i++) {
            assertTrue(lines.get(4 + i).matches("^  sleep 1 #" + i + " exited with 0 at \\+\\d\\.\\d s$"), lines.get(4 + i));
        }
        assertTrue(lines.get(10).matches("^  ticker exited with 0 at \\+\\d\\.\\d s$"), lines.get(10));
        assertTrue(lines.get(11).startsWith("Wall time "), lines.get(11));
        assertTrue(elapsed < 4, "the children overlapped: " + elapsed + " s, not 6 s");
    }
}
