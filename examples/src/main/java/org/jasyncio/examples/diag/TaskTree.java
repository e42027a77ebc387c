package org.jasyncio.examples.diag;

import static org.jasyncio.Asyncio.*;

import java.util.List;

import org.jasyncio.Task;

/**
 * {@code task-tree}: a program to look at from outside. It prints {@code pid <pid>}, then for
 * N seconds (default 60, {@code --seconds N}) a main task gathers {@code worker-1} ..
 * {@code worker-3}, each awaiting a task {@code fetch-i} that sleeps. Meanwhile, from another
 * shell:
 *
 * <pre>
 * java -jar jasyncio/target/jasyncio-0.1.0-SNAPSHOT.jar ps PID
 * java -jar jasyncio/target/jasyncio-0.1.0-SNAPSHOT.jar pstree PID
 * jcmd PID JFR.start name=t duration=5s filename=/tmp/task-tree.jfr
 * </pre>
 *
 * The same program in Python 3.14 (see {@code docs/task_tree.py}):
 *
 * <pre>{@code
 * async def fetch(i, seconds):
 *     await asyncio.sleep(seconds)
 *
 * async def worker(i, seconds):
 *     await asyncio.create_task(fetch(i, seconds), name=f"fetch-{i}")
 *
 * async def main(seconds):
 *     await asyncio.gather(*(asyncio.create_task(worker(i, seconds), name=f"worker-{i}")
 *                            for i in (1, 2, 3)))
 * }</pre>
 */
public final class TaskTree {
    private TaskTree() {}

    static void fetch(double seconds) throws Exception {
        sleep(seconds);
    }

    static void worker(int i, double seconds) throws Exception {
        createTask(() -> {
            fetch(seconds);
            return null;
        }, "fetch-" + i).await();
    }

    static void main(double seconds) throws Exception {
        List<Task<Object>> workers = List.of(1, 2, 3).stream().map(i -> createTask(() -> {
            worker(i, seconds);
            return null;
        }, "worker-" + i)).toList();
        gather(workers).await();
    }

    /**
     * Runs the program.
     *
     * @param args {@code [--seconds N]}
     * @throws Exception if the program fails
     */
    public static void main(String[] args) throws Exception {
        double seconds = 60;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Double.parseDouble(args[++i]);
            } else {
                throw new IllegalArgumentException("usage: task-tree [--seconds N], got " + String.join(" ", args));
            }
        }
        System.out.println("pid " + ProcessHandle.current().pid());
        System.out.flush();
        double s = seconds;
        run(() -> {
            main(s);
            return null;
        });
    }
}
