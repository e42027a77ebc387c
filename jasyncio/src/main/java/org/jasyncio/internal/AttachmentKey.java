package org.jasyncio.internal;

import java.util.Objects;
import java.util.function.Function;

import org.jasyncio.EventLoop;

/**
 * Names one kind of {@link LoopAttachment} and makes it for a loop on first use: a loop holds at
 * most one attachment per key, so no part of jasyncio keeps a static map keyed by loop.
 *
 * @param <A> the attachment type
 */
public final class AttachmentKey<A extends LoopAttachment> {
    private final String name;
    private final Function<EventLoop, A> factory;

    /**
     * Creates a key.
     *
     * @param name for messages
     * @param factory makes the attachment for a loop
     */
    public AttachmentKey(String name, Function<EventLoop, A> factory) {
        this.name = Objects.requireNonNull(name, "name");
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Makes the attachment for {@code loop}.
     *
     * @param loop the loop
     * @return a new attachment
     */
    public A create(EventLoop loop) {
        return factory.apply(loop);
    }

    @Override
    public String toString() {
        return name;
    }
}
