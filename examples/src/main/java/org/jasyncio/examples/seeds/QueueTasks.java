package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.run;
import static org.jasyncio.Asyncio.sleep;

import java.util.List;

import org.jasyncio.queues.Queue;

/**
 * Seed 001, example 1: three tasks, "Async1", "Async2" and "Async3", drain a queue of work
 * items [2, 5, 10, 15, 20]; each item is a number of steps to run.
 *
 * <p>The Python original calls the three "tasks" one after the other on a
 * {@code queue.Queue}, so Async1 does all the work. Here they are real tasks sharing a
 * {@link Queue}: each step yields to the loop with {@code sleep(0)}, so the three run
 * interleaved, one step each in turn, and each takes a new item as soon as it is done with
 * the last one.
 *
 * <pre>
 * ./run-example.sh queue-tasks
 * </pre>
 */
public final class QueueTasks {
    private QueueTasks() {}

    /** One worker: takes items until the queue is empty, one step per loop iteration. */
    static void task(String name, Queue<Integer> work) {
        if (work.empty()) {
            System.out.println("Task " + name + " has nothing to do");
            return;
        }
        while (!work.empty()) {
            int count = work.getNowait();
            int total = 0;
            for (int x = 0; x < count; x++) {
                System.out.println("Task " + name + " is running now");
                total += 1;
                sleep(0); // let the other tasks run a step
            }
            System.out.println("Task " + name + " is running with a total of: " + total);
            work.taskDone();
        }
    }

    /**
     * Runs the three workers over the queue of work.
     *
     * @param args ignored
     * @throws Exception if a worker fails
     */
    public static void main(String[] args) throws Exception {
        run(() -> {
            Queue<Integer> work = new Queue<>();
            for (int item : List.of(2, 5, 10, 15, 20)) {
                work.put(item);
            }
            // the workers return nothing: they go to gather() as tasks (a gather of void lambdas
            // would drop values, so jasyncio has none)
            gather(createTask(() -> task("Async1", work)), createTask(() -> task("Async2", work)),
                    createTask(() -> task("Async3", work))).await();
            work.join(); // every item was taken and finished
        });
    }
}
