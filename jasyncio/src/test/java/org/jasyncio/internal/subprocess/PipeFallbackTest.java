package org.jasyncio.internal.subprocess;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import org.jasyncio.Asyncio;
import org.jasyncio.Future;
import org.jasyncio.transports.SubprocessProtocol;
import org.junit.jupiter.api.Test;

/**
 * Without {@link PipeChannels} (a {@link java.lang.Process} that is not the JDK's, as on another
 * JDK or OS) the pump reads the process's stream: data, pause and resume, end of file and the
 * exit work all the same.
 */
class PipeFallbackTest {

    /** A stream fed by the test; an empty array is the end of file. */
    static final class FedStream extends InputStream {
        final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private boolean eof;

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (eof) {
                return -1;
            }
            byte[] c;
            try {
                c = chunks.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (c.length == 0) {
                eof = true;
                return -1;
            }
            System.arraycopy(c, 0, b, off, c.length); // the test feeds small chunks
            return c.length;
        }
    }

    /** A child that the test drives: its stdout, and its exit. */
    static final class FakeChild extends java.lang.Process {
        final FedStream stdout = new FedStream();
        final CompletableFuture<java.lang.Process> exit = new CompletableFuture<>();

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return stdout;
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return exit.join().exitValue();
        }

        @Override
        public int exitValue() {
            if (!exit.isDone()) {
                throw new IllegalThreadStateException("running");
            }
            return 0;
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public long pid() {
            return 999_999_999L;
        }

        @Override
        public CompletableFuture<java.lang.Process> onExit() {
            return exit;
        }

        @Override
        public void destroy() {
            exit.complete(this);
        }
    }

    @Test
    void withoutAChannelThePumpReadsTheStream() throws Exception {
        Asyncio.run(() -> {
            StringBuilder got = new StringBuilder();
            Future<Void> stdoutLost = getRunningLoop().createFuture();
            Future<Void> lost = getRunningLoop().createFuture();
            SubprocessProtocol protocol = new SubprocessProtocol() {
                @Override
                public void pipeDataReceived(int fd, byte[] data) {
                    got.append(new String(data, US_ASCII));
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
            };
            FakeChild child = new FakeChild();
            ProcessTransport t = new ProcessTransport(getRunningLoop(), protocol, PipeChannels.takeAll(child), "fake", false,
                    true, false);
            ReadPipeTransport out = (ReadPipeTransport) t.getPipeTransport(1);
            assertFalse(out.readsChannel());
            t.connect();

            child.stdout.chunks.add("one ".getBytes(US_ASCII));
            while (got.length() < 4) {
                sleep(0.01);
            }
            out.pauseReading();
            child.stdout.chunks.add("two ".getBytes(US_ASCII));
            child.stdout.chunks.add("three".getBytes(US_ASCII));
            while (out.heldBytes() < 9) {
                sleep(0.01);
            }
            assertEquals("one ", got.toString(), "nothing is delivered while paused");
            out.resumeReading();
            child.stdout.chunks.add(new byte[0]);
            stdoutLost.await();
            assertEquals("one two three", got.toString());

            child.exit.complete(child);
            assertEquals(0, t.waitForExit());
            lost.await();
            return null;
        });
    }
}
