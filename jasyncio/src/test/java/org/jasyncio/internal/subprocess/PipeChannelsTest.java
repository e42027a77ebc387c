package org.jasyncio.internal.subprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The JDK behaviour the stdout and stderr pumps rely on, pinned on this JDK so that an upgrade
 * that changes it fails here: a child's pipe can be taken as a {@link FileChannel}, a read
 * blocked in it ends at once when another thread closes it, and the child's next write then
 * fails; and the JDK's reaper leaves a taken pipe alone when the child exits.
 */
class PipeChannelsTest {

    private static boolean inNativeRead(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("read0")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theJdksPipesCanBeTakenOnThisJvm() throws Exception {
        assertTrue(PipeChannels.available(), () -> "reflection failed: " + PipeChannels.failure());
        Process cat = new ProcessBuilder("cat").start();
        try {
            InputStream stdout = cat.getInputStream();
            FileChannel ch = PipeChannels.take(cat, 1, stdout);
            assertNotNull(ch);
            assertNotSame(stdout, cat.getInputStream(), "the process no longer hands out the taken pipe");
            assertNull(PipeChannels.take(cat, 1, stdout), "a pipe is taken once");
            ch.close();
        } finally {
            cat.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessThatIsNotTheJdksFallsBack() {
        Process fake = new Process() {
            @Override
            public OutputStream getOutputStream() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public InputStream getInputStream() {
                return InputStream.nullInputStream();
            }

            @Override
            public InputStream getErrorStream() {
                return InputStream.nullInputStream();
            }

            @Override
            public int waitFor() {
                return 0;
            }

            @Override
            public int exitValue() {
                return 0;
            }

            @Override
            public void destroy() {}
        };
        assertNull(PipeChannels.take(fake, 1, fake.getInputStream()));
    }

    @Test
    void closingTheChannelEndsABlockedReadAndTheChildsNextWriteFails() throws Exception {
        // cat blocks reading its stdin; our read of its stdout blocks too
        Process cat = new ProcessBuilder("cat").start();
        try {
            FileChannel ch = PipeChannels.take(cat, 1, cat.getInputStream());
            assertNotNull(ch);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    outcome.set(new AssertionError("read returned " + ch.read(ByteBuffer.allocate(16))));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!inNativeRead(reader) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(inNativeRead(reader), "the reader is blocked in read(2)");

            ch.close(); // from another thread than the reader
            reader.join(TimeUnit.SECONDS.toMillis(20));
            assertFalse(reader.isAlive(), "close() ended the blocked read");
            assertInstanceOf(AsynchronousCloseException.class, outcome.get());

            // the read end is gone: cat's next write fails (SIGPIPE or EPIPE), and cat exits
            cat.getOutputStream().write("x\n".getBytes());
            cat.getOutputStream().flush();
            assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "cat died of the broken pipe");
            assertNotEquals(0, cat.exitValue());
        } finally {
            cat.destroyForcibly().waitFor();
        }
    }

    @Test
    void theReaperLeavesATakenPipeOpenForAGrandchild() throws Exception {
        // sh exits at once; its background child writes to the same pipe a moment later
        Process sh = new ProcessBuilder(List.of("sh", "-c", "(sleep 0.3; echo late) & echo early")).start();
        FileChannel ch = PipeChannels.take(sh, 1, sh.getInputStream());
        assertNotNull(ch);
        ByteBuffer buf = ByteBuffer.allocate(64);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ch.read(buf) >= 0 && System.nanoTime() < deadline) {
            // until every writer closed the pipe
        }
        assertTrue(sh.waitFor(20, TimeUnit.SECONDS));
        assertEquals("early\nlate\n", new String(buf.array(), 0, buf.position()));
        ch.close();
    }
}
