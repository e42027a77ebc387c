package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@link WriteTransport#writelines}'s default, which the pipe transports use: one write of the
 * arrays joined, as asyncio's base {@code WriteTransport.writelines} does, and nothing written
 * when an argument is refused.
 */
class WritelinesDefaultTest {

    /** Only what the default reaches: the three-argument write, recorded. */
    private static final class Recorder implements WriteTransport {
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public void write(byte[] data, int off, int len) {
            writes.add(Arrays.copyOfRange(data, off, off + len));
        }

        @Override
        public void write(byte[] data) {
            throw new AssertionError("not used by writelines");
        }

        @Override
        public void write(ByteBuffer data) {
            throw new AssertionError("not used by writelines");
        }

        @Override
        public void writeEof() {}

        @Override
        public boolean canWriteEof() {
            return true;
        }

        @Override
        public void abort() {}

        @Override
        public void setWriteBufferLimits(int high, int low) {}

        @Override
        public int[] getWriteBufferLimits() {
            return new int[] {0, 0};
        }

        @Override
        public long getWriteBufferSize() {
            return 0;
        }

        @Override
        public Object getExtraInfo(String name, Object defaultValue) {
            return defaultValue;
        }

        @Override
        public boolean isClosing() {
            return false;
        }

        @Override
        public void close() {}

        @Override
        public void setProtocol(BaseProtocol protocol) {}

        @Override
        public BaseProtocol getProtocol() {
            return null;
        }
    }

    private final Recorder transport = new Recorder();

    @Test
    void joinsTheArraysIntoOneWrite() {
        transport.writelines(List.of("ab".getBytes(), new byte[0], "cde".getBytes()));
        assertEquals(1, transport.writes.size());
        assertArrayEquals("abcde".getBytes(), transport.writes.get(0));
    }

    @Test
    void noArraysIsOneEmptyWrite() {
        transport.writelines(List.of());
        assertEquals(1, transport.writes.size());
        assertEquals(0, transport.writes.get(0).length);
    }

    @Test
    void aOneShotIterableIsReadOnce() {
        Iterator<byte[]> once = List.of("x".getBytes(), "yz".getBytes()).iterator();
        Iterable<byte[]> oneShot = () -> {
            if (!once.hasNext()) {
                throw new AssertionError("iterated twice");
            }
            return once;
        };
        transport.writelines(oneShot);
        assertArrayEquals("xyz".getBytes(), transport.writes.get(0));
    }

    @Test
    void theArraysAreCopiedBeforeTheWrite() {
        byte[] a = "abc".getBytes();
        transport.writelines(List.of(a));
        a[0] = 'z';
        assertArrayEquals("abc".getBytes(), transport.writes.get(0));
    }

    @Test
    void nullsAreRefusedAndNothingIsWritten() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> transport.writelines(null));
        assertEquals("data", e.getMessage());
        e = assertThrows(NullPointerException.class,
                () -> transport.writelines(Arrays.asList("a".getBytes(), null, "b".getBytes())));
        assertEquals("data element", e.getMessage());
        assertEquals(List.of(), transport.writes);
    }

    @Test
    void moreThanOneWriteTakesIsRefusedNamingTheLimit() {
        // 2048 references to one MiB: 2 GiB in all, one allocation only
        byte[] mib = new byte[1 << 20];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> transport.writelines(Collections.nCopies(2048, mib)));
        assertTrue(e.getMessage().contains("2147483648 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("Integer.MAX_VALUE"), e.getMessage());
        assertEquals(List.of(), transport.writes);
    }
}
