package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;

import org.jasyncio.EventLoop;

/**
 * Seed 2, {@code loop-callbacks}: two plain callbacks scheduled with {@code callSoon}, the
 * second of which stops {@code runForever}; no task at all. The source is seed 001, "Python
 * Async" (educba.com), example 2:
 *
 * <pre>{@code
 * import asyncio
 * import functools
 *
 * def event_handler(loop, stop=False):
 *     print('Calling event handler')
 *     if stop:
 *         print('Loop is being stopped')
 *         loop.stop()
 *
 * if __name__ == '__main__':
 *     loop = asyncio.get_event_loop()
 *     try:
 *         loop.call_soon(functools.partial(event_handler, loop))
 *         print('Loop is being started')
 *         loop.call_soon(functools.partial(event_handler, loop, stop=True))
 *
 *         loop.run_forever()
 *     finally:
 *         print('Loop is being closed')
 *         loop.close()
 * }</pre>
 *
 * Its output: {@code Loop is being started}, {@code Calling event handler},
 * {@code Calling event handler}, {@code Loop is being stopped}, {@code Loop is being closed}.
 * The port, line by line:
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code def event_handler(loop, stop=False):}</td>
 *     <td>{@code static void eventHandler(EventLoop loop, boolean stop)} plus an overload
 *         without {@code stop} for the default</td></tr>
 * <tr><td>{@code print('Calling event handler')}</td><td>{@code System.out.println("Calling event handler");}</td></tr>
 * <tr><td>{@code if stop:}</td><td><code>if (stop) {</code></td></tr>
 * <tr><td>{@code print('Loop is being stopped')}</td><td>{@code System.out.println("Loop is being stopped");}</td></tr>
 * <tr><td>{@code loop.stop()}</td><td>{@code loop.stop();}</td></tr>
 * <tr><td>{@code loop = asyncio.get_event_loop()}</td><td>{@code EventLoop loop = newEventLoop();}</td></tr>
 * <tr><td>{@code try:}</td><td><code>try {</code></td></tr>
 * <tr><td>{@code loop.call_soon(functools.partial(event_handler, loop))}</td>
 *     <td>{@code loop.callSoon(() -> eventHandler(loop));}</td></tr>
 * <tr><td>{@code print('Loop is being started')}</td><td>{@code System.out.println("Loop is being started");}</td></tr>
 * <tr><td>{@code loop.call_soon(functools.partial(event_handler, loop, stop=True))}</td>
 *     <td>{@code loop.callSoon(() -> eventHandler(loop, true));}</td></tr>
 * <tr><td>{@code loop.run_forever()}</td><td>{@code loop.runForever();}</td></tr>
 * <tr><td>{@code finally:}</td><td><code>} finally {</code></td></tr>
 * <tr><td>{@code print('Loop is being closed')}</td><td>{@code System.out.println("Loop is being closed");}</td></tr>
 * <tr><td>{@code loop.close()}</td><td>{@code loop.close();}</td></tr>
 * </table>
 *
 * <p>{@code functools.partial} binds arguments to a callback; a Java lambda does the same.
 * {@code callSoon} runs callbacks in the order they were scheduled, one loop iteration
 * after {@code runForever} starts; {@code stop()} lets the current iteration finish and then
 * {@code runForever} returns.
 */
public final class LoopCallbacks {
    private LoopCallbacks() {}

    static void eventHandler(EventLoop loop, boolean stop) {
        System.out.println("Calling event handler");
        if (stop) {
            System.out.println("Loop is being stopped");
            loop.stop();
        }
    }

    static void eventHandler(EventLoop loop) {
        eventHandler(loop, false);
    }

    /**
     * Runs the program: it returns at once (no sleeping).
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        EventLoop loop = newEventLoop();
        try {
            loop.callSoon(() -> eventHandler(loop));
            System.out.println("Loop is being started");
            loop.callSoon(() -> eventHandler(loop, true));

            loop.runForever();
        } finally {
            System.out.println("Loop is being closed");
            loop.close();
        }
    }
}
