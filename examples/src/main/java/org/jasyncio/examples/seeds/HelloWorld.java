package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;
import static org.jasyncio.examples.seeds.PyTime.ctime;

import org.jasyncio.EventLoop;
import org.jasyncio.Task;

/**
 * Seed 1, {@code hello-world}: print the time, sleep one second, print the time; first
 * with {@code run}, then with a loop made, run and closed by hand. The source is seed 000,
 * "An introduction to asyncio in Python" (medium.com/geekculture, 8 Feb 2022), whose two
 * programs this class runs one after the other. The first:
 *
 * <pre>{@code
 * import asyncio, time
 *
 * async def hello_world():
 *     print(time.ctime())
 *     await asyncio.sleep(1.0)
 *     print(time.ctime())
 *
 * asyncio.run(hello_world())
 * }</pre>
 *
 * The second, "what {@code asyncio.run()} does under the hood":
 *
 * <pre>{@code
 * import asyncio, time
 *
 * async def hello_world():
 *     print(time.ctime())
 *     await asyncio.sleep(1.0)
 *     print(time.ctime())
 *
 * loop = asyncio.get_event_loop()
 * task = loop.create_task(hello_world())
 * loop.run_until_complete(task)
 * loop.close()
 * }</pre>
 *
 * Its output, each program: {@code Tue Feb  8 09:31:51 2022}, then one second later
 * {@code Tue Feb  8 09:31:52 2022}. The port, line by line:
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code import asyncio, time}</td><td>{@code import static org.jasyncio.Asyncio.*;}</td></tr>
 * <tr><td>{@code async def hello_world():}</td><td>{@code static void helloWorld()}</td></tr>
 * <tr><td>{@code print(time.ctime())}</td><td>{@code System.out.println(ctime());}</td></tr>
 * <tr><td>{@code await asyncio.sleep(1.0)}</td><td>{@code sleep(1.0);}</td></tr>
 * <tr><td>{@code asyncio.run(hello_world())}</td><td>{@code run(HelloWorld::helloWorld);}</td></tr>
 * <tr><td>{@code loop = asyncio.get_event_loop()}</td><td>{@code EventLoop loop = newEventLoop();}</td></tr>
 * <tr><td>{@code task = loop.create_task(hello_world())}</td>
 *     <td>{@code Task<Void> task = loop.createTask(HelloWorld::helloWorld);}</td></tr>
 * <tr><td>{@code loop.run_until_complete(task)}</td><td>{@code loop.runUntilComplete(task);}</td></tr>
 * <tr><td>{@code loop.close()}</td><td>{@code loop.close();}</td></tr>
 * <tr><td>(the article: "use task.result() to get the return value")</td><td>{@code task.result();}</td></tr>
 * </table>
 *
 * <p>{@code get_event_loop()} with no loop set is deprecated (Python 3.12 warns, 3.14
 * raises {@code RuntimeError}, and even 3.11 raises it after an {@code asyncio.run()} in
 * the same process); its replacement, {@code new_event_loop()}, is what jasyncio offers.
 * A coroutine function is a plain static method: calling {@code sleep} suspends the task
 * that runs it, so no {@code await} keyword is needed.
 */
public final class HelloWorld {
    private HelloWorld() {}

    static void helloWorld() {
        System.out.println(ctime());
        sleep(1.0);
        System.out.println(ctime());
    }

    /**
     * Runs the two programs: about two seconds.
     *
     * @param args ignored
     * @throws Exception if a program fails
     */
    public static void main(String[] args) throws Exception {
        run(HelloWorld::helloWorld);

        EventLoop loop = newEventLoop();
        Task<Void> task = loop.createTask(HelloWorld::helloWorld);
        loop.runUntilComplete(task);
        loop.close();
        task.result(); // null: hello_world returns nothing (an exception would be rethrown here)
    }
}
