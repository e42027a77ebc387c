package org.jasyncio.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test method whose body runs as the main task of a fresh event loop, as
 * {@code Asyncio.run} would run it; pytest-asyncio's {@code @pytest.mark.asyncio},
 * {@code IsolatedAsyncioTestCase}, kotlinx's {@code runTest}. Use it instead of {@code @Test}.
 *
 * <pre>{@code
 * @AsyncioTest(virtualTime = true)
 * void retriesWithBackoff(VirtualClock clock) throws Exception {
 *     var result = createTask(() -> fetchWithRetry(url));   // sleeps 1 s, 2 s, 4 s between tries
 *     assertEquals("ok", result.await());
 *     assertEquals(7.0, clock.time());                      // exact, and in microseconds
 * }
 * }</pre>
 *
 * <p>Inside the body every jasyncio call that needs a task works: {@code sleep}, {@code gather},
 * {@code TaskGroup}, sockets, subprocesses. After the body, the loop's remaining tasks are
 * cancelled, its async generators and default executor shut down and the loop closed, as
 * {@code Asyncio.run} does. {@code @BeforeEach} and {@code @AfterEach} methods run outside the
 * loop.
 *
 * <p>The test method may declare parameters of type {@link org.jasyncio.EventLoop} (the loop
 * running the body) and, with {@link #virtualTime()}, {@link org.jasyncio.VirtualClock} (its
 * clock, to read or {@linkplain org.jasyncio.VirtualClock#advance(double) advance}), next to
 * any JUnit parameter.
 *
 * <h2>Leak check</h2>
 * With {@link #checkLeaks()} (the default) the test fails, naming the culprit, when a task or
 * future's exception was never retrieved (reported while the test ran or when its loop
 * closed), when a task was destroyed while pending, or when tasks other than the body are still
 * pending after the body returned. A body that fails keeps its own failure; the leaks are
 * attached to it as suppressed exceptions. A body that installs its own exception handler on
 * the loop takes those reports over.
 *
 * <h2>JVM flags</h2>
 * The test JVM needs jasyncio's flags: {@code --add-opens java.base/java.lang=ALL-UNNAMED}
 * (or {@code =org.jasyncio} on the module path) and {@code -Djdk.trackAllThreads=false}; put
 * them in Surefire's {@code argLine}.
 *
 * @since 0.1
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(AsyncioTestExtension.class)
public @interface AsyncioTest {

    /**
     * Runs the loop on a {@link org.jasyncio.VirtualClock}: whenever nothing is ready to run and
     * no I/O is ready, the clock jumps to the next timer (Trio's autojump), so
     * {@code sleep(3600)} returns at once with the loop's {@code time()} 3600 seconds later,
     * timers fire in deadline order and {@code timeout()}/{@code waitFor} expire by virtual
     * time. The clock starts at 0.
     *
     * @return {@code true} for a virtual clock; {@code false} (the default) for the real one
     */
    boolean virtualTime() default false;

    /**
     * With {@link #virtualTime()}: how long, in seconds of real time, an idle loop waits for
     * I/O before the clock jumps, when it has outside work in flight (open sockets, running
     * child processes, executor jobs, tasks in blocking JDK calls); Trio's
     * {@code autojump_threshold}. Without outside work the clock jumps at once. 0 always jumps
     * at once; {@code Double.POSITIVE_INFINITY} never jumps (advance the clock by hand).
     *
     * @return seconds of real time, at least 0; 0.05 by default
     */
    double autojumpThreshold() default 0.05;

    /**
     * Fails the test when a task's exception was never retrieved or tasks are still pending
     * after the body returned (see the class documentation).
     *
     * @return {@code true} (the default) to check
     */
    boolean checkLeaks() default true;

    /**
     * Runs the loop in debug mode, as {@code Asyncio.run(main, true)}: slow callbacks are
     * logged and tasks remember where they were created, which the leak reports then show.
     *
     * @return {@code true} for debug mode; {@code false} (the default) leaves the loop's
     *     default, which {@code -Djasyncio.debug=true} turns on
     */
    boolean debug() default false;
}
