package org.jasyncio;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Moving results between jasyncio futures and java.util.concurrent futures. */
final class Bridges {
    private Bridges() {}

    /** Completes {@code cf} like the done future {@code f}. */
    static <T> void complete(Future<T> f, CompletableFuture<? super T> cf) {
        if (f.cancelled()) {
            cf.cancel(false);
        } else {
            Throwable e = f.rawException();
            if (e != null) {
                cf.completeExceptionally(e);
            } else {
                cf.complete(f.rawResult());
            }
        }
    }

    /** A loop future completed (on the loop thread) when {@code stage} completes. */
    static <T> Future<T> wrap(BaseEventLoop loop, CompletionStage<T> stage) {
        Future<T> fut = new Future<>(loop);
        loop.outsideWork.incrementAndGet();
        stage.whenComplete((value, error) -> {
            Runnable r = () -> {
                if (fut.done()) {
                    return;
                }
                if (error == null) {
                    fut.setResult0(value);
                } else {
                    Throwable cause = unwrap(error);
                    if (cause instanceof CancellationException) {
                        fut.cancel0(null, null);
                    } else {
                        fut.setException0(cause);
                    }
                }
            };
            try {
                loop.callSoonThreadsafe(r);
            } catch (IllegalStateException closed) {
                // the loop is closed: nobody can await the result any more
            }
        });
        fut.addInternalCallback(f -> {
            loop.outsideWork.decrementAndGet();
            if (f.cancelled()) {
                try {
                    stage.toCompletableFuture().cancel(true);
                } catch (UnsupportedOperationException ignored) {
                    // a stage that cannot be cancelled keeps running; its result is dropped
                }
            }
        });
        return fut;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
