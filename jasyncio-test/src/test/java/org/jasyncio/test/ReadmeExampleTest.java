package org.jasyncio.test;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import org.jasyncio.EventLoop;
import org.jasyncio.Runner;
import org.jasyncio.TimeoutError;
import org.jasyncio.VirtualClock;
import org.junit.jupiter.api.Test;

/** The README's jasyncio-test example ("Testing code that uses jasyncio"), as printed there. */
class ReadmeExampleTest {
    static String fetchWithRetry(int failures) {          // sleeps 1 s, 2 s, 4 s between tries
        double backoff = 1;
        for (int i = 0; i < failures; i++) {
            sleep(backoff);
            backoff *= 2;
        }
        return "ok";
    }

    @AsyncioTest(virtualTime = true)
    void backsOffExponentially(EventLoop loop) throws Exception {
        var result = createTask(() -> fetchWithRetry(3));
        assertEquals("ok", result.await());
        assertEquals(7.0, loop.time());                    // exact, and in microseconds
    }

    @AsyncioTest(virtualTime = true)
    void anHourOfSleepTakesNoTime(EventLoop loop) {
        assertThrows(TimeoutError.class, () -> waitFor(() -> sleep(3600), 60));
        assertEquals(60.0, loop.time());
    }

    @AsyncioTest(virtualTime = true, autojumpThreshold = Double.POSITIVE_INFINITY)
    void movesTimeByHand(VirtualClock clock) throws Exception {
        var sleeper = createTask(() -> sleep(10));
        sleep(0);                                          // let it start: its timer is due at 10
        clock.advance(10);                                 // Trio's MockClock.jump
        sleeper.await();
    }

    @Test
    void withoutJUnit() throws Exception {
        VirtualClock clock = new VirtualClock();
        try (Runner runner = new Runner(null, clock::newEventLoop)) {
            runner.run(() -> { sleep(3600); });
        }
        assertEquals(3600.0, clock.time());
        try (EventLoop loop = new VirtualClock(Double.POSITIVE_INFINITY).newEventLoop()) {
            VirtualClock.of(loop).advance(5);
            assertEquals(5.0, loop.time());
        }
    }
}
