package org.jasyncio.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

import org.jasyncio.EventLoop;

/**
 * What the network implementation ({@code org.jasyncio.internal.net}) needs from the
 * selector loop beyond the public {@link EventLoop}: channel registration with an
 * {@link IoHandler}, the loop's shared I/O buffers, and callbacks that capture no context.
 * Implemented by the core's selector loop; not exported.
 *
 * <p>Loop-affine: every method must be called on the loop thread (or while the loop is not
 * running).
 */
public interface IoLoop {
    /**
     * Returns the I/O side of {@code loop}.
     *
     * @param loop an event loop made by jasyncio
     * @return its I/O side
     * @throws IllegalArgumentException if the loop has none
     */
    static IoLoop of(EventLoop loop) {
        if (loop instanceof IoLoop io) {
            return io;
        }
        throw new IllegalArgumentException("not a selector event loop: " + loop);
    }

    /**
     * Returns the loop as the public interface.
     *
     * @return the event loop
     */
    EventLoop eventLoop();

    /**
     * Registers {@code channel} with the loop's selector.
     *
     * @param channel a channel in non-blocking mode, not registered with this loop yet
     * @param ops the initial interest set
     * @param handler told when the channel is ready; the key's attachment
     * @return the key
     * @throws IOException if the channel is closed
     * @throws IllegalStateException if the loop is closed
     */
    SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws IOException;

    /**
     * Returns the loop's shared direct buffer for reads: cleared, and valid only until the
     * caller returns to the loop or calls code it does not control.
     *
     * @return the buffer (256 KiB)
     */
    ByteBuffer readBuffer();

    /**
     * Releases the sockets of channels closed while registered with the selector. The JDK
     * keeps such a socket open until the selector next runs (a closed listening socket still
     * completes connections until then); asyncio's {@code sock.close()} releases it at once.
     * Does nothing when called from an I/O handler, whose selector run releases them anyway.
     */
    void releaseClosedChannels();

    /**
     * Returns the loop's shared direct buffer for writes, under the same rules as
     * {@link #readBuffer()}.
     *
     * @return the buffer (256 KiB)
     */
    ByteBuffer writeBuffer();

    /**
     * Schedules an internal callback for the next iteration, without capturing a context.
     *
     * @param callback the callback; an exception it throws goes to the exception handler
     */
    void callSoonInternal(Runnable callback);

    /**
     * Schedules an internal callback after {@code delaySeconds}, without capturing a
     * context.
     *
     * @param delaySeconds at least 0
     * @param callback the callback
     * @return a handle whose {@code cancel()} unschedules it
     */
    org.jasyncio.TimerHandle callLaterInternal(double delaySeconds, Runnable callback);

    /**
     * Rejects a loop-affine call made from another thread while the loop runs.
     *
     * @param what the operation, for the message
     * @throws IllegalStateException if called from another thread while the loop runs
     */
    void checkLoopThread(String what);

    /**
     * Tells whether the loop runs in debug mode.
     *
     * @return the mode
     */
    boolean debug();
}
