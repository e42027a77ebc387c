package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;

import org.jasyncio.EventLoop;
import org.jasyncio.Task;

/**
 * Seed 3, {@code sample-task}: one task that takes three seconds, run to completion on a
 * loop made by hand; its result is read after the loop is closed. The source is seed 001,
 * "Python Async" (educba.com), examples 3 and 4 (the same program twice):
 *
 * <pre>{@code
 * import asyncio
 * async def sample_task(task_seconds):
 *     print('Task takes {} seconds to complete'.format(task_seconds))
 *     await asyncio.sleep(task_seconds)
 *     return 'task has been completed'
 * if __name__ == '__main__':
 *     sample_event = asyncio.get_event_loop()
 *     try:
 *         print('Creation of tasks started')
 *         task_object_loop = sample_event.create_task(sample_task(task_seconds=3))
 *         sample_event.run_until_complete(task_object_loop)
 *     finally:
 *         sample_event.close()
 *     print("Task status: {}".format(task_object_loop.result()))
 * }</pre>
 *
 * Its output: {@code Creation of tasks started}, {@code Task takes 3 seconds to complete},
 * then three seconds later {@code Task status: task has been completed}. The port, line by
 * line:
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code async def sample_task(task_seconds):}</td><td>{@code static String sampleTask(int taskSeconds)}</td></tr>
 * <tr><td>{@code print('Task takes {} seconds to complete'.format(task_seconds))}</td>
 *     <td>{@code System.out.println("Task takes %s seconds to complete".formatted(taskSeconds));}</td></tr>
 * <tr><td>{@code await asyncio.sleep(task_seconds)}</td><td>{@code sleep(taskSeconds);}</td></tr>
 * <tr><td>{@code return 'task has been completed'}</td><td>{@code return "task has been completed";}</td></tr>
 * <tr><td>{@code sample_event = asyncio.get_event_loop()}</td><td>{@code EventLoop sampleEvent = newEventLoop();}</td></tr>
 * <tr><td>{@code try:}</td><td><code>try {</code></td></tr>
 * <tr><td>{@code print('Creation of tasks started')}</td><td>{@code System.out.println("Creation of tasks started");}</td></tr>
 * <tr><td>{@code task_object_loop = sample_event.create_task(sample_task(task_seconds=3))}</td>
 *     <td>{@code taskObjectLoop = sampleEvent.createTask(() -> sampleTask(3));}</td></tr>
 * <tr><td>{@code sample_event.run_until_complete(task_object_loop)}</td>
 *     <td>{@code sampleEvent.runUntilComplete(taskObjectLoop);}</td></tr>
 * <tr><td>{@code finally:}</td><td><code>} finally {</code></td></tr>
 * <tr><td>{@code sample_event.close()}</td><td>{@code sampleEvent.close();}</td></tr>
 * <tr><td>{@code print("Task status: {}".format(task_object_loop.result()))}</td>
 *     <td>{@code System.out.println("Task status: %s".formatted(taskObjectLoop.result()));}</td></tr>
 * </table>
 *
 * <p>A task's result outlives its loop: {@code result()} works after {@code close()}.
 * Python's {@code sample_task(task_seconds=3)} creates a coroutine object; the Java lambda
 * {@code () -> sampleTask(3)} is the coroutine the task will run.
 */
public final class SampleTask {
    private SampleTask() {}

    static String sampleTask(int taskSeconds) {
        System.out.println("Task takes %s seconds to complete".formatted(taskSeconds));
        sleep(taskSeconds);
        return "task has been completed";
    }

    /**
     * Runs the program: about three seconds.
     *
     * @param args ignored
     * @throws Exception if the task fails
     */
    public static void main(String[] args) throws Exception {
        EventLoop sampleEvent = newEventLoop();
        Task<String> taskObjectLoop;
        try {
            System.out.println("Creation of tasks started");
            taskObjectLoop = sampleEvent.createTask(() -> sampleTask(3));
            sampleEvent.runUntilComplete(taskObjectLoop);
        } finally {
            sampleEvent.close();
        }
        System.out.println("Task status: %s".formatted(taskObjectLoop.result()));
    }
}
