package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** timeout() / timeoutAt() scopes (CPython test_timeouts). */
class TimeoutTest {

    @Test
    void expiredScopeRaisesTimeoutError() throws Exception {
        // test_timeouts.test_timeout_basic
        double[] at = new double[1];
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            double t0 = loop.time();
            Timeout[] scope = new Timeout[1];
            assertThrows(TimeoutError.class, () -> {
                try (Timeout t = timeout(1)) {
                    scope[0] = t;
                    sleep(10);
                }
            });
            at[0] = loop.time() - t0;
            assertTrue(scope[0].expired());
            assertEquals(0, currentTask().cancelling(), "the scope withdrew its cancellation");
        });
        assertEquals(1.0, at[0], 1e-6);
    }

    @Test
    void unexpiredScopeDoesNothing() throws Exception {
        TestLoops.runVirtual(() -> {
            try (Timeout t = timeout(10)) {
                sleep(1);
                assertFalse(t.expired());
            }
            sleep(20); // the deadline is gone
        });
    }

    @Test
    void innerCodeSeesACancellationThatCatchExceptionCannotSwallow() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            assertThrows(TimeoutError.class, () -> {
                try (Timeout t = timeout(1)) {
                    try {
                        sleep(10);
                    } catch (Exception e) {
                        events.add("swallowed");
                    } catch (CancelledError e) {
                        events.add("cleanup on cancellation");
                        throw e;
                    }
                }
            });
        });
        assertEquals(List.of("cleanup on cancellation"), events);
    }

    @Test
    void nestedScopesOnlyTheExpiredOneRaises() throws Exception {
        // test_timeouts.test_nested_timeouts
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            try (Timeout outer = timeout(5)) {
                try (Timeout inner = timeout(1)) {
                    sleep(10);
                } catch (TimeoutError e) {
                    events.add("inner timed out");
                }
                assertFalse(outer.expired());
                sleep(1);
                events.add("outer body continues");
            }
            events.add("outer did not expire");
        });
        assertEquals(List.of("inner timed out", "outer body continues", "outer did not expire"), events);
    }

    @Test
    void outerExpiryPassesThroughAnInnerScope() throws Exception {
        TestLoops.runVirtual(() -> {
            Timeout[] scopes = new Timeout[2];
            assertThrows(TimeoutError.class, () -> {
                try (Timeout outer = timeout(1)) {
                    scopes[0] = outer;
                    try (Timeout inner = timeout(5)) {
                        scopes[1] = inner;
                        sleep(10);
                    }
                }
            });
            assertTrue(scopes[0].expired());
            assertFalse(scopes[1].expired());
        });
    }

    @Test
    void foreignCancelIsNotTurnedIntoATimeout() throws Exception {
        // test_timeouts.test_foreign_cancel_doesnt_timeout
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                try (Timeout scope = timeout(10)) {
                    sleep(100);
                }
            });
            sleep(1);
            t.cancel();
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertFalse(e instanceof TimeoutError);
            assertTrue(t.cancelled());
        });
    }

    @Test
    void foreignCancelAtTheSameTimeAsExpiryStaysACancel() throws Exception {
        // test_timeouts.test_foreign_cancel_doesnt_timeout_if_not_expired + racing expiry
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                try (Timeout scope = timeout(1)) {
                    sleep(100);
                }
            });
            getRunningLoop().callLater(1, t::cancel); // same deadline, scheduled after the scope's timer
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled(), "the task ends cancelled, not failed with TimeoutError: " + e);
        });
    }

    @Test
    void rescheduleMovesTheDeadline() throws Exception {
        // test_timeouts.test_timeout_reschedule / test_timeout_none
        double elapsed = TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            double t0 = loop.time();
            try (Timeout t = timeout(Double.POSITIVE_INFINITY)) {
                assertEquals(Double.POSITIVE_INFINITY, t.when());
                t.reschedule(loop.time() + 3);
                sleep(10);
            } catch (TimeoutError e) {
                return loop.time() - t0;
            }
            return -1.0;
        });
        assertEquals(3.0, elapsed, 1e-6);
    }

    @Test
    void timeoutAtInThePastExpiresAtTheNextSuspension() throws Exception {
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            assertThrows(TimeoutError.class, () -> {
                try (Timeout t = timeoutAt(loop.time() - 1)) {
                    sleep(0);
                    sleep(0);
                }
            });
        });
    }

    @Test
    void lambdaFormReturnsOrRaises() throws Exception {
        TestLoops.runVirtual(() -> {
            assertEquals("ok", timeout(2, () -> sleep(1, "ok")));
            assertThrows(TimeoutError.class, () -> timeout(1, () -> sleep(2, "late")));
        });
    }

    @Test
    void rescheduleAfterExpiryIsAnError() throws Exception {
        TestLoops.runVirtual(() -> {
            Timeout[] scope = new Timeout[1];
            assertThrows(TimeoutError.class, () -> {
                try (Timeout t = timeout(1)) {
                    scope[0] = t;
                    sleep(2);
                }
            });
            assertThrows(IllegalStateException.class, () -> scope[0].reschedule(100));
        });
    }

    @Test
    void taskEndingWithTimeoutErrorHasFailedNotBeenCancelled() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                try (Timeout scope = timeout(1)) {
                    sleep(5);
                }
            });
            assertThrows(TimeoutError.class, t::await);
            assertFalse(t.cancelled());
            assertInstanceOf(TimeoutError.class, t.exception());
        });
    }

    @Test
    void timeoutOutsideATaskIsAnError() {
        assertThrows(IllegalStateException.class, () -> timeout(1));
        assertThrows(IllegalArgumentException.class, () -> TestLoops.runVirtual(() -> timeout(Double.NaN)));
    }
}
