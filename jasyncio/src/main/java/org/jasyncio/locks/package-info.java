/**
 * Synchronization primitives for tasks; asyncio's {@code asyncio.locks}.
 *
 * <p>They coordinate the tasks of one event loop, never threads: each binds to the loop of
 * the first task that waits on it, and a call from another loop or (while the loop runs)
 * another thread throws {@link java.lang.IllegalStateException}. Methods that may suspend
 * ({@code acquire}, {@code await}) must run inside a task; the others ({@code release},
 * {@code set}, {@code signal}, {@code tryAcquire}) never suspend. Waiters are served
 * first-in first-out, and every suspending method is cancel-safe as CPython's
 * {@code test_locks} pins it. asyncio's {@code async with lock:} is try-with-resources on the
 * {@link org.jasyncio.locks.Held} that {@code acquire()} returns.
 *
 * <h2>Which primitive to use</h2>
 * <table class="striped">
 * <caption>The primitives</caption>
 * <thead><tr><th scope="col">Use</th><th scope="col">When</th></tr></thead>
 * <tbody>
 * <tr><th scope="row">{@link org.jasyncio.locks.Lock}</th>
 *     <td>one task at a time may run a section that suspends (read-modify-write across an await)</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.locks.Semaphore}</th>
 *     <td>at most N tasks at a time (connections, requests in flight);
 *     {@link org.jasyncio.locks.BoundedSemaphore} also catches a release too many</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.locks.Event}</th>
 *     <td>tasks wait for a one-off (or resettable) signal: "ready", "stop"</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.locks.Condition}</th>
 *     <td>tasks wait until shared state satisfies a predicate, changed by others under a lock</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.locks.Barrier}</th>
 *     <td>a fixed number of tasks meet, then all continue together, round after round</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.queues.Queue}</th>
 *     <td>tasks hand items to each other: usually the best tool, before any of the above</td></tr>
 * </tbody>
 * </table>
 *
 * <h3>Lock</h3>
 * <pre>{@code
 * Lock lock = new Lock();
 * try (var held = lock.acquire()) {
 *     int balance = readBalance();          // suspends: other tasks run, but not this block
 *     writeBalance(balance + amount);
 * }
 * }</pre>
 *
 * <h3>Semaphore</h3>
 * <pre>{@code
 * Semaphore inFlight = new Semaphore(10);
 * for (String url : urls) {
 *     createTask(() -> {
 *         try (var permit = inFlight.acquire()) {   // at most 10 fetches at once
 *             return fetch(url);
 *         }
 *     });
 * }
 * }</pre>
 *
 * <h3>Event</h3>
 * <pre>{@code
 * Event ready = new Event();
 * createTask(() -> { ready.await(); serve(); });
 * loadConfiguration();
 * ready.set();                              // every waiting task goes on
 * }</pre>
 *
 * <h3>Condition</h3>
 * <pre>{@code
 * Condition changed = new Condition();
 * try (var held = changed.acquire()) {      // consumer
 *     changed.awaitFor(() -> !jobs.isEmpty());
 *     run(jobs.removeFirst());
 * }
 * try (var held = changed.acquire()) {      // producer
 *     jobs.add(job);
 *     changed.signal();
 * }
 * }</pre>
 *
 * <h3>Barrier</h3>
 * <pre>{@code
 * Barrier start = new Barrier(3);
 * for (int i = 0; i < 3; i++) {
 *     createTask(() -> { warmUp(); start.await(); race(); });   // all three race together
 * }
 * }</pre>
 *
 * <h2>Names</h2>
 * {@code wait()}, {@code notify()} and {@code notifyAll()} are final methods of
 * {@link java.lang.Object}, so asyncio's {@code wait}, {@code wait_for}, {@code notify} and
 * {@code notify_all} are {@code await}, {@code awaitFor}, {@code signal} and
 * {@code signalAll}, as in {@link java.util.concurrent.locks.Condition}. Every primitive has a
 * {@code statistics()} record and an asyncio-style {@code toString()}.
 *
 * @since 0.1
 */
package org.jasyncio.locks;
