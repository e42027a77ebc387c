/**
 * Many cores: {@link org.jasyncio.group.LoopGroup}, N event loops each on its own platform
 * thread, with servers that listen on every loop ({@link org.jasyncio.group.Balancing}); and
 * the ways across loops: {@link org.jasyncio.group.CrossLoop} (await another loop's future or
 * run a coroutine there) and {@link org.jasyncio.group.ThreadsafeQueue} (hand items between
 * loops and plain threads).
 *
 * <p>Which to use: within one loop, {@code org.jasyncio.queues.Queue} and plain futures, as in
 * asyncio; between loops of a group, {@code CrossLoop.await(future)} for one result and
 * {@code ThreadsafeQueue} for a stream of items; from a plain thread into a loop,
 * {@code Asyncio.runCoroutineThreadsafe} or {@code ThreadsafeQueue.putBlocking}.
 *
 * <pre>{@code
 * try (LoopGroup group = new LoopGroup(2)) {
 *     ThreadsafeQueue<String> work = new ThreadsafeQueue<>();
 *     CompletableFuture<String> first = group.submit(() -> work.get());  // a task on loop 0
 *     work.putBlocking("job-1");                                          // from this thread
 *     System.out.println(first.join());
 * }
 * }</pre>
 */
package org.jasyncio.group;
