package org.jasyncio.internal.net;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads that run {@link javax.net.ssl.SSLEngine} delegated tasks (handshake
 * crypto) when {@link org.jasyncio.transports.TlsOptions#delegatedTasksOffLoop()} is on:
 * one per core, shared by every loop of the JVM, started on first use and let go after a
 * minute idle. Daemon threads, so they never keep a program alive.
 *
 * <p>Thread-safe.
 */
final class SslTaskPool {
    /** Idle threads end after this long, seconds. */
    private static final long KEEP_ALIVE_SECONDS = 60;

    private SslTaskPool() {}

    private static final class Holder {
        static final ThreadPoolExecutor POOL = make();
    }

    /** The shared pool, made on first use. */
    static Executor get() {
        return Holder.POOL;
    }

    /** How many batches of tasks the pool has run, for tests. */
    static long completed() {
        return Holder.POOL.getCompletedTaskCount();
    }

    private static ThreadPoolExecutor make() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> Thread.ofPlatform().daemon().name("jasyncio-tls-" + n.incrementAndGet())
                        .unstarted(r));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
