package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * An {@link OutOfMemoryError} while a task completes (recording its failure, waking its
 * waiters) must not kill the loop thread: in a forked JVM with a 32 MiB heap ({@link HeapHog}).
 */
class TaskOutOfMemoryTest {

    @Test
    void outOfMemoryWhileATaskCompletesLeavesTheLoopRunning() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Xmx32m", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Djdk.trackAllThreads=false", "-cp", System.getProperty("java.class.path"), HeapHog.class.getName())
                .redirectErrorStream(true).start();
        // never hang the build: a child whose loop hangs is killed, which ends the read below
        Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!p.waitFor(50, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(50, TimeUnit.SECONDS), "the forked JVM did not end");
        } finally {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("SURVIVED woken woken woken woken woken woken woken woken woken woken"), text);
    }
}
