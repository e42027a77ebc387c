package org.jasyncio;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;

/**
 * The attachments a loop carries (its subprocess children, its async generators), one per key,
 * made on first use, told when the runner shuts the loop down and when it closes (in reverse
 * order of creation). Loop thread only.
 */
final class LoopAttachments {
    private final BaseEventLoop loop;
    private final Map<AttachmentKey<?>, LoopAttachment> byKey = new LinkedHashMap<>();

    LoopAttachments(BaseEventLoop loop) {
        this.loop = loop;
    }

    @SuppressWarnings("unchecked")
    <A extends LoopAttachment> A get(AttachmentKey<A> key) {
        LoopAttachment a = byKey.get(key);
        if (a == null) {
            loop.checkClosed();
            a = key.create(loop);
            byKey.put(key, a);
        }
        return (A) a;
    }

    @SuppressWarnings("unchecked")
    <A extends LoopAttachment> A peek(AttachmentKey<A> key) {
        return (A) byKey.get(key);
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** The runner's shutdown step, in a task of the loop. */
    void shutdown() {
        for (LoopAttachment a : new ArrayList<>(byKey.values())) {
            a.loopShuttingDown();
        }
    }

    /** The loop closes: each attachment lets go, the last made first. */
    void close() {
        List<LoopAttachment> all = new ArrayList<>(byKey.values());
        byKey.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).loopClosing();
            } catch (Throwable t) {
                Debug.LOG.log(Level.WARNING, "error releasing " + all.get(i) + " at loop close", t);
            }
        }
    }
}
