package org.jasyncio.internal.subprocess;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Signal;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.SubprocessTransport;
import org.jasyncio.transports.WriteTransport;
import org.junit.jupiter.api.Test;

/**
 * A child's stdout and stderr transports with real children: credits bound what a pump reads
 * ahead while the protocol is paused, held chunks come out in order on resume, and closing the
 * transport closes the pipe at once, so the child's next write fails.
 */
class ReadPipeTransportTest {

    /** Records what arrives, and pauses stdout on its first chunk when asked to. */
    static final class Recorder implements SubprocessProtocol {
        final boolean pauseOnFirstData;
        final ByteArrayOutputStream[] data = {null, new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        final Future<Void> stdoutLost = getRunningLoop().createFuture();
        final Future<Void> lost = getRunningLoop().createFuture();
        SubprocessTransport transport;
        int calls;

        Recorder(boolean pauseOnFirstData) {
            this.pauseOnFirstData = pauseOnFirstData;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (SubprocessTransport) t;
        }

        @Override
        public void pipeDataReceived(int fd, byte[] bytes) {
            data[fd].writeBytes(bytes);
            if (fd == 1 && calls++ == 0 && pauseOnFirstData) {
                ((ReadPipeTransport) transport.getPipeTransport(1)).pauseReading();
            }
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            if (fd == 1) {
                stdoutLost.setResult(null);
            }
        }

        @Override
        public void connectionLost(Exception exc) {
            lost.setResult(null);
        }

        String text(int fd) {
            return data[fd].toString(US_ASCII);
        }
    }

    /** Sleeps in 10 ms steps until {@code condition} holds, for at most 20 s; returns it. */
    private static boolean eventually(BooleanSupplier condition) {
        double deadline = getRunningLoop().time() + 20;
        while (!condition.getAsBoolean() && getRunningLoop().time() < deadline) {
            sleep(0.01);
        }
        return condition.getAsBoolean();
    }

    private static SubprocessConnection<Recorder> exec(boolean pause, String... command) throws Exception {
        EventLoop loop = getRunningLoop();
        return loop.subprocessExec(() -> new Recorder(pause), List.of(command), SubprocessOptions.pipes());
    }

    @Test
    void pipesAreReadThroughChannels() throws Exception {
        Asyncio.run(() -> {
            // cat waits for its stdin: it cannot exit before the pipes are taken (a child that
            // exits first has them drained by the JDK, and is read from the JDK's stream)
            SubprocessConnection<Recorder> c = exec(false, "cat");
            assertTrue(((ReadPipeTransport) c.transport().getPipeTransport(1)).readsChannel());
            assertTrue(((ReadPipeTransport) c.transport().getPipeTransport(2)).readsChannel());
            c.transport().close();
            c.protocol().lost.await();
            return null;
        });
    }

    @Test
    void whilePausedThePumpReadsAheadOnlyItsCreditsThenResumeDeliversEverythingInOrder() throws Exception {
        int total = 4_000_000;
        Asyncio.run(() -> {
            SubprocessConnection<Recorder> c = exec(true, "/usr/bin/python3", "-c",
                    "import sys\nfor i in range(" + total / 8 + "): sys.stdout.write('%07d\\n' % i)");
            Recorder p = c.protocol();
            ReadPipeTransport out = (ReadPipeTransport) c.transport().getPipeTransport(1);
            assertTrue(eventually(() -> out.readAhead() == ReadPipeTransport.READ_AHEAD),
                    "the pump spent all its credit: " + out.readAhead());
            sleep(0.2); // would the pump go on reading? it must not
            assertEquals(ReadPipeTransport.READ_AHEAD, out.readAhead());
            assertTrue(eventually(() -> out.heldBytes() == ReadPipeTransport.READ_AHEAD),
                    "what it read waits on the loop: " + out.heldBytes());
            int delivered = p.data[1].size();
            assertTrue(delivered <= ReadPipeTransport.CHUNK, "one chunk before the pause: " + delivered);
            assertNull(c.transport().getReturncode(), "the child is blocked in its write");

            out.resumeReading();
            p.stdoutLost.await();
            String text = p.text(1);
            assertEquals(total, text.length());
            for (int i = 0; i < total / 8; i += 99_991) {
                assertEquals(String.format("%07d\n", i), text.substring(i * 8, i * 8 + 8));
            }
            p.lost.await();
            assertEquals(0, c.transport().getReturncode());
            return null;
        });
    }

    @Test
    void closingStdoutClosesThePipeSoTheChildsNextWriteFails() throws Exception {
        String child = """
                import os, sys
                os.write(1, b'ready\\n')
                sys.stdin.readline()
                try:
                    os.write(1, b'more\\n')
                    os.write(2, b'written')
                except BrokenPipeError:
                    os.write(2, b'EPIPE')
                """;
        Asyncio.run(() -> {
            SubprocessConnection<Recorder> c = exec(false, "/usr/bin/python3", "-c", child);
            Recorder p = c.protocol();
            assertTrue(eventually(() -> p.text(1).equals("ready\n")));
            // the pump is blocked in its read now: the child writes nothing until it reads a line
            c.transport().getPipeTransport(1).close();
            p.stdoutLost.await();
            ((WriteTransport) c.transport().getPipeTransport(0)).write("go\n".getBytes(US_ASCII));
            p.lost.await();
            assertEquals("EPIPE", p.text(2));
            assertEquals(0, c.transport().getReturncode());
            return null;
        });
    }

    @Test
    void closingTheTransportKillsTheChildBeforeItsPipes() throws Exception {
        // A child that exits with 3 on a broken stdout: had close() closed the pipe first, the
        // child could exit with 3 before the kill; killed first, it reports -9.
        String child = """
                import os
                os.write(2, b'ready')
                try:
                    while True:
                        os.write(1, b'x' * 4096)
                except BrokenPipeError:
                    os._exit(3)
                """;
        Asyncio.run(() -> {
            for (int i = 0; i < 5; i++) {
                SubprocessConnection<Recorder> c = exec(false, "/usr/bin/python3", "-c", child);
                Recorder p = c.protocol();
                assertTrue(eventually(() -> p.text(2).equals("ready")));
                c.transport().close();
                p.lost.await();
                assertEquals(-Signal.SIGKILL.number(), c.transport().getReturncode());
            }
            return null;
        });
    }
}
