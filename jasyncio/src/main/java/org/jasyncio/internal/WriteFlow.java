package org.jasyncio.internal;

import java.util.Objects;
import java.util.function.Supplier;

import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.transports.BaseProtocol;

/**
 * A write transport's flow control: the water marks, whether the protocol is paused, and the
 * calls that pause and resume it; asyncio's {@code _FlowControlMixin}
 * ({@code _maybe_pause_protocol}, {@code _maybe_resume_protocol},
 * {@code set_write_buffer_limits}, {@code get_write_buffer_limits}). The transport keeps its
 * buffer and passes its size in; this class decides and calls.
 *
 * <p>The protocol is told to pause once, when the buffer goes above the high-water mark, and to
 * resume once, when it falls to the low-water mark or below. The paused flag changes before the
 * protocol is called, so a callback that throws leaves the decision made: its error goes to the
 * transport's {@link FailureHandler} and the transport carries on.
 *
 * <p>Loop thread only, as the transport that owns it.
 */
public final class WriteFlow {
    /** Where a {@code pauseWriting()} or {@code resumeWriting()} that threw is reported. */
    @FunctionalInterface
    public interface FailureHandler {
        /**
         * Reports a protocol callback that threw; the transport's rules say how (asyncio's
         * network transports: {@code "protocol.pause_writing() failed"} to the loop's
         * exception handler).
         *
         * @param callback {@code "pauseWriting"} or {@code "resumeWriting"}
         * @param error what the callback threw, {@link Error}s included
         */
        void callbackFailed(String callback, Throwable error);
    }

    private final Supplier<? extends BaseProtocol> protocol;
    private final FailureHandler onFailure;
    private WaterMarks marks = WaterMarks.DEFAULT;
    private boolean paused;

    /**
     * Makes the flow control of one transport, with asyncio's default marks (64 KiB, 16 KiB).
     *
     * @param protocol the protocol to pause and resume, read at each call (it may be replaced)
     * @param onFailure where a throwing callback goes
     * @throws NullPointerException if an argument is {@code null}
     */
    public WriteFlow(Supplier<? extends BaseProtocol> protocol, FailureHandler onFailure) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /**
     * Makes the flow control of a network transport, which reports a throwing callback as
     * asyncio's {@code _FlowControlMixin} does: to {@code loop}'s exception handler, with the
     * message {@code "protocol.pauseWriting() failed"} (or {@code resumeWriting}) and the
     * {@code exception}, {@code transport} and {@code protocol} keys.
     *
     * @param loop the transport's loop
     * @param transport the transport, for the report's {@code transport} key
     * @param protocol the protocol to pause and resume, read at each call (it may be replaced)
     * @return the flow control, with the default marks
     * @throws NullPointerException if an argument is {@code null}
     */
    public static WriteFlow reportingTo(EventLoop loop, Object transport, Supplier<? extends BaseProtocol> protocol) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(transport, "transport");
        return new WriteFlow(protocol, (callback, t) -> loop.callExceptionHandler(ExceptionContext
                .builder("protocol." + callback + "() failed").exception(t).put("transport", transport)
                .put("protocol", protocol.get()).build()));
    }

    /**
     * asyncio's {@code set_write_buffer_limits(high, low)}: sets the marks (resolved by
     * {@link WaterMarks#of}), then pauses the protocol if the buffer is already above the new
     * high mark. A paused protocol is not resumed here, as in asyncio.
     *
     * @param high the high-water mark in bytes, or negative for the default
     * @param low the low-water mark in bytes, or negative for the default
     * @param bufferSize the bytes in the transport's buffer now
     * @throws IllegalArgumentException unless {@code high >= low >= 0} once resolved; the marks
     *         are then unchanged
     */
    public void setLimits(int high, int low, long bufferSize) {
        marks = WaterMarks.of(high, low);
        maybePause(bufferSize);
    }

    /**
     * asyncio's {@code get_write_buffer_limits()}.
     *
     * @return a new array {@code {low, high}}, in bytes
     */
    public int[] limits() {
        return new int[] {marks.low(), marks.high()};
    }

    /**
     * Whether the protocol was told to pause and not yet to resume (asyncio's
     * {@code _protocol_paused}).
     *
     * @return {@code true} while paused
     */
    public boolean paused() {
        return paused;
    }

    /**
     * asyncio's {@code _maybe_pause_protocol}: pauses the protocol if {@code bufferSize} is
     * above the high-water mark and it is not paused yet.
     *
     * @param bufferSize the bytes in the transport's buffer now
     */
    public void maybePause(long bufferSize) {
        if (bufferSize <= marks.high() || paused) {
            return;
        }
        paused = true;
        try {
            protocol.get().pauseWriting();
        } catch (Throwable t) {
            onFailure.callbackFailed("pauseWriting", t);
        }
    }

    /**
     * asyncio's {@code _maybe_resume_protocol}: resumes a paused protocol if
     * {@code bufferSize} is at or below the low-water mark.
     *
     * @param bufferSize the bytes in the transport's buffer now
     */
    public void maybeResume(long bufferSize) {
        if (!paused || bufferSize > marks.low()) {
            return;
        }
        paused = false;
        try {
            protocol.get().resumeWriting();
        } catch (Throwable t) {
            onFailure.callbackFailed("resumeWriting", t);
        }
    }
}
