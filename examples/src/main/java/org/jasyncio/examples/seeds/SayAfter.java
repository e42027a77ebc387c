package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;
import static org.jasyncio.examples.seeds.PyTime.strftimeX;

import java.util.List;
import java.util.Set;

import org.jasyncio.Asyncio;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TimeoutError;
import org.jasyncio.WaitResult;

/**
 * Seed 5, {@code say-after}: two delayed prints run concurrently five ways (tasks awaited
 * one by one, {@code gather}, {@code wait}, {@code waitFor} with a timeout too short) and
 * an asynchronous context manager. The source is seed 003, "Asynchronous I/O: Asyncio"
 * ("异步 I/O Asyncio", Kevin Wu, 2023), which shows fragments; this is the complete program
 * they come from. The seed never shows {@code say_after}; its output ({@code world},
 * {@code hello}, then the results {@code hello-2} and {@code world-1}) implies the Python
 * documentation's {@code say_after} returning {@code f"{what}-{delay}"}. The seed's
 * {@code gather}, {@code wait} and {@code wait_for} fragments get the first fragment's
 * {@code started at}/{@code finished at} lines so their timing shows, and the program prints
 * a label before each part.
 *
 * <pre>{@code
 * import asyncio
 * import time
 *
 * async def say_after(delay, what):
 *     await asyncio.sleep(delay)
 *     print(what)
 *     return f"{what}-{delay}"
 *
 * async def main():
 *     task1 = asyncio.create_task(
 *          say_after(2, 'hello')
 *     )
 *     task2 = asyncio.create_task(
 *          say_after(1, 'world')
 *     )
 *     print(f"started at {time.strftime( '%X')}")
 *     result1 = await task1
 *     print(result1)
 *     result2 = await task2
 *
 *     print(result2)
 *     print(f"finished at {time.strftime( '%X')}")
 *
 * async def main_gather():
 *     print(f"started at {time.strftime('%X')}")
 *     results = await asyncio.gather(
 *         say_after(2, 'hello'), say_after(1, 'world')
 *     )
 *     print(results)
 *     print(f"finished at {time.strftime('%X')}")
 *
 * async def main_wait():
 *     print(f"started at {time.strftime('%X')}")
 *     done, pending = await asyncio.wait(
 *         [say_after(2, 'hello'), say_after(1, 'world')]
 *     )
 *     for result in done:
 *         print(result.result())
 *     print(f"{len(done)} done, {len(pending)} pending")
 *     print(f"finished at {time.strftime('%X')}")
 *
 * async def main_wait_for():
 *     print(f"started at {time.strftime('%X')}")
 *     try:
 *         await asyncio.wait_for(say_after(2, 'hello'), timeout=1)
 *     except asyncio.TimeoutError as e:
 *         print(f"timed out: {e!r}")
 *     print(f"finished at {time.strftime('%X')}")
 *
 * class MyAsyncContextManager:
 *     async def __aenter__(self):
 *         print("Entering asynchronous context")
 *         return self
 *
 *     async def __aexit__(self, exc_type, exc, tb):
 *         print("Exiting asynchronous context")
 *
 * async def my_coroutine():
 *     async with MyAsyncContextManager() as context:
 *         print("Inside the asynchronous context")
 *
 * async def my_failing_coroutine():
 *     async with MyAsyncContextManager() as context:
 *         print("Inside the asynchronous context")
 *         raise ValueError("the body failed")
 *
 * print("-- 1. create_task, then await each task")
 * asyncio.run(main())
 * print("-- 2. gather")
 * asyncio.run(main_gather())
 * print("-- 3. wait")
 * asyncio.run(main_wait())
 * print("-- 4. wait_for with a timeout too short")
 * asyncio.run(main_wait_for())
 * print("-- 5. async with")
 * asyncio.run(my_coroutine())
 * print("-- 6. async with, the body raises")
 * try:
 *     asyncio.run(my_failing_coroutine())
 * except ValueError as e:
 *     print(f"caught: {e}")
 * }</pre>
 *
 * The seed's output for {@code main()}: {@code started at 20:01:45}, {@code world},
 * {@code hello}, {@code hello-2}, {@code world-1}, {@code finished at 20:01:47}: two seconds,
 * not three. The port, line by line (lines repeated in several functions are listed once):
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code async def say_after(delay, what):}</td><td>{@code static String sayAfter(int delay, String what)}</td></tr>
 * <tr><td>{@code await asyncio.sleep(delay)}</td><td>{@code sleep(delay);}</td></tr>
 * <tr><td>{@code print(what)}</td><td>{@code System.out.println(what);}</td></tr>
 * <tr><td>{@code return f"{what}-{delay}"}</td><td>{@code return what + "-" + delay;}</td></tr>
 * <tr><td>{@code async def main():}</td><td>{@code static void main() throws Exception}</td></tr>
 * <tr><td>{@code task1 = asyncio.create_task(}</td><td>{@code Task<String> task1 = createTask(}</td></tr>
 * <tr><td>{@code say_after(2, 'hello')}</td><td>{@code () -> sayAfter(2, "hello")}</td></tr>
 * <tr><td>{@code print(f"started at {time.strftime( '%X')}")}</td>
 *     <td>{@code System.out.println("started at " + strftimeX());}</td></tr>
 * <tr><td>{@code result1 = await task1}</td><td>{@code String result1 = task1.await();}</td></tr>
 * <tr><td>{@code print(result1)}</td><td>{@code System.out.println(result1);}</td></tr>
 * <tr><td>{@code results = await asyncio.gather(}</td><td>{@code List<String> results = gather(}</td></tr>
 * <tr><td>{@code say_after(2, 'hello'), say_after(1, 'world')}</td>
 *     <td>{@code () -> sayAfter(2, "hello"), () -> sayAfter(1, "world")}</td></tr>
 * <tr><td>{@code )}</td><td>{@code ).await();}</td></tr>
 * <tr><td>{@code print(results)}</td><td>{@code System.out.println(results);}</td></tr>
 * <tr><td>{@code done, pending = await asyncio.wait(}</td>
 *     <td>{@code WaitResult<String> waited = Asyncio.wait(}, then
 *         {@code Set<Future<String>> done = waited.done(), pending = waited.pending();}</td></tr>
 * <tr><td>{@code [say_after(2, 'hello'), say_after(1, 'world')]}</td>
 *     <td>{@code List.of(() -> sayAfter(2, "hello"), () -> sayAfter(1, "world"))}</td></tr>
 * <tr><td>{@code for result in done:}</td><td>{@code for (Future<String> result : done)}</td></tr>
 * <tr><td>{@code print(result.result())}</td><td>{@code System.out.println(result.result());}</td></tr>
 * <tr><td>{@code print(f"{len(done)} done, {len(pending)} pending")}</td>
 *     <td>{@code System.out.println(done.size() + " done, " + pending.size() + " pending");}</td></tr>
 * <tr><td>{@code try:}</td><td><code>try {</code></td></tr>
 * <tr><td>{@code await asyncio.wait_for(say_after(2, 'hello'), timeout=1)}</td>
 *     <td>{@code waitFor(() -> sayAfter(2, "hello"), 1);}</td></tr>
 * <tr><td>{@code except asyncio.TimeoutError as e:}</td><td><code>} catch (TimeoutError e) {</code></td></tr>
 * <tr><td>{@code print(f"timed out: {e!r}")}</td><td>{@code System.out.println("timed out: " + e);}</td></tr>
 * <tr><td>{@code class MyAsyncContextManager:}</td>
 *     <td>{@code static final class MyAsyncContextManager implements AutoCloseable}</td></tr>
 * <tr><td>{@code async def __aenter__(self):}</td><td>{@code MyAsyncContextManager aenter()}</td></tr>
 * <tr><td>{@code return self}</td><td>{@code return this;}</td></tr>
 * <tr><td>{@code async def __aexit__(self, exc_type, exc, tb):}</td><td>{@code public void close()}</td></tr>
 * <tr><td>{@code async with MyAsyncContextManager() as context:}</td>
 *     <td>{@code try (var _ = new MyAsyncContextManager().aenter())}</td></tr>
 * <tr><td>{@code raise ValueError("the body failed")}</td>
 *     <td>{@code throw new IllegalArgumentException("the body failed");}</td></tr>
 * <tr><td>{@code asyncio.run(main())}</td><td>{@code run(() -> main());}</td></tr>
 * <tr><td>{@code asyncio.run(my_coroutine())}</td><td>{@code run(SayAfter::myCoroutine);}</td></tr>
 * <tr><td>{@code except ValueError as e:}</td><td><code>} catch (IllegalArgumentException e) {</code></td></tr>
 * <tr><td>{@code print(f"caught: {e}")}</td><td>{@code System.out.println("caught: " + e.getMessage());}</td></tr>
 * </table>
 *
 * <p>Notes for Python programmers:
 * <ul>
 * <li>{@code async with} is try-with-resources: {@code aenter()} runs before the body and
 *     {@code close()} after it, also when the body throws; both run inside the task, so
 *     either may suspend (call {@code sleep}, await a future) as {@code __aenter__} and
 *     {@code __aexit__} may. {@code close()} does not see the exception: it cannot
 *     suppress it, as an {@code __aexit__} returning a true value would. The unused
 *     {@code as context} is Java's unnamed variable {@code _}.</li>
 * <li>{@code wait} returns a {@link WaitResult} record instead of a tuple; its sets keep the
 *     order the awaitables were given (Python's sets have no order). Python 3.11 no longer
 *     accepts coroutines in {@code wait}; jasyncio does. {@code asyncio.wait} is written
 *     {@code Asyncio.wait}, because the bare name {@code wait} means {@link Object#wait()}
 *     inside any Java class.</li>
 * <li>{@code waitFor} cancels {@code say_after} when the timeout passes, waits for it to
 *     end, then throws {@link TimeoutError}; {@code hello} is never printed. Python 3.11's
 *     {@code asyncio.TimeoutError} is the built-in {@code TimeoutError}, printed by
 *     {@code !r} as {@code TimeoutError()}; Java prints the class and its message.</li>
 * <li>{@code main()} overloads the program's {@code main(String[])}, so it is run as
 *     {@code run(() -> main())}, which reads as {@code asyncio.run(main())}.</li>
 * </ul>
 */
