package org.jasyncio.internal.subprocess;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jasyncio.EventLoop;
import org.jasyncio.internal.AttachmentKey;
import org.jasyncio.internal.LoopAttachment;
import org.jasyncio.internal.LoopInternals;

/**
 * The subprocess transports of one loop that have not finished, and its pipes of their own
 * ({@code connectReadPipe}, {@code connectWritePipe}) that are not lost: when the loop closes,
 * their children are all killed first, then reaped under one deadline, so that closing a loop
 * with many running children takes one kill's time, not one per child; then the pipes' pumps
 * stop.
 */
final class LoopChildren implements LoopAttachment {
    private static final AttachmentKey<LoopChildren> KEY =
            new AttachmentKey<>("subprocess children", l -> new LoopChildren());

    private final Set<ProcessTransport> live = new LinkedHashSet<>();
    private final Set<LonePipe> pipes = new LinkedHashSet<>();

    private LoopChildren() {}

    /** Tracks {@code t} until {@link #remove}; loop thread. */
    static void add(EventLoop loop, ProcessTransport t) {
        LoopInternals.get().attachment(loop, KEY).live.add(t);
    }

    /** Stops tracking {@code t}: it finished. */
    static void remove(EventLoop loop, ProcessTransport t) {
        LoopChildren c = LoopInternals.get().peekAttachment(loop, KEY);
        if (c != null) {
            c.live.remove(t);
        }
    }

    /** Tracks {@code p} until {@link #removePipe}; loop thread. */
    static void addPipe(EventLoop loop, LonePipe p) {
        LoopInternals.get().attachment(loop, KEY).pipes.add(p);
    }

    /** Stops tracking {@code p}: it was lost. */
    static void removePipe(EventLoop loop, LonePipe p) {
        LoopChildren c = LoopInternals.get().peekAttachment(loop, KEY);
        if (c != null) {
            c.pipes.remove(p);
        }
    }

    /** Whether {@code loop} has a child that has not finished, or a pipe not lost; loop thread. */
    static boolean anyRunning(EventLoop loop) {
        LoopChildren c = LoopInternals.get().peekAttachment(loop, KEY);
        return c != null && !(c.live.isEmpty() && c.pipes.isEmpty());
    }

    /** The loop closes: kill every child, then reap them all under one deadline. */
    @Override
    public void loopClosing() {
        List<ProcessTransport> all = new ArrayList<>(live);
        live.clear();
        for (ProcessTransport t : all) {
            t.killAtLoopClose();
        }
        long deadline = System.nanoTime() + ProcessTransport.REAP_TIMEOUT_NANOS;
        for (ProcessTransport t : all) {
            t.reapAtLoopClose(deadline);
        }
        List<LonePipe> open = new ArrayList<>(pipes);
        pipes.clear();
        for (LonePipe p : open) {
            p.loopClosing();
        }
    }

    @Override
    public String toString() {
        return "<subprocess transports: " + live.size() + " running, pipes: " + pipes.size() + " open>";
    }
}
