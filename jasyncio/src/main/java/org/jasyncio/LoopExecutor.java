package org.jasyncio;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loop's default executor: asyncio's {@code run_in_executor}, {@code set_default_executor}
 * and {@code shutdown_default_executor}. Platform daemon threads, at most
 * {@code min(32, cpus + 4)} as {@code ThreadPoolExecutor}'s default in Python. Loop thread only;
 * results come back through the loop's thread-safe inbox.
 */
final class LoopExecutor {
    private final BaseEventLoop loop;
    private ExecutorService defaultExecutor;
    private boolean executorShutdownCalled;

    LoopExecutor(BaseEventLoop loop) {
        this.loop = loop;
    }

    /** asyncio's run_in_executor: {@code fn} on {@code executor} (null: the default one). */
    <T> Future<T> run(Executor executor, Callable<T> fn) {
        Executor ex = executor;
        if (ex == null) {
            if (executorShutdownCalled) {
                throw new IllegalStateException("Executor shutdown has been called");
            }
            ex = defaultExecutor();
        }
        CompletableFuture<T> cf = CompletableFuture.supplyAsync(() -> {
            try {
                return fn.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, ex);
        return Bridges.wrap(loop, cf);
    }

    /** The default executor, made on first use. */
    ExecutorService defaultExecutor() {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            int workers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor tpe = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = Thread.ofPlatform().daemon().name("jasyncio-executor-" + n.incrementAndGet())
                                .unstarted(r);
                        return t;
                    });
            tpe.allowCoreThreadTimeOut(true);
            defaultExecutor = ex = tpe;
        }
        return ex;
    }

    void setDefault(ExecutorService executor) {
        this.defaultExecutor = Objects.requireNonNull(executor, "executor");
    }

    /** asyncio's shutdown_default_executor(timeout), from a task of the loop. */
    void shutdownDefault(double timeout) {
        if (Double.isNaN(timeout) || timeout < 0) {
            throw new IllegalArgumentException("timeout must be >= 0 seconds, got " + timeout);
        }
        Task<?> task = Task.current();
        if (task == null || task.loop != loop) {
            throw Task.outsideTask("shutdownDefaultExecutor()");
        }
        executorShutdownCalled = true;
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            return;
        }
        Future<Void> done = loop.createFuture();
        loop.outsideWork.incrementAndGet();
        done.addInternalCallback(f -> loop.outsideWork.decrementAndGet());
        Thread joiner = Thread.ofPlatform().daemon().name("jasyncio-executor-shutdown").start(() -> {
            ex.shutdown();
            try {
                while (!ex.awaitTermination(1, TimeUnit.DAYS)) {
                    // keep waiting
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                loop.callSoonThreadsafe(() -> done.trySetResult(null));
            } catch (IllegalStateException loopClosed) {
                // nobody waits any more
            }
        });
        try {
            Asyncio.waitFor(done, timeout);
        } catch (TimeoutError e) {
            Debug.LOG.log(Level.WARNING, "The executor did not finish joining its threads within "
                    + timeout + " seconds.");
            ex.shutdown();
            joiner.interrupt();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** For Runner: whether the default executor still needs a shutdown. */
    /** A default executor exists and was not shut down: the runner shuts it down at the end. */
    boolean hasDefaultExecutor() {
        return defaultExecutor != null && !executorShutdownCalled;
    }

    /** At loop close: no new work; running jobs finish in the background. */
    void close() {
        ExecutorService ex = defaultExecutor;
        defaultExecutor = null;
        if (ex != null) {
            ex.shutdown();
        }
    }
}