public final class SayAfter {
    private SayAfter() {}

    static String sayAfter(int delay, String what) {
        sleep(delay);
        System.out.println(what);
        return what + "-" + delay;
    }

    static void main() throws Exception {
        Task<String> task1 = createTask(
                () -> sayAfter(2, "hello")
        );
        Task<String> task2 = createTask(
                () -> sayAfter(1, "world")
        );
        System.out.println("started at " + strftimeX());
        String result1 = task1.await();
        System.out.println(result1);
        String result2 = task2.await();

        System.out.println(result2);
        System.out.println("finished at " + strftimeX());
    }

    static void mainGather() throws Exception {
        System.out.println("started at " + strftimeX());
        List<String> results = gather(
                () -> sayAfter(2, "hello"), () -> sayAfter(1, "world")
        ).await();
        System.out.println(results);
        System.out.println("finished at " + strftimeX());
    }

    static void mainWait() throws Exception {
        System.out.println("started at " + strftimeX());
        WaitResult<String> waited = Asyncio.wait(
                List.of(() -> sayAfter(2, "hello"), () -> sayAfter(1, "world"))
        );
        Set<Future<String>> done = waited.done(), pending = waited.pending();
        for (Future<String> result : done) {
            System.out.println(result.result());
        }
        System.out.println(done.size() + " done, " + pending.size() + " pending");
        System.out.println("finished at " + strftimeX());
    }

