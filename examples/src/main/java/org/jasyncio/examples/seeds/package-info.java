/**
 * The seed programs: the asyncio programs of the five tutorials jasyncio started from,
 * ported line for line, so that a Python programmer sees the same program and the same
 * output, with the same timing.
 *
 * <table class="striped">
 * <caption>The seed programs, in the order {@code ./run-example.sh seeds} runs them</caption>
 * <tr><th>name</th><th>class</th><th>what it shows</th><th>seconds</th></tr>
 * <tr><td>hello-world</td><td>{@link org.jasyncio.examples.seeds.HelloWorld}</td>
 *     <td>{@code run}, then the same by hand: {@code newEventLoop}, {@code createTask},
 *     {@code runUntilComplete}, {@code close}</td><td>2</td></tr>
 * <tr><td>loop-callbacks</td><td>{@link org.jasyncio.examples.seeds.LoopCallbacks}</td>
 *     <td>{@code callSoon}, {@code runForever}, {@code stop}</td><td>0</td></tr>
 * <tr><td>sample-task</td><td>{@link org.jasyncio.examples.seeds.SampleTask}</td>
 *     <td>a task's result read after its loop closed</td><td>3</td></tr>
 * <tr><td>sync-vs-async</td><td>{@link org.jasyncio.examples.seeds.SyncVsAsync}</td>
 *     <td>five blocking sleeps against five tasks and {@code wait}</td><td>5 + 1</td></tr>
 * <tr><td>say-after</td><td>{@link org.jasyncio.examples.seeds.SayAfter}</td>
 *     <td>{@code createTask}, {@code gather}, {@code wait}, {@code waitFor} with a timeout,
 *     {@code async with} as try-with-resources</td><td>7</td></tr>
 * <tr><td>count</td><td>{@link org.jasyncio.examples.seeds.Count}</td>
 *     <td>{@code gather} of three coroutines</td><td>1</td></tr>
 * <tr><td>event</td><td>{@link org.jasyncio.examples.seeds.EventDemo}</td>
 *     <td>an {@code Event} set by a {@code callLater} callback</td><td>1</td></tr>
 * </table>
 *
 * <p>{@link org.jasyncio.examples.seeds.Seeds} runs them all, each under a heading with its
 * wall time; each also runs alone: {@code ./run-example.sh count}.
 */
package org.jasyncio.examples.seeds;
