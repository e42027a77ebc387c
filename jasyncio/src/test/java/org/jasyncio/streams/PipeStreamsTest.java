package org.jasyncio.streams;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

import org.jasyncio.Asyncio;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;

/** PipeStreams: a StreamReader and a StreamWriter over the two ends of a pipe, on the selector and on the pumps. */
class PipeStreamsTest {

    private static void roundTrip(ReadableByteChannel in, WritableByteChannel out) throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Asyncio.run(() -> {
            StreamReader reader = PipeStreams.openReadPipe(in);
            StreamWriter writer = PipeStreams.openWritePipe(out);
            Task<byte[]> all = Asyncio.createTask(() -> reader.read(-1));
            for (int off = 0; off < big.length; off += 100_000) {
                writer.write(Arrays.copyOfRange(big, off, Math.min(big.length, off + 100_000)));
                writer.drain(); // bounded by the pipe's high-water mark while the reader reads
                assertTrue(writer.transport().getWriteBufferSize() <= 64 * 1024);
            }
            writer.close();
            writer.waitClosed();
            assertArrayEquals(big, all.await());
            assertTrue(reader.atEof());
        });
    }

    @Test
    void threeMebibytesGoThroughByteExactOnTheSelector() throws Exception {
        Pipe pipe = Pipe.open();
        roundTrip(pipe.source(), pipe.sink());
    }

    @Test
    void threeMebibytesGoThroughByteExactOnThePumps() throws Exception {
        Pipe pipe = Pipe.open();
        roundTrip(Channels.newChannel(Channels.newInputStream(pipe.source())),
                Channels.newChannel(Channels.newOutputStream(pipe.sink())));
    }

    @Test
    void drainRaisesOnceTheReaderIsGone() throws Exception {
        Pipe pipe = Pipe.open();
        Asyncio.run(() -> {
            StreamWriter writer = PipeStreams.openWritePipe(pipe.sink());
            pipe.source().close();
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    writer.write(new byte[64 * 1024]);
                    writer.drain();
                }
            });
            assertNotNull(e.getMessage());
            assertFalse(pipe.sink().isOpen());
        });
    }

    @Test
    void outsideATaskIsRefused() throws Exception {
        Pipe pipe = Pipe.open();
        assertThrows(IllegalStateException.class, () -> PipeStreams.openReadPipe(pipe.source()));
        assertThrows(IllegalStateException.class, () -> PipeStreams.openWritePipe(pipe.sink()));
        assertTrue(pipe.source().isOpen() && pipe.sink().isOpen(), "nothing taken over");
        pipe.source().close();
        pipe.sink().close();
    }
}
