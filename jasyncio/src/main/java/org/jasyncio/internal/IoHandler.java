package org.jasyncio.internal;

import java.nio.channels.SelectionKey;

/**
 * What a selection key's attachment implements to be told, on the loop thread, that its
 * channel is ready. The selector loop calls {@link #ready} inline, while it dispatches the
 * keys that one {@code select} reported (as Netty's {@code processSelectedKeys} and libuv's
 * poll phase do), so an implementation must not block, must not call {@code select}, and
 * must catch what its callbacks throw. Not exported.
 */
public interface IoHandler {
    /**
     * Handles readiness; {@code key.readyOps()} tells which operations are ready.
     *
     * @param key the ready key; it may have been cancelled meanwhile, check
     *        {@link SelectionKey#isValid()}
     */
    void ready(SelectionKey key);

    /**
     * Called once when the loop closes while the channel is still registered: release the
     * channel (transports close it, so that no file descriptor outlives the loop).
     */
    default void loopClosing() {}

    /**
     * Called on the loop thread when {@link #ready} threw {@code error} instead of handling
     * it: release what the handler holds (a transport closes its channel and drops its
     * write buffer; a listening socket stops accepting for a while). The loop reports
     * {@code error} to its exception handler right after, so this method does not.
     *
     * @param error what {@code ready} threw
     */
    default void failed(Throwable error) {}
}
