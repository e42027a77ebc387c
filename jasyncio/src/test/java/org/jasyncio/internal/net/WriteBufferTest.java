package org.jasyncio.internal.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The transports' write buffer: copies, coalescing, splitting, partial flushes. */
class WriteBufferTest {

    /** A channel that takes at most {@code max} bytes per write. */
    static final class Slow implements WritableByteChannel {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        int max;

        Slow(int max) {
            this.max = max;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(max, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            got.writeBytes(b);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void flushesEverythingInOrderThroughPartialWrites() throws Exception {
        Random r = new Random(1);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        WriteBuffer wb = new WriteBuffer();
        for (int i = 0; i < 500; i++) {
            byte[] d = new byte[r.nextInt(i % 50 == 0 ? 3_000_000 : 2000)];
            r.nextBytes(d);
            expected.writeBytes(d);
            if (i % 3 == 0) {
                ByteBuffer direct = ByteBuffer.allocateDirect(d.length).put(d).flip();
                wb.add(direct);
                assertFalse(direct.hasRemaining());
            } else if (i % 3 == 1) {
                wb.add(ByteBuffer.wrap(d));
            } else {
                wb.add(d, 0, d.length);
            }
            java.util.Arrays.fill(d, (byte) 0); // the buffer copied: the caller may reuse its array
        }
        assertEquals(expected.size(), wb.size());
        Slow ch = new Slow(70_000);
        ByteBuffer direct = ByteBuffer.allocateDirect(256 * 1024);
        while (!wb.isEmpty()) {
            long before = wb.size();
            long n = wb.flush(ch, direct.clear());
            long written = n < 0 ? -n - 1 : n;
            assertEquals(before - wb.size(), written);
            assertTrue(written <= ch.max);
            assertEquals(n < 0, written < Math.min(before, direct.capacity()), "negative when the channel took less");
            ch.max = 1 + r.nextInt(300_000);
        }
        assertEquals(0, wb.size());
        assertArrayEquals(expected.toByteArray(), ch.got.toByteArray());
    }

    @Test
    void clearDropsEverything() throws Exception {
        WriteBuffer wb = new WriteBuffer();
        wb.add(new byte[100], 10, 50);
        assertEquals(50, wb.size());
        wb.clear();
        assertTrue(wb.isEmpty());
        Slow ch = new Slow(1000);
        assertEquals(0, wb.flush(ch, ByteBuffer.allocateDirect(16)));
    }
}
