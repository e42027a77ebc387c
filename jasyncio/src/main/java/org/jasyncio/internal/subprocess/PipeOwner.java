package org.jasyncio.internal.subprocess;

import org.jasyncio.Context;
import org.jasyncio.EventLoop;
import org.jasyncio.transports.BaseProtocol;

/**
 * What a {@link ReadPipeTransport} or {@link WritePipeTransport} reports to: the
 * {@link ProcessTransport} of a child (its stdin, stdout and stderr), or a {@link LonePipe}
 * (asyncio's {@code connect_read_pipe} and {@code connect_write_pipe}). The pumps are the same
 * for both; only where the events go differs.
 *
 * <p>Loop-affine, except {@link #post}, which any thread may call.
 */
interface PipeOwner {
    /** The loop the pipe belongs to. */
    EventLoop loop();

    /** Whether the loop was in debug mode when the pipe was made. */
    boolean debug();

    /**
     * The context the pipe's events run in: the one of the call that made the pipe.
     *
     * @return the context
     */
    Context context();

    /**
     * Posts {@code r} to the loop, in the pipe's context; any thread.
     *
     * @param r what to run on the loop thread
     * @return {@code false} once the loop is closed (nothing was posted)
     */
    default boolean post(Runnable r) {
        try {
            loop().callSoonThreadsafe(r, context());
            return true;
        } catch (IllegalStateException closedLoop) {
            return false;
        }
    }

    /**
     * Schedules {@code r} for the next iteration, in the pipe's context; loop thread.
     *
     * @param r what to run
     */
    default void callSoon(Runnable r) {
        loop().callSoon(r, context());
    }

    /**
     * Names pipe {@code fd} for thread names and {@code toString()}: {@code pid=123 fd=1} for a
     * child's, the path or stream for another.
     */
    String pipeLabel(int fd);

    /**
     * Names the pump thread of pipe {@code fd}, after {@code jasyncio-pipe-}: {@code 123-stdout}
     * for a child's, the label for another.
     */
    String pipeThreadName(int fd);

    /** Bytes read from pipe {@code fd}. */
    void pipeDataReceived(int fd, byte[] data);

    /** Pipe {@code fd} reached its end; {@link #pipeConnectionLost} follows at once. */
    void pipeEofReceived(int fd);

    /** Pipe {@code fd} is closed: at its end, by close or abort, or by an error {@code exc}. */
    void pipeConnectionLost(int fd, Exception exc);

    /**
     * A callback of {@link #getProtocol()} threw (the write pipe's {@code pauseWriting} or
     * {@code resumeWriting} among them): reports it to the loop's exception handler as
     * {@code "Exception in <Protocol>.<callback>()"}; the pipe carries on.
     */
    void reportCallback(String callback, Throwable t);

    /**
     * Whether {@code write()} after the transport's own {@code close()} or {@code abort()}
     * throws (a child's stdin, as jasyncio has always done) or drops the data (asyncio's rule,
     * which a pipe of its own follows, as the selector's pipes and the network transports do).
     */
    boolean refusesWritesAfterClose();

    /** Why a write found the pipe broken, for the {@code BrokenPipeError}'s message. */
    String brokenPipeReason();

    /** The protocol that hears about the pipe. */
    BaseProtocol getProtocol();

    /** asyncio's {@code transport.set_protocol()} called on the pipe transport. */
    void setPipeProtocol(BaseProtocol protocol);

    /** asyncio's {@code get_extra_info(name, default)} for the pipe transport. */
    Object pipeExtraInfo(String name, Object defaultValue);
}
