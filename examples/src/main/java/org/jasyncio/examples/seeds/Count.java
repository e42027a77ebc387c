package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;

/**
 * Seed 6, {@code count}: three coroutines gathered, each printing {@code One}, sleeping a
 * second and printing {@code Two}: one second in all, not three. The source is seed 004,
 * Ruan Yifeng's "Python asynchronous programming" ("Python 异步编程入门", 2019):
 *
 * <pre>{@code
 * import asyncio
 *
 * async def count():
 *     print('One')
 *     await asyncio.sleep(1)
 *     print('Two')
 *
 * async def main():
 *     await asyncio.gather(count(), count(), count())
 *
 * asyncio.run(main())
 * }</pre>
 *
 * Its output: {@code One One One Two Two Two}, one a line, in one second. The port, line by
 * line:
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code async def count():}</td><td>{@code static void count()}</td></tr>
 * <tr><td>{@code print('One')}</td><td>{@code System.out.println("One");}</td></tr>
 * <tr><td>{@code await asyncio.sleep(1)}</td><td>{@code sleep(1);}</td></tr>
 * <tr><td>{@code print('Two')}</td><td>{@code System.out.println("Two");}</td></tr>
 * <tr><td>{@code async def main():}</td><td>{@code static void main() throws Exception}</td></tr>
 * <tr><td>{@code await asyncio.gather(count(), count(), count())}</td>
 *     <td>{@code gather(createTask(Count::count), createTask(Count::count), createTask(Count::count)).await();}</td></tr>
 * <tr><td>{@code asyncio.run(main())}</td><td>{@code run(() -> main());}</td></tr>
 * </table>
 *
 * <p>{@code count()} returns nothing, so each goes to {@code gather} as a task, which is what
 * asyncio's {@code gather} makes of a coroutine (jasyncio has no {@code gather} of void lambdas:
 * it would silently drop the values of lambdas that return one). {@code gather} returns a
 * future of their results;
 * {@code await()} on it is Python's {@code await}. The coroutine {@code main()} overloads
 * the program's {@code main(String[])}; {@code run(() -> main())} picks it without
 * ambiguity, as {@code asyncio.run(main())} reads.
 */
public final class Count {
    private Count() {}

    static void count() {
        System.out.println("One");
        sleep(1);
        System.out.println("Two");
    }

    static void main() throws Exception {
        gather(createTask(Count::count), createTask(Count::count), createTask(Count::count)).await();
    }

    /**
     * Runs the program: about one second.
     *
     * @param args ignored
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
        run(() -> main());
    }
}
