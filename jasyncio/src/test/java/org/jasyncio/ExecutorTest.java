package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The executor rules of issue 5 that ThreadsTest does not pin down: a blocking job never blocks
 * the loop (the job can only finish if the loop keeps running), a checked exception keeps its
 * type and stack, and shutdownDefaultExecutor(timeout) leaves a late job running to completion.
 */
class ExecutorTest {

    @Test
    void aBlockingJobNeverBlocksTheLoop() throws Exception {
        // The job waits for a latch that only a loop callback counts down: if the job blocked the
        // loop, the callback could never run and the job would time out.
        try (EventLoop loop = Asyncio.newEventLoop()) {
            boolean released = loop.runUntilComplete(() -> {
                CountDownLatch fromLoop = new CountDownLatch(1);
                Future<Boolean> job = loop.runInExecutor(null, () -> fromLoop.await(10, TimeUnit.SECONDS));
                Future<Boolean> viaToThread = createTask(() -> toThread(() -> fromLoop.await(10, TimeUnit.SECONDS)));
                sleep(0.05);
                loop.callSoon(fromLoop::countDown);
                return job.await() && viaToThread.await();
            });
            assertTrue(released, "the loop ran the callback while the jobs blocked");
        }
    }

    @Test
    void aCheckedExceptionReachesTheAwaiterWithItsTypeAndStack() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TestLoops.runVirtual(() -> getRunningLoop()
                .runInExecutor(null, ExecutorTest::failingJob).await()));
        assertEquals("disk on fire", e.getMessage());
        assertEquals("failingJob", e.getStackTrace()[0].getMethodName(), "the stack is where it was thrown");
    }

    private static String failingJob() throws IOException {
        throw new IOException("disk on fire");
    }

    @Test
    void shutdownDefaultExecutorTimeoutLeavesTheJobRunning() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch finished = new CountDownLatch(1);
        try (EventLoop loop = Asyncio.newEventLoop()) {
            loop.runUntilComplete(() -> {
                loop.runInExecutor(null, () -> {
                    Thread.sleep(400);
                    events.add("job finished");
                    finished.countDown();
                    return null;
                });
                sleep(0.05);
                loop.shutdownDefaultExecutor(0.1);
                events.add("shutdown returned");
            });
        }
        assertTrue(finished.await(10, TimeUnit.SECONDS), "the job was not interrupted");
        assertEquals(List.of("shutdown returned", "job finished"), events);
    }
}
