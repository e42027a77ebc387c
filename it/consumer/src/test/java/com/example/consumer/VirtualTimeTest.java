package com.example.consumer;

import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jasyncio.test.AsyncioTest;

/** A user's @AsyncioTest on virtual time: an hour of sleep in well under a second. */
class VirtualTimeTest {

    @AsyncioTest(virtualTime = true)
    void anHourOfSleepRunsAtOnce() {
        long t0 = System.nanoTime();
        double start = getRunningLoop().time();
        for (int i = 0; i < 60; i++) {
            sleep(60);
        }
        assertEquals(3600.0, getRunningLoop().time() - start, 1e-6);
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "an hour of virtual time took a second of real time");
    }
}
