package org.jasyncio.examples.pipes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.Task;
import org.jasyncio.streams.PipeStreams;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.Subprocess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stdin-lines' core: a child writes three lines into a FIFO, pausing between them; the lines
 * read through connectReadPipe come as written, with the ticker's lines between them.
 */
class StdinLinesTest {

    @Test
    void linesAndTicksInterleaveUntilEndOfFile(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("lines");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(), "mkfifo");
        List<String> printed = new ArrayList<>();
        int[] lines = {0};
        Asyncio.run(() -> {
            Process child = Subprocess.createSubprocessExec("sh", "-c",
                    "for w in one two three; do echo $w; sleep 0.4; done > '" + fifo + "'");
            StreamReader in = PipeStreams.openReadPipe(fifo); // waits for the child to open it
            Pipe pipe = Pipe.open();
            StreamWriter out = PipeStreams.openWritePipe(pipe.sink());
            StreamReader printedBack = PipeStreams.openReadPipe(pipe.source());
            Task<Void> collector = createTask(() -> {
                for (byte[] line : printedBack) {
                    printed.add(new String(line, UTF_8).stripTrailing());
                }
            });
            lines[0] = StdinLines.echo(in, out, 0.1);
            out.close();
            out.waitClosed();
            collector.await();
            assertEquals(0, child.await());
        });
        assertEquals(3, lines[0]);
        List<String> lineEvents = printed.stream().filter(s -> s.startsWith("  line")).toList();
        assertEquals(3, lineEvents.size(), printed.toString());
        assertTrue(lineEvents.get(0).startsWith("  line 1: one"), printed.toString());
        assertTrue(lineEvents.get(2).startsWith("  line 3: three"), printed.toString());
        int first = printed.indexOf(lineEvents.get(0));
        int last = printed.indexOf(lineEvents.get(2));
        assertTrue(printed.subList(first, last).stream().anyMatch(s -> s.startsWith("  [tick")),
                "the ticker ran while the reader waited for lines: " + printed);
        assertTrue(printed.get(printed.size() - 1).startsWith("End of file after 3 lines and "), printed.toString());
    }
}
