package org.jasyncio.internal.net.unix;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jasyncio.EventLoop;
import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;
import org.jasyncio.internal.LoopInternals;

/**
 * The open Unix datagram endpoints of one loop: their sockets are not selector keys, so the
 * loop's close does not reach them by itself; this attachment closes them then.
 *
 * <p>Loop-affine.
 */
final class LoopUnixEndpoints implements LoopAttachment {
    private static final AttachmentKey<LoopUnixEndpoints> KEY =
            new AttachmentKey<>("unix datagram endpoints", l -> new LoopUnixEndpoints());

    private final Set<UnixDatagramTransport> open = new LinkedHashSet<>();

    private LoopUnixEndpoints() {}

    static void add(EventLoop loop, UnixDatagramTransport t) {
        LoopInternals.get().attachment(loop, KEY).open.add(t);
    }

    static void remove(EventLoop loop, UnixDatagramTransport t) {
        LoopUnixEndpoints e = LoopInternals.get().peekAttachment(loop, KEY);
        if (e != null) {
            e.open.remove(t);
        }
    }

    static boolean anyOpen(EventLoop loop) {
        LoopUnixEndpoints e = LoopInternals.get().peekAttachment(loop, KEY);
        return e != null && !e.open.isEmpty();
    }

    @Override
    public void loopClosing() {
        for (UnixDatagramTransport t : new ArrayList<>(open)) {
            try {
                t.loopClosing();
            } catch (Throwable ignored) {
                // the other sockets must still be closed
            }
        }
        open.clear();
    }

    @Override
    public String toString() {
        return "<unix datagram endpoints: " + open.size() + " open>";
    }
}
