/**
 * JUnit 5 support for testing code that uses jasyncio: {@link org.jasyncio.test.AsyncioTest}
 * runs a test method as the main task of a fresh event loop, as {@code Asyncio.run} would, on
 * the real clock or on a {@link org.jasyncio.VirtualClock}, and fails the test on leaked tasks
 * and exceptions never retrieved.
 *
 * <table class="striped">
 * <caption>Which tool</caption>
 * <thead><tr><th>you want</th><th>use</th></tr></thead>
 * <tbody>
 * <tr><td>a test body that awaits, on the real clock</td><td>{@code @AsyncioTest}</td></tr>
 * <tr><td>sleeps and timeouts that take no time, exact loop times</td>
 *     <td>{@code @AsyncioTest(virtualTime = true)}</td></tr>
 * <tr><td>to move time by hand</td>
 *     <td>{@code @AsyncioTest(virtualTime = true, autojumpThreshold = Double.POSITIVE_INFINITY)} and a
 *     {@code VirtualClock} parameter: {@code clock.advance(5)}</td></tr>
 * <tr><td>a virtual clock without JUnit</td>
 *     <td>{@code new VirtualClock().newEventLoop()}, or {@code new Runner(null, clock::newEventLoop)}</td></tr>
 * </tbody>
 * </table>
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 * import static org.junit.jupiter.api.Assertions.*;
 *
 * class BackoffTest {
 *     @AsyncioTest(virtualTime = true)
 *     void anHourOfSleepTakesNoTime(EventLoop loop) throws Exception {
 *         sleep(3600);
 *         assertEquals(3600.0, loop.time());
 *     }
 * }
 * }</pre>
 *
 * @since 0.1
 */
package org.jasyncio.test;
