/**
 * jasyncio's core: the event loop, futures, tasks and the functions that combine them; what
 * {@code import asyncio} gives a Python program day to day. Start at {@link org.jasyncio.Asyncio}.
 *
 * <h2>Running</h2>
 * {@link org.jasyncio.Asyncio#run(Coroutine)} runs a main coroutine in a new loop and cleans up;
 * {@link org.jasyncio.Runner} runs several in one loop; {@link org.jasyncio.EventLoop} gives the
 * loop-level API ({@code callSoon}, {@code callLater}, {@code runUntilComplete}, ...).
 *
 * <h2>Which combinator</h2>
 * <table class="striped">
 * <caption>Running several things at once</caption>
 * <thead><tr><th>you want</th><th>use</th></tr></thead>
 * <tbody>
 * <tr><td>all results, in order; first failure raised</td>
 *     <td>{@code gather(a, b).await()}</td></tr>
 * <tr><td>all results or failures, in order</td>
 *     <td>{@code gather(List.of(a, b), true).await()}</td></tr>
 * <tr><td>children cancelled if one fails; nothing left running</td>
 *     <td>{@code TaskGroup.run(tg -> { tg.createTask(a); ... })}</td></tr>
 * <tr><td>the first to finish, the rest still running</td>
 *     <td>{@code wait(fs, ReturnWhen.FIRST_COMPLETED)}</td></tr>
 * <tr><td>results as they come</td>
 *     <td>{@code for (Future<T> f : asCompleted(fs))}</td></tr>
 * <tr><td>one thing, with a deadline</td>
 *     <td>{@code waitFor(aw, seconds)}</td></tr>
 * <tr><td>a block of code with a deadline</td>
 *     <td>{@code try (Timeout t = timeout(seconds)) { ... }}</td></tr>
 * <tr><td>keep something running although its awaiter is cancelled</td>
 *     <td>{@code shield(aw).await()}</td></tr>
 * </tbody>
 * </table>
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 *
 * List<String> pages = run(() -> gather(() -> fetch("a"), () -> fetch("b")).await());
 * }</pre>
 *
 * <h2>Threads</h2>
 * Everything here is loop-affine unless its documentation says "Thread-safe": call it from the
 * loop's thread (a task or a callback of that loop). From other threads use
 * {@link org.jasyncio.EventLoop#callSoonThreadsafe(Runnable)},
 * {@link org.jasyncio.Asyncio#runCoroutineThreadsafe(Coroutine, EventLoop)} or
 * {@link org.jasyncio.Future#toCompletableFuture()}; a loop-affine call from another thread while
 * the loop runs throws {@link java.lang.IllegalStateException}.
 *
 * <h2>Cancellation</h2>
 * {@link org.jasyncio.CancelledError} extends {@link java.lang.Error} so that
 * {@code catch (Exception e)} cannot swallow it; see {@link org.jasyncio.Task} and
 * {@link org.jasyncio.TimeoutError}.
 */
package org.jasyncio;
