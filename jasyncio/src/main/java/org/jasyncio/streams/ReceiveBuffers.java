package org.jasyncio.streams;

import java.util.Arrays;

import org.jasyncio.EventLoop;
import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;
import org.jasyncio.internal.LoopInternals;

/**
 * The receive arrays that the stream readers of one loop borrow while they hold unread bytes.
 *
 * <p>A transport reads straight into a reader's array (the reader is fed as a
 * {@code BufferedProtocol}). A reader borrows an array when bytes arrive and gives it back as
 * soon as a task has read everything, so an idle connection holds none, and the next
 * connection to receive reuses an array that is still in the CPU's cache instead of a fresh
 * one per read. An array the reader hands to its caller whole, or outgrows, simply leaves the
 * pool. Loop thread only, like everything the loop owns.
 */
final class ReceiveBuffers implements LoopAttachment {
    private static final AttachmentKey<ReceiveBuffers> KEY =
            new AttachmentKey<>("stream receive buffers", l -> new ReceiveBuffers());
    /** The size of a pooled array: one read of a 64 KiB message lands whole. */
    static final int SIZE = 64 * 1024;
    /** Arrays kept: enough for the connections that receive in one loop iteration, 2 MiB at most. */
    private static final int KEPT = 32;

    private final byte[][] kept = new byte[KEPT][];
    private int count;

    private ReceiveBuffers() {}

    /** The pool of {@code loop}; loop thread only. */
    static ReceiveBuffers of(EventLoop loop) {
        return LoopInternals.get().attachment(loop, KEY);
    }

    /** An array of {@link #SIZE} bytes, the pool's or a new one; its contents are garbage. */
    byte[] take() {
        if (count > 0) {
            byte[] b = kept[--count];
            kept[count] = null;
            return b;
        }
        return new byte[SIZE];
    }

    /** Takes back an array of {@link #SIZE} bytes whose bytes are all consumed. */
    void give(byte[] b) {
        if (count < KEPT) {
            kept[count++] = b;
        }
    }

    @Override
    public void loopClosing() {
        Arrays.fill(kept, null);
        count = 0;
    }
}
