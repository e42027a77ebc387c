package org.jasyncio;

/**
 * Runs a runner's main task. The signal issue hooks Ctrl-C handling in here: the first
 * SIGINT cancels the main task, a second one interrupts.
 */
final class RunnerSupport {
    private RunnerSupport() {}

    static <T> T runMain(BaseEventLoop loop, Task<T> task) throws Exception {
        return loop.runUntilComplete(task);
    }
}