    static void mainWaitFor() throws Exception {
        System.out.println("started at " + strftimeX());
        try {
            waitFor(() -> sayAfter(2, "hello"), 1);
        } catch (TimeoutError e) {
            System.out.println("timed out: " + e);
        }
        System.out.println("finished at " + strftimeX());
    }

    /** An asynchronous context manager: try-with-resources inside a task. */
    static final class MyAsyncContextManager implements AutoCloseable {
        MyAsyncContextManager aenter() {
            System.out.println("Entering asynchronous context");
            return this;
        }

        @Override
        public void close() {
            System.out.println("Exiting asynchronous context");
        }
    }

    static void myCoroutine() {
        try (var _ = new MyAsyncContextManager().aenter()) {
            System.out.println("Inside the asynchronous context");
        }
    }

    static void myFailingCoroutine() {
        try (var _ = new MyAsyncContextManager().aenter()) {
            System.out.println("Inside the asynchronous context");
            throw new IllegalArgumentException("the body failed");
        }
    }

    /**
     * Runs the six parts: about seven seconds.
     *
     * @param args ignored
     * @throws Exception if a part fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        System.out.println("-- 1. create_task, then await each task");
        run(() -> main());
        System.out.println("-- 2. gather");
        run(SayAfter::mainGather);
        System.out.println("-- 3. wait");
        run(SayAfter::mainWait);
        System.out.println("-- 4. wait_for with a timeout too short");
        run(SayAfter::mainWaitFor);
        System.out.println("-- 5. async with");
        run(SayAfter::myCoroutine);
        System.out.println("-- 6. async with, the body raises");
        try {
            run(SayAfter::myFailingCoroutine);
        } catch (IllegalArgumentException e) {
            System.out.println("caught: " + e.getMessage());
        }
    }
}
