package org.jasyncio.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.transports.BaseProtocol;
import org.junit.jupiter.api.Test;

/**
 * The one flow-control mechanism of the write transports: pause exactly above the high mark,
 * resume exactly at the low mark or below, once each, and a throwing callback reported without
 * leaving the state half-changed.
 */
class WriteFlowTest {

    /** Records the protocol's flow-control calls in order; throws on demand. */
    private static final class Recorder implements BaseProtocol {
        final List<String> events = new ArrayList<>();
        RuntimeException pauseFault;
        Error resumeFault;

        @Override
        public void pauseWriting() {
            events.add("pause");
            if (pauseFault != null) {
                throw pauseFault;
            }
        }

        @Override
        public void resumeWriting() {
            events.add("resume");
            if (resumeFault != null) {
                throw resumeFault;
            }
        }
    }

    private final Recorder protocol = new Recorder();
    private final List<String> failures = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final WriteFlow flow = new WriteFlow(() -> protocol, (callback, t) -> {
        failures.add(callback);
        errors.add(t);
    });

    @Test
    void defaultsAreAsyncios() {
        assertArrayEquals(new int[] {16 * 1024, 64 * 1024}, flow.limits());
        assertFalse(flow.paused());
    }

    @Test
    void pausesOnlyAboveHighAndOnce() {
        flow.setLimits(100, 10, 0);
        flow.maybePause(100); // at the mark: not above it
        assertEquals(List.of(), protocol.events);
        assertFalse(flow.paused());
        flow.maybePause(101);
        assertTrue(flow.paused());
        flow.maybePause(500);
        flow.maybePause(101);
        assertEquals(List.of("pause"), protocol.events);
        assertEquals(List.of(), failures);
    }

    @Test
    void resumesOnlyAtLowOrBelowAndOnce() {
        flow.setLimits(100, 10, 0);
        flow.maybeResume(0); // never paused: nothing to resume
        flow.maybePause(101);
        flow.maybeResume(50);
        flow.maybeResume(11);
        assertTrue(flow.paused());
        assertEquals(List.of("pause"), protocol.events);
        flow.maybeResume(10);
        assertFalse(flow.paused());
        flow.maybeResume(0);
        assertEquals(List.of("pause", "resume"), protocol.events);
        flow.maybePause(101); // a second round pauses again
        flow.maybeResume(3);
        assertEquals(List.of("pause", "resume", "pause", "resume"), protocol.events);
    }

    @Test
    void newLimitsPauseAtOnceButNeverResume() {
        flow.setLimits(-1, -1, 70_000);
        assertEquals(List.of("pause"), protocol.events);
        flow.setLimits(1_000_000, 500_000, 70_000); // well below the new low: still paused, as asyncio
        assertTrue(flow.paused());
        assertEquals(List.of("pause"), protocol.events);
        flow.maybeResume(70_000);
        assertEquals(List.of("pause", "resume"), protocol.events);
    }

    @Test
    void limitsResolveAsWaterMarks() {
        flow.setLimits(-1, 100, 0);
        assertArrayEquals(new int[] {100, 400}, flow.limits());
        flow.setLimits(800, -1, 0);
        assertArrayEquals(new int[] {200, 800}, flow.limits());
        flow.setLimits(0, 0, 0);
        assertArrayEquals(new int[] {0, 0}, flow.limits());
    }

    @Test
    void badLimitsAreRefusedAndChangeNothing() {
        flow.setLimits(100, 10, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flow.setLimits(10, 100, 50));
        assertEquals("high (10) must be >= low (100) must be >= 0", e.getMessage());
        assertArrayEquals(new int[] {10, 100}, flow.limits());
        assertFalse(flow.paused());
        assertEquals(List.of(), protocol.events);
    }

    @Test
    void throwingPauseGoesToTheHandlerAndStaysPaused() {
        IllegalStateException boom = new IllegalStateException("pause boom");
        protocol.pauseFault = boom;
        flow.setLimits(100, 10, 0);
        flow.maybePause(101);
        assertEquals(List.of("pauseWriting"), failures);
        assertSame(boom, errors.get(0));
        // the decision stands: no second pause, and the next drain resumes
        assertTrue(flow.paused());
        flow.maybePause(200);
        assertEquals(List.of("pause"), protocol.events);
        flow.maybeResume(10);
        assertFalse(flow.paused());
        assertEquals(List.of("pause", "resume"), protocol.events);
        assertEquals(List.of("pauseWriting"), failures);
    }

    @Test
    void throwingResumeIsReportedEvenAnErrorAndStaysResumed() {
        AssertionError boom = new AssertionError("resume boom");
        protocol.resumeFault = boom;
        flow.setLimits(100, 10, 0);
        flow.maybePause(101);
        flow.maybeResume(0);
        assertEquals(List.of("resumeWriting"), failures);
        assertSame(boom, errors.get(0));
        assertFalse(flow.paused());
        flow.maybeResume(0);
        assertEquals(List.of("pause", "resume"), protocol.events);
    }

    @Test
    void theProtocolIsReadAtEachCall() {
        Recorder second = new Recorder();
        BaseProtocol[] current = {protocol};
        WriteFlow f = new WriteFlow(() -> current[0], (callback, t) -> fail(t));
        f.setLimits(100, 10, 0);
        f.maybePause(101);
        current[0] = second; // as setProtocol() does between the two
        f.maybeResume(0);
        assertEquals(List.of("pause"), protocol.events);
        assertEquals(List.of("resume"), second.events);
    }

    @Test
    void reportingToUsesAsynciosMessageAndKeys() {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<ExceptionContext> reports = new ArrayList<>();
            loop.setExceptionHandler((l, context) -> reports.add(context));
            Object transport = new Object();
            RuntimeException boom = new RuntimeException("boom");
            protocol.pauseFault = boom;
            protocol.resumeFault = new OutOfMemoryError("fake");
            WriteFlow f = WriteFlow.reportingTo(loop, transport, () -> protocol);
            f.setLimits(100, 10, 0);
            f.maybePause(101);
            f.maybeResume(10);
            assertEquals(2, reports.size());
            ExceptionContext c = reports.get(0);
            assertEquals("protocol.pauseWriting() failed", c.message());
            assertSame(boom, c.exception());
            assertSame(transport, c.get("transport"));
            assertSame(protocol, c.get("protocol"));
            assertEquals("protocol.resumeWriting() failed", reports.get(1).message());
            assertSame(protocol.resumeFault, reports.get(1).exception());
            assertFalse(f.paused());
        }
    }

    @Test
    void nullArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> new WriteFlow(null, (c, t) -> {}));
        assertThrows(NullPointerException.class, () -> new WriteFlow(() -> protocol, null));
    }
}
