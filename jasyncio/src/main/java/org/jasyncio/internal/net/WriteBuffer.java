package org.jasyncio.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * The bytes a stream transport could not send at once: a FIFO of heap chunks, small writes
 * coalesced into the last chunk. It owns copies of the data, so callers may reuse their
 * arrays. Flushing copies as much as fits into the loop's direct write buffer and sends it
 * with one system call (one copy, as the JDK itself makes for heap buffers, but bounded by
 * the direct buffer instead of by the data).
 */
final class WriteBuffer {
    /** Chunk size for small writes, so that many of them coalesce. */
    private static final int CHUNK = 16 * 1024;
    /** Largest chunk: bigger writes are split. */
    private static final int MAX_CHUNK = 1 << 20;

    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private long size;

    boolean isEmpty() {
        return size == 0;
    }

    long size() {
        return size;
    }

    /** Copies {@code len} bytes of {@code data} from {@code off} to the end. */
    void add(byte[] data, int off, int len) {
        if (len == 0) {
            return;
        }
        ByteBuffer last = chunks.peekLast();
        if (last != null) {
            int room = last.capacity() - last.limit();
            if (room >= len) {
                int end = last.limit();
                last.limit(end + len);
                last.put(end, data, off, len);
                size += len;
                return;
            }
        }
        while (len > 0) {
            // large writes are split, so that no single huge array is needed
            int n = Math.min(len, MAX_CHUNK);
            ByteBuffer c = ByteBuffer.allocate(Math.max(n, CHUNK));
            c.put(data, off, n).flip();
            chunks.addLast(c);
            size += n;
            off += n;
            len -= n;
        }
    }

    /** Copies the remaining bytes of {@code src} to the end, advancing its position. */
    void add(ByteBuffer src) {
        int len = src.remaining();
        if (len == 0) {
            return;
        }
        if (src.hasArray()) {
            add(src.array(), src.arrayOffset() + src.position(), len);
            src.position(src.limit());
            return;
        }
        ByteBuffer last = chunks.peekLast();
        if (last != null && last.capacity() - last.limit() >= len) {
            int end = last.limit();
            last.limit(end + len);
            last.put(end, src, src.position(), len);
            src.position(src.limit());
            size += len;
            return;
        }
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), MAX_CHUNK);
            ByteBuffer c = ByteBuffer.allocate(Math.max(n, CHUNK));
            c.put(c.position(), src, src.position(), n).limit(n);
            src.position(src.position() + n);
            chunks.addLast(c);
            size += n;
        }
    }

    /**
     * A transport's write: when nothing is buffered, sends at once through {@code direct} (a
     * bounded copy) what the kernel takes; copies the rest, or everything when bytes are already
     * waiting, to the end.
     *
     * @throws IOException if the write fails; nothing is buffered then
     */
    void send(WritableByteChannel ch, ByteBuffer direct, byte[] data, int off, int len) throws IOException {
        if (size == 0) {
            direct.clear().put(data, off, Math.min(len, direct.capacity())).flip();
            int n = ch.write(direct);
            off += n;
            len -= n;
        }
        add(data, off, len);
    }

    /**
     * Writes from the front until the buffer is empty, the kernel takes less than offered, or
     * {@code rounds} writes were made.
     */
    void flush(WritableByteChannel ch, ByteBuffer direct, int rounds) throws IOException {
        for (int i = 0; i < rounds && size > 0; i++) {
            if (flush(ch, direct.clear()) < 0) {
                return;
            }
        }
    }

    /**
     * Sends from the front: fills {@code direct} (cleared) with as much as fits, writes it
     * once, and drops what was written.
     *
     * @return the bytes written, and whether the write took everything offered (negative
     *         when the kernel took less than was offered: {@code -written - 1})
     */
    long flush(WritableByteChannel ch, ByteBuffer direct) throws IOException {
        for (ByteBuffer c : chunks) {
            int n = Math.min(c.remaining(), direct.remaining());
            direct.put(direct.position(), c, c.position(), n);
            direct.position(direct.position() + n);
            if (!direct.hasRemaining()) {
                break;
            }
        }
        direct.flip();
        int offered = direct.remaining();
        int written = ch.write(direct);
        consume(written);
        return written == offered ? written : -(long) written - 1;
    }

    private void consume(int n) {
        size -= n;
        while (n > 0) {
            ByteBuffer c = chunks.peekFirst();
            int r = c.remaining();
            if (r <= n) {
                chunks.pollFirst();
                n -= r;
            } else {
                c.position(c.position() + n);
                n = 0;
            }
        }
    }

    void clear() {
        chunks.clear();
        size = 0;
    }
}
