package org.jasyncio.files;

import java.io.IOException;

import org.jasyncio.Task;
import org.jasyncio.internal.LoopInternals;

/**
 * Runs a blocking file operation on the calling task's loop's default executor and suspends
 * the task until it is done: file I/O in a task would otherwise hold the loop thread, since
 * the JDK gives a blocked carrier a replacement only in its own virtual-thread scheduler.
 */
final class Offload {
    /** A blocking file operation. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }

    private Offload() {}

    /**
     * Runs {@code op} in the default executor of the calling task's loop and waits for it.
     *
     * @param what the public operation, for the error outside a task
     * @param op the blocking call
     * @return its result
     * @throws IOException what {@code op} throws
     * @throws IllegalStateException if called outside a task, or after the loop's default
     *         executor was shut down
     */
    static <T> T call(String what, IoCall<T> op) throws IOException {
        Task<?> task = LoopInternals.get().currentTaskOrNull();
        if (task == null) {
            throw new IllegalStateException(what + " can only be called inside a task (it suspends the task "
                    + "while the default executor does the blocking file I/O); outside a task, use "
                    + "java.nio.file.Files directly");
        }
        try {
            return task.getLoop().runInExecutor(null, op::call).await();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            // op only throws IOException or unchecked exceptions; anything else is a bug here
            throw new IllegalStateException(e);
        }
    }
}
