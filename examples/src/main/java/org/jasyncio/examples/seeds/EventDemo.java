package org.jasyncio.examples.seeds;

import static org.jasyncio.Asyncio.*;

import org.jasyncio.EventLoop;
import org.jasyncio.locks.Event;

/**
 * Seed 7, {@code event}: two coroutines wait on an {@link Event} that a plain callback,
 * scheduled with {@code callLater(1, ...)}, sets one second later. The source is the second
 * program of seed 004, Ruan Yifeng's "Python asynchronous programming" (a program the
 * author copied from a cnblogs post, marked "to be sorted out"):
 *
 * <pre>{@code
 * import asyncio
 * import functools
 *
 * def set_event(event: asyncio.Event):
 *     print("setting event in callback")
 *     event.set()
 *
 * async def coro1(event: asyncio.Event):
 *     print("coro1 waiting for event")
 *     await event.wait()
 *     print("coro1 triggered")
 *
 * async def coro2(event: asyncio.Event):
 *     print("coro2 waiting for event")
 *     await event.wait()
 *     print("coro2 triggered")
 *
 * async def main(loop: asyncio.AbstractEventLoop):
 *     # Create a shared event
 *     event = asyncio.Event()
 *     print("event start state: {}".format(event.is_set()))
 *
 *     loop.call_later(1, functools.partial(set_event, event))
 *
 *     await asyncio.gather(coro1(event), coro2(event))
 *     print("event end state: {}".format(event.is_set()))
 *
 * event_loop = asyncio.get_event_loop()
 * try:
 *     event_loop.run_until_complete(main(event_loop))
 * finally:
 *     event_loop.close()
 * }</pre>
 *
 * Its output: {@code event start state: False}, {@code coro1 waiting for event},
 * {@code coro2 waiting for event}, one second later {@code setting event in callback},
 * {@code coro1 triggered}, {@code coro2 triggered}, {@code event end state: True}. Java
 * prints booleans as {@code false} and {@code true}. The port, line by line:
 *
 * <table class="striped">
 * <caption>Python line, Java line</caption>
 * <tr><th>Python</th><th>Java</th></tr>
 * <tr><td>{@code def set_event(event: asyncio.Event):}</td><td>{@code static void setEvent(Event event)}</td></tr>
 * <tr><td>{@code print("setting event in callback")}</td>
 *     <td>{@code System.out.println("setting event in callback");}</td></tr>
 * <tr><td>{@code event.set()}</td><td>{@code event.set();}</td></tr>
 * <tr><td>{@code async def coro1(event: asyncio.Event):}</td><td>{@code static void coro1(Event event)}</td></tr>
 * <tr><td>{@code print("coro1 waiting for event")}</td><td>{@code System.out.println("coro1 waiting for event");}</td></tr>
 * <tr><td>{@code await event.wait()}</td><td>{@code event.await();}</td></tr>
 * <tr><td>{@code print("coro1 triggered")}</td><td>{@code System.out.println("coro1 triggered");}</td></tr>
 * <tr><td>{@code async def main(loop: asyncio.AbstractEventLoop):}</td>
 *     <td>{@code static void main(EventLoop loop) throws Exception}</td></tr>
 * <tr><td>{@code event = asyncio.Event()}</td><td>{@code Event event = new Event();}</td></tr>
 * <tr><td>{@code print("event start state: {}".format(event.is_set()))}</td>
 *     <td>{@code System.out.println("event start state: %s".formatted(event.isSet()));}</td></tr>
 * <tr><td>{@code loop.call_later(1, functools.partial(set_event, event))}</td>
 *     <td>{@code loop.callLater(1, () -> setEvent(event));}</td></tr>
 * <tr><td>{@code await asyncio.gather(coro1(event), coro2(event))}</td>
 *     <td>{@code gather(createTask(() -> coro1(event)), createTask(() -> coro2(event))).await();}</td></tr>
 * <tr><td>{@code print("event end state: {}".format(event.is_set()))}</td>
 *     <td>{@code System.out.println("event end state: %s".formatted(event.isSet()));}</td></tr>
 * <tr><td>{@code event_loop = asyncio.get_event_loop()}</td><td>{@code EventLoop eventLoop = newEventLoop();}</td></tr>
 * <tr><td>{@code try:}</td><td><code>try {</code></td></tr>
 * <tr><td>{@code event_loop.run_until_complete(main(event_loop))}</td>
 *     <td>{@code eventLoop.runUntilComplete(() -> main(eventLoop));}</td></tr>
 * <tr><td>{@code finally:}</td><td><code>} finally {</code></td></tr>
 * <tr><td>{@code event_loop.close()}</td><td>{@code eventLoop.close();}</td></tr>
 * </table>
 *
 * <p>asyncio's {@code event.wait()} is {@code event.await()}: {@code wait()} is a final
 * method of every Java object. {@code setEvent} runs as a plain callback, not in a task:
 * {@code Event.set()} never suspends, so a callback may call it.
 */
public final class EventDemo {
    private EventDemo() {}

    static void setEvent(Event event) {
        System.out.println("setting event in callback");
        event.set();
    }

    static void coro1(Event event) {
        System.out.println("coro1 waiting for event");
        event.await();
        System.out.println("coro1 triggered");
    }

    static void coro2(Event event) {
        System.out.println("coro2 waiting for event");
        event.await();
        System.out.println("coro2 triggered");
    }

    static void main(EventLoop loop) throws Exception {
        // Create a shared event
        Event event = new Event();
        System.out.println("event start state: %s".formatted(event.isSet()));

        loop.callLater(1, () -> setEvent(event));

        gather(createTask(() -> coro1(event)), createTask(() -> coro2(event))).await();
        System.out.println("event end state: %s".formatted(event.isSet()));
    }

    /**
     * Runs the program: about one second.
     *
     * @param args ignored
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
        EventLoop eventLoop = newEventLoop();
        try {
            eventLoop.runUntilComplete(() -> main(eventLoop));
        } finally {
            eventLoop.close();
        }
    }
}
