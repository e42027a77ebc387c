/**
 * Queues for handing items between tasks; asyncio's {@code asyncio.queues}.
 *
 * <p>A queue coordinates the tasks of one event loop (never threads): it binds to the loop
 * of the first task that suspends on it. Every operation comes in four forms, as
 * {@link java.util.concurrent.BlockingQueue}'s do: it throws ({@code putNowait},
 * {@code getNowait}), returns a special value ({@code offer}, {@code poll}), suspends the task
 * ({@code put}, {@code get}) or suspends with a time limit ({@code offer(e, timeout)},
 * {@code poll(timeout)}). Waiting getters and putters are served first-in first-out, and
 * {@code get}/{@code put} are cancel-safe: a cancelled task took or added nothing.
 * {@link org.jasyncio.queues.Queue#taskDone()} and {@link org.jasyncio.queues.Queue#join()}
 * count work done; {@link org.jasyncio.queues.Queue#shutdown(boolean)} (Python 3.13) ends it.
 *
 * <h2>Which queue to use</h2>
 * <table class="striped">
 * <caption>The queues</caption>
 * <thead><tr><th scope="col">Use</th><th scope="col">Order</th><th scope="col">When</th></tr></thead>
 * <tbody>
 * <tr><th scope="row">{@link org.jasyncio.queues.Queue}</th><td>first in, first out</td>
 *     <td>producers and consumers, work lists, pipelines: the default</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.queues.PriorityQueue}</th><td>smallest first</td>
 *     <td>urgent work before the rest (a {@link java.util.Comparator}, or {@link java.lang.Comparable} items)</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.queues.LifoQueue}</th><td>last in, first out</td>
 *     <td>depth-first work (crawlers), or reuse of the most recently returned resource</td></tr>
 * </tbody>
 * </table>
 * <p>Give a queue a {@code maxsize} when producers can outrun consumers: {@code put} then
 * suspends them (back-pressure) instead of letting the queue grow without bound.
 *
 * <h3>Queue: workers and join</h3>
 * <pre>{@code
 * Queue<String> urls = new Queue<>();
 * for (String u : start) urls.putNowait(u);
 * List<Task<Void>> workers = new ArrayList<>();
 * for (int i = 0; i < 3; i++) {
 *     workers.add(createTask(() -> {
 *         while (true) {
 *             String u = urls.get();
 *             fetch(u);
 *             urls.taskDone();
 *         }
 *     }));
 * }
 * urls.join();                                   // every URL fetched
 * workers.forEach(Task::cancel);
 * }</pre>
 *
 * <h3>PriorityQueue</h3>
 * <pre>{@code
 * record Job(int priority, String what) {}
 * var jobs = new PriorityQueue<Job>(0, Comparator.comparingInt(Job::priority));
 * jobs.putNowait(new Job(5, "reindex"));
 * jobs.putNowait(new Job(1, "reply to user"));
 * jobs.get().what();                             // "reply to user"
 * }</pre>
 *
 * <h3>LifoQueue</h3>
 * <pre>{@code
 * LifoQueue<Connection> idle = new LifoQueue<>();
 * Connection c = idle.poll();                    // the most recently returned one, or null
 * }</pre>
 *
 * <h3>Shutdown instead of sentinel items</h3>
 * <pre>{@code
 * Queue<Event> events = new Queue<>(100);
 * createTask(() -> { for (Event e : source) events.put(e); events.shutdown(); });
 * try {
 *     while (true) handle(events.get());
 * } catch (QueueShutDown end) {
 *     // drained: the producer is done
 * }
 * }</pre>
 *
 * <p>Exceptions keep asyncio's names: {@link org.jasyncio.queues.QueueEmpty},
 * {@link org.jasyncio.queues.QueueFull}, {@link org.jasyncio.queues.QueueShutDown}.
 *
 * @since 0.1
 */
package org.jasyncio.queues;
