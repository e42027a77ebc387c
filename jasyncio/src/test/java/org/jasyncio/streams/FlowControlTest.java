package org.jasyncio.streams;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.SocketException;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Task;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.Test;

/** FlowControl: asyncio's FlowControlMixin._drain_helper and the close waiter (test_streams drain tests). */
class FlowControlTest {

    @Test
    void drainReturnsAtOnceUnlessPaused() throws Exception {
        TestLoops.runVirtual(() -> {
            FlowControl f = new FlowControl();
            f.drain();
            f.pauseWriting();
            assertTrue(f.isPaused());
            Task<Void> t = Asyncio.createTask(() -> f.drain());
            Asyncio.sleep(5);
            assertFalse(t.done(), "paused: drain waits");
            Asyncio.getRunningLoop().callLater(1, f::resumeWriting);
            double t0 = Asyncio.getRunningLoop().time();
            t.await();
            assertEquals(1.0, Asyncio.getRunningLoop().time() - t0, 1e-9);
        });
    }

    @Test
    void connectionLostWakesDrainersWithTheError() throws Exception {
        TestLoops.runVirtual(() -> {
            FlowControl f = new FlowControl();
            f.pauseWriting();
            Task<Void> t = Asyncio.createTask(() -> f.drain());
            Asyncio.sleep(1);
            f.connectionLost(new SocketException("Connection reset"));
            assertEquals("Connection reset", assertThrows(SocketException.class, t::await).getMessage());
            assertTrue(f.isLost());
            IOException later = assertThrows(IOException.class, f::drain);
            assertEquals("Connection lost", later.getMessage(), "asyncio: ConnectionResetError('Connection lost')");
            assertThrows(SocketException.class, f::awaitClosed);
        });
    }

    @Test
    void awaitClosedWaitsForTheLoss() throws Exception {
        TestLoops.runVirtual(() -> {
            FlowControl f = new FlowControl();
            Task<Void> t = Asyncio.createTask(() -> f.awaitClosed());
            Asyncio.sleep(3);
            assertFalse(t.done());
            f.connectionLost(null);
            t.await();
            f.awaitClosed(); // at once now
        });
    }

    @Test
    void aCancelledDrainLeavesNoWaiter() throws Exception {
        TestLoops.runVirtual(() -> {
            FlowControl f = new FlowControl();
            f.pauseWriting();
            Task<Void> t = Asyncio.createTask(() -> f.drain());
            Asyncio.sleep(1);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            f.resumeWriting();
            f.drain();
        });
    }

    @Test
    void drainOutsideATaskIsAnError() {
        FlowControl f = new FlowControl();
        f.pauseWriting();
        assertThrows(IllegalStateException.class, f::drain);
    }
}
