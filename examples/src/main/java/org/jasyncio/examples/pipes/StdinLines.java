package org.jasyncio.examples.pipes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.Locale;

import org.jasyncio.CancelledError;
import org.jasyncio.Task;
import org.jasyncio.streams.PipeStreams;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;

/**
 * {@code ./run-example.sh stdin-lines}: reads stdin line by line with a {@link StreamReader}
 * built on the loop's {@code connectReadPipe}, while a ticker task prints every half second;
 * both show up as they happen, and the program ends at end of file. Output goes through a
 * {@link StreamWriter} on {@code connectWritePipe} over stdout.
 *
 * <pre>
 * (echo one; sleep 3; echo two; sleep 1; echo three) | ./run-example.sh stdin-lines
 * </pre>
 *
 * <p>The same program with Python's asyncio:
 *
 * <pre>{@code
 * import asyncio, sys
 *
 * async def ticker(t0):
 *     n = 0
 *     while True:
 *         await asyncio.sleep(0.5)
 *         n += 1
 *         print(f"  [tick {n}]  (+{loop.time() - t0:.1f} s)", flush=True)
 *
 * async def main():
 *     loop = asyncio.get_running_loop()
 *     t0 = loop.time()
 *     reader = asyncio.StreamReader()
 *     await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
 *     tick = asyncio.create_task(ticker(t0))
 *     lines = 0
 *     async for line in reader:
 *         lines += 1
 *         print(f"  line {lines}: {line.decode().rstrip()}  (+{loop.time() - t0:.1f} s)", flush=True)
 *     tick.cancel()
 *     print(f"End of file after {lines} lines")
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>Output of the command above (times vary a little; the JVM's start takes a second of the
 * first sleep):
 *
 * <pre>
 * Reading stdin line by line; a ticker prints every 0.5 s. End with Ctrl-D.
 *   line 1: one  (+0.1 s)
 *   [tick 1]  (+0.6 s)
 *   [tick 2]  (+1.1 s)
 *   [tick 3]  (+1.6 s)
 *   line 2: two  (+1.9 s)
 *   [tick 4]  (+2.1 s)
 *   [tick 5]  (+2.6 s)
 *   line 3: three  (+2.9 s)
 * End of file after 3 lines and 5 ticks
 * </pre>
 */
public final class StdinLines {
    private StdinLines() {}

    /**
     * Runs the example on this process's stdin and stdout.
     *
     * @param args ignored
     * @throws Exception if stdin or stdout cannot be connected
     */
    public static void main(String[] args) throws Exception {
        run(() -> {
            StreamWriter out = PipeStreams.openWritePipe(FileDescriptor.out);
            say(out, "Reading stdin line by line; a ticker prints every 0.5 s. End with Ctrl-D.");
            echo(PipeStreams.openReadPipe(FileDescriptor.in), out, 0.5);
            out.close();
            out.waitClosed();
        });
    }

    /**
     * Prints each line of {@code in} as it comes, while a ticker task prints every
     * {@code tickSeconds}; returns at end of file, after a summary line. Call it in a task.
     *
     * @param in the lines to read
     * @param out where to print
     * @param tickSeconds the ticker's period, in seconds
     * @return how many lines were read
     * @throws IOException if writing {@code out} fails
     */
    public static int echo(StreamReader in, StreamWriter out, double tickSeconds) throws IOException {
        double t0 = getRunningLoop().time();
        int[] ticks = {0};
        Task<Void> ticker = createTask(() -> {
            while (true) {
                sleep(tickSeconds);
                ticks[0]++;
                say(out, String.format(Locale.ROOT, "  [tick %d]  (+%.1f s)", ticks[0], getRunningLoop().time() - t0));
            }
        });
        int lines = 0;
        try {
            for (byte[] line : in) { // each line as it arrives; the ticker runs meanwhile
                lines++;
                say(out, String.format(Locale.ROOT, "  line %d: %s  (+%.1f s)", lines, new String(line, UTF_8).strip(),
                        getRunningLoop().time() - t0));
            }
        } finally {
            ticker.cancel();
            try {
                ticker.await();
            } catch (CancelledError expected) {
                // the ticker ends here
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        say(out, "End of file after " + lines + " lines and " + ticks[0] + " ticks");
        return lines;
    }

    private static void say(StreamWriter out, String line) throws IOException {
        out.write((line + "\n").getBytes(UTF_8));
        out.drain();
    }
}
