package org.jasyncio.internal.net;

import java.nio.ByteBuffer;

import org.jasyncio.EventLoop;
import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;
import org.jasyncio.internal.LoopInternals;

/**
 * The TLS connections' working buffers, shared by the connections of one loop.
 *
 * <p>A TLS connection needs three buffers of about 16 KiB each (ciphertext in, plaintext in,
 * ciphertext out), but only while it is reading or writing. Between those moments, which is
 * most of the time for most connections, they are empty. A connection borrows a buffer when it
 * starts decrypting or encrypting and gives it back when it is empty again, so an idle
 * connection holds none (Netty's {@code SslHandler} releases its pooled buffers the same way).
 * A buffer that still holds bytes (a partial record, plaintext the application has not taken
 * because it paused reading) stays with its connection until it is empty.
 *
 * <p>Borrowing takes the buffer out of the pool, so a connection that runs inside another's
 * callback (its data callback writes to a second TLS connection) gets a buffer of its own.
 * Loop thread only, like everything the loop owns; the pool keeps a few buffers of each kind
 * and lets the rest go.
 */
final class TlsBuffers implements LoopAttachment {
    private static final AttachmentKey<TlsBuffers> KEY = new AttachmentKey<>("TLS buffers", l -> new TlsBuffers());
    /** Buffers kept per kind: more than one for a borrow nested in another connection's callback. */
    private static final int KEPT = 4;

    /** Ciphertext from the peer, not yet decrypted. */
    final Kind netIn = new Kind();
    /** Plaintext from the peer, not yet given to the application. */
    final Kind appIn = new Kind();
    /** Ciphertext to the peer, until the socket transport has taken it. */
    final Kind netOut = new Kind();

    private TlsBuffers() {}

    /** The pool of {@code loop}; loop thread only. */
    static TlsBuffers of(EventLoop loop) {
        return LoopInternals.get().attachment(loop, KEY);
    }

    /** The buffers of one kind that no connection holds now. */
    static final class Kind {
        private final ByteBuffer[] kept = new ByteBuffer[KEPT];
        private int count;

        /** A clear buffer of at least {@code size} bytes, the pool's or a new one. */
        ByteBuffer take(int size) {
            if (count > 0) {
                ByteBuffer b = kept[--count];
                kept[count] = null;
                if (b.capacity() >= size) {
                    return b.clear();
                }
            }
            return ByteBuffer.allocate(size);
        }

        /** Takes back a buffer whose bytes are all consumed; beyond the few kept, it is let go. */
        void give(ByteBuffer b) {
            if (count < KEPT) {
                kept[count++] = b;
            }
        }
    }
}
