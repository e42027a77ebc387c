package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;
import static org.jasyncio.examples.seeds.PyTime.time;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.VoidCoroutine;

/**
 * Seed 4, {@code sync-vs-async}: five one-second hellos one after another (five seconds),
 * then five coroutines that sleep one second each, awaited together (one second). The
 * source is seed 002, "python_async" (hejiahua007, after a CSDN post by brucewong0516),
 * whose two programs are ported as the nested classes {@link Sync} and {@link Async}.
 *
 * <p>The synchronous program:
 *
 * <pre>{@code
 * import time
 *
 * def hello():
 *     time.sleep(1)
 *
 * def run():
 *     for i in range(5):
 *         hello()
 *         print('Hello World:%s' % time.time())
 * if __name__ == '__main__':
 *     run()
 * }</pre>
 *
 * Its output: {@code Hello World:1536842494.2786784} five times, one second apart. The
 * asynchronous program (its two comments translated from Chinese):
 *
 * <pre>{@code
 * import time
 * import asyncio
 *
 * # define an asynchronous function
 * async def hello():
 *     print('Hello World:%s' % time.time())
 *     # await is required here, not yield from (yield from goes with @asyncio.coroutine)
 *     await asyncio.sleep(1)
 *     print('Hello wow World:%s' % time.time())
 *
 * def run():
 *     tasks = []
 *     for i in range(5):
 *         tasks.append(hello())
 *     loop.run_until_complete(asyncio.wait(tasks))
 *
 * loop = asyncio.get_event_loop()
 * if __name__ =='__main__':
 *     run()
 * }</pre>
 *
 * Its output: {@code Hello World:1536855050.1950748} five times at once, then about one
 * second later {@code Hello wow World:1536855051.1993241} five times. The port, line by
 * line:
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code def hello():} (sync)</td><td>{@code static void hello() throws InterruptedException}</td></tr>
 * <tr><td>{@code time.sleep(1)}</td><td>{@code Thread.sleep(1000);}</td></tr>
 * <tr><td>{@code def run():} (sync)</td><td>{@code static void run() throws InterruptedException}</td></tr>
 * <tr><td>{@code for i in range(5):}</td><td>{@code for (int i = 0; i < 5; i++)}</td></tr>
 * <tr><td>{@code hello()}</td><td>{@code hello();}</td></tr>
 * <tr><td>{@code print('Hello World:%s' % time.time())}</td>
 *     <td>{@code System.out.println("Hello World:%s".formatted(time()));}</td></tr>
 * <tr><td>{@code async def hello():}</td><td>{@code static void hello()}</td></tr>
 * <tr><td>{@code await asyncio.sleep(1)}</td><td>{@code sleep(1);}</td></tr>
 * <tr><td>{@code print('Hello wow World:%s' % time.time())}</td>
 *     <td>{@code System.out.println("Hello wow World:%s".formatted(time()));}</td></tr>
 * <tr><td>{@code def run():} (async)</td><td>{@code static void run() throws Exception}</td></tr>
 * <tr><td>{@code tasks = []}</td><td>{@code List<VoidCoroutine> tasks = new ArrayList<>();}</td></tr>
 * <tr><td>{@code tasks.append(hello())}</td><td>{@code tasks.add(Async::hello);}</td></tr>
 * <tr><td>{@code loop.run_until_complete(asyncio.wait(tasks))}</td>
 *     <td>{@code loop.runUntilComplete(() -> Asyncio.wait(tasks));}</td></tr>
 * <tr><td>{@code loop = asyncio.get_event_loop()}</td><td>{@code loop = newEventLoop();}</td></tr>
 * <tr><td>{@code run()}</td><td>{@code run();} (then {@code loop.close()}, which Python
 *     leaves to the interpreter's exit)</td></tr>
 * </table>
 *
 * <p>Notes for Python programmers:
 * <ul>
 * <li>{@code asyncio.wait} is written {@code Asyncio.wait}: inside any Java class the bare
 *     name {@code wait} means {@link Object#wait()}, which hides the static import.</li>
 * <li>Python appends five coroutine objects; Java appends the coroutine function five times
 *     (the same object, possibly). {@code wait} wraps each element of the list in its own
 *     task, so five tasks run either way. (Python 3.11 no longer accepts coroutines in
 *     {@code wait}; jasyncio does, as older Pythons did.)</li>
 * <li>{@code Thread.sleep} outside a task blocks the thread, as {@code time.sleep} does.
 *     (Inside a jasyncio task it would only park that task's virtual thread; see
 *     {@link Asyncio}.)</li>
 * </ul>
 */
public final class SyncVsAsync {
    private SyncVsAsync() {}

    /** The synchronous program: five seconds. */
    static final class Sync {
        private Sync() {}

        static void hello() throws InterruptedException {
            Thread.sleep(1000);
        }

        static void run() throws InterruptedException {
            for (int i = 0; i < 5; i++) {
                hello();
                System.out.println("Hello World:%s".formatted(time()));
            }
        }
    }

    /** The asynchronous program: one second. */
    static final class Async {
        private Async() {}

        static EventLoop loop;

        static void hello() {
            System.out.println("Hello World:%s".formatted(time()));
            sleep(1);
            System.out.println("Hello wow World:%s".formatted(time()));
        }

        static void run() throws Exception {
            List<VoidCoroutine> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(Async::hello);
            }
            loop.runUntilComplete(() -> Asyncio.wait(tasks));
        }

        static void main() throws Exception {
            loop = newEventLoop();
            try {
                run();
            } finally {
                loop.close();
            }
        }
    }

    /**
     * Runs the synchronous program, then the asynchronous one: about six seconds.
     *
     * @param args ignored
     * @throws Exception if a program fails
     */
    public static void main(String[] args) throws Exception {
        Sync.run();
        Async.main();
    }
}
