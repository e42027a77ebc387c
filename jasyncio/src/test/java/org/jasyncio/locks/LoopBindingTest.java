package org.jasyncio.locks;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.TestLoops;
import org.jasyncio.queues.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every primitive binds to one loop: a suspending call outside a task, a call from a task of
 * another loop, and a call from a foreign thread while the loop runs are clear errors
 * (CPython's test_locks.ConditionTests.test_ambiguous_loops, mixins._LoopBoundMixin).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopBindingTest {

    /** Each primitive: a suspending use that binds it, and a non-suspending use. */
    private record Case(String name, Object primitive, Consumer<Object> suspending, Consumer<Object> plain) {}

    private static List<Case> cases() {
        return List.of(
                new Case("Lock", new Lock(), p -> ((Lock) p).acquire().close(), p -> ((Lock) p).tryAcquire()),
                new Case("Semaphore", new Semaphore(1), p -> ((Semaphore) p).acquire().close(),
                        p -> ((Semaphore) p).release()),
                new Case("Condition", new Condition(), p -> {
                    Condition c = (Condition) p;
                    try (var _ = c.acquire()) {
                        c.awaitFor(() -> true);
                        Asyncio.createTask(() -> { try (var _ = c.acquire()) { c.signalAll(); } });
                        c.await();
                    }
                }, p -> ((Condition) p).tryAcquire()),
                new Case("Event", new Event(), p -> {
                    Event e = (Event) p;
                    e.clear();
                    if (Thread.currentThread().isVirtual()) { // inside a task
                        Asyncio.createTask(e::set);
                    }
                    e.await();
                }, p -> ((Event) p).set()),
                new Case("Barrier", new Barrier(1), p -> ((Barrier) p).await(), p -> { }),
                new Case("Queue", new Queue<Integer>(), p -> {
                    @SuppressWarnings("unchecked")
                    Queue<Integer> q = (Queue<Integer>) p;
                    q.putNowait(1);
                    q.get();
                }, p -> {
                    @SuppressWarnings("unchecked")
                    Queue<Integer> q = (Queue<Integer>) p;
                    q.putNowait(1);
                }));
    }

    @Test
    void suspendingCallOutsideATaskIsAnError() {
        for (Case c : cases()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.suspending.accept(c.primitive),
                    c.name);
            assertTrue(e.getMessage().contains("inside a task"), c.name + ": " + e.getMessage());
        }
    }

    @Test
    void useFromAnotherLoopIsAnError() throws Exception {
        for (Case c : cases()) {
            TestLoops.runVirtual(() -> c.suspending.accept(c.primitive));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TestLoops.runVirtual(() -> c.suspending.accept(c.primitive)), c.name);
            assertTrue(e.getMessage().contains("different event loop"), c.name + ": " + e.getMessage());
        }
    }

    @Test
    void useFromAForeignThreadWhileTheLoopRunsIsAnError() throws Exception {
        for (Case c : cases()) {
            if (c.name.equals("Barrier")) {
                continue; // no non-suspending mutator
            }
            CountDownLatch bound = new CountDownLatch(1);
            CountDownLatch checked = new CountDownLatch(1);
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread loopThread = new Thread(() -> {
                try (EventLoop loop = Asyncio.newEventLoop()) {
                    loop.runUntilComplete(() -> {
                        c.suspending.accept(c.primitive);
                        bound.countDown();
                        while (checked.getCount() > 0) {
                            sleep(0.001);
                        }
                    });
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            loopThread.start();
            assertTrue(bound.await(10, TimeUnit.SECONDS));
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.plain.accept(c.primitive),
                        c.name);
                assertTrue(e.getMessage().contains("not thread-safe"), c.name + ": " + e.getMessage());
            } finally {
                checked.countDown();
            }
            done.get(10, TimeUnit.SECONDS);
            loopThread.join();
        }
    }

    @Test
    void ambiguousLoops() throws Exception {
        // test_locks.ConditionTests.test_ambiguous_loops: a lock bound to one loop, used by a
        // condition in another
        Lock lock = new Lock();
        TestLoops.runVirtual(() -> lock.acquire().close());
        TestLoops.runVirtual(() -> {
            Condition cond = new Condition(lock);
            assertThrows(IllegalStateException.class, cond::acquire);
            createTask(() -> { });
        });
    }
}
