package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

/** Task: results, names, cancellation everywhere a task can wait (CPython test_tasks). */
class TaskTest {

    @Test
    void taskResultAndName() throws Exception {
        String[] names = new String[2];
        int r = TestLoops.runVirtual(() -> {
            Task<Integer> t = createTask(() -> 41 + 1);
            Task<Integer> named = createTask(() -> 0, "worker");
            names[0] = t.getName();
            names[1] = named.getName();
            named.await();
            return t.await();
        });
        assertEquals(42, r);
        assertTrue(names[0].matches("Task-\\d+"), names[0]);
        assertEquals("worker", names[1]);
    }

    @Test
    void taskExceptionPropagatesToAwaiter() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestLoops.runVirtual(() -> {
            Task<Integer> t = createTask(() -> {
                sleep(1);
                throw new IllegalStateException("child failed");
            });
            return t.await();
        }));
        assertEquals("child failed", e.getMessage());
    }

    @Test
    void tasksRunConcurrentlyNotSequentially() throws Exception {
        // two 2 s and 1 s sleeps take 2 s, not 3 (virtual clock: exact)
        double elapsed = TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            double t0 = loop.time();
            Task<Void> a = createTask(() -> sleep(2));
            Task<Void> b = createTask(() -> sleep(1));
            a.await();
            b.await();
            return loop.time() - t0;
        });
        assertEquals(2.0, elapsed, 1e-6);
    }

    @Test
    void createdTaskStartsOnALaterIterationFifo() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<?> a = createTask(() -> events.add("a"));
            Task<?> b = createTask(() -> events.add("b"));
            events.add("main");
            a.await();
            b.await();
        });
        assertEquals(List.of("main", "a", "b"), events);
    }

    @Test
    void cancelTaskInSleep() throws Exception {
        // test_tasks.test_cancel_inner_future / test_cancel_yield
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    events.add("cancelled in sleep: " + e.getMessage());
                    throw e;
                } finally {
                    events.add("finally");
                }
            });
            sleep(1);
            assertTrue(t.cancel("stop"));
            assertEquals(1, t.cancelling());
            CancelledError e = assertThrows(CancelledError.class, t::await);
            assertEquals("stop", e.getMessage());
            assertTrue(t.cancelled());
            assertFalse(t.cancel(), "cancelling a done task returns false");
        });
        assertEquals(List.of("cancelled in sleep: stop", "finally"), events);
    }

    @Test
    void cancelBeforeStartNeverRunsTheBody() throws Exception {
        // test_tasks.test_cancel_task_created_but_not_started: the coroutine never runs
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<?> t = createTask(() -> events.add("ran"));
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled());
        });
        assertEquals(List.of(), events);
    }

    @Test
    void cancelWhileAwaitingAFutureCancelsTheFuture() throws Exception {
        // asyncio: cancelling a task cancels the future it awaits
        TestLoops.runVirtual(() -> {
            Future<String> f = getRunningLoop().createFuture();
            Task<String> t = createTask(f::await);
            sleep(0.1);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            assertTrue(f.cancelled());
        });
    }

    @Test
    void cancelWhileAwaitingATaskCancelsThatTask() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> inner = createTask(() -> sleep(100));
            Task<Void> outer = createTask(() -> inner.await());
            sleep(1);
            outer.cancel();
            assertThrows(CancelledError.class, outer::await);
            assertTrue(inner.cancelled());
        });
    }

    @Test
    void selfCancelIsDeliveredAtTheNextSuspension() throws Exception {
        // test_tasks.test_cancel_current_task
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                currentTask().cancel();
                events.add("still running");
                sleep(0);
                events.add("not reached");
            });
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled());
        });
        assertEquals(List.of("still running"), events);
    }

    @Test
    void cancellationIsNotSwallowedByCatchException() throws Exception {
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(() -> {
                try {
                    sleep(10);
                } catch (Exception e) {
                    events.add("swallowed " + e); // must not happen
                }
                events.add("after try");
            });
            sleep(1);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
        });
        assertEquals(List.of(), events);
    }

    @Test
    void suppressedCancellationAndUncancel() throws Exception {
        // test_tasks.test_uncancel_basic
        TestLoops.runVirtual(() -> {
            Task<String> t = createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    Task<?> me = currentTask();
                    assertEquals(1, me.cancelling());
                    assertEquals(0, me.uncancel());
                }
                sleep(1);
                return "survived";
            });
            sleep(1);
            t.cancel();
            assertEquals("survived", t.await());
            assertEquals(0, t.cancelling());
        });
    }

    @Test
    void cancelTaskBlockedInThreadSleep() throws Exception {
        TestLoops.runVirtual(() -> {
            List<String> ticks = new ArrayList<>();
            Task<Void> ticker = createTask(() -> {
                for (int i = 0; i < 3; i++) {
                    ticks.add("tick");
                    sleep(0);
                }
            });
            Task<Void> t = createTask(() -> Thread.sleep(60_000));
            sleep(0);
            sleep(0);
            t.cancel();
            CancelledError e = assertThrows(CancelledError.class, t::await);
            boolean interrupted = false;
            for (Throwable c = e; c != null; c = c.getCause()) {
                interrupted |= c instanceof InterruptedException;
            }
            assertTrue(interrupted, "the cancellation carries the InterruptedException that ended Thread.sleep");
            ticker.await();
            assertEquals(3, ticks.size());
        });
    }

    @Test
    void cancelTaskBlockedOnReentrantLock() throws Exception {
        TestLoops.runVirtual(() -> {
            ReentrantLock lock = new ReentrantLock();
            Task<Void> holder = createTask(() -> {
                lock.lock();
                try {
                    sleep(5);
                } finally {
                    lock.unlock();
                }
            });
            sleep(0.1);
            Task<Void> waiter = createTask(() -> {
                lock.lockInterruptibly();
                lock.unlock();
            });
            sleep(0.1);
            waiter.cancel();
            assertThrows(CancelledError.class, waiter::await);
            assertTrue(waiter.cancelled());
            holder.await();
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void cancelTaskBlockedOnABlockingQueue() throws Exception {
        TestLoops.runVirtual(() -> {
            BlockingQueue<String> q = new ArrayBlockingQueue<>(1);
            Task<String> t = createTask(q::take);
            sleep(0.1);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled());
        });
    }

    @Test
    void blockingQueueTakeInATaskDoesNotBlockTheLoop() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            String s = loop.runUntilComplete(() -> {
                BlockingQueue<String> q = new ArrayBlockingQueue<>(1);
                Task<String> consumer = createTask(q::take);
                Task<Void> producer = createTask(() -> {
                    sleep(0.05);
                    q.put("item");
                });
                producer.await();
                return consumer.await();
            });
            assertEquals("item", s);
        }
    }

    @Test
    void blockingSocketReadInATaskParksOnlyThatTask() throws Exception {
        // DESIGN.md §1: a blocking java.net read inside a loop-scheduled task works and
        // another task keeps ticking meanwhile
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                EventLoop loop = Asyncio.newEventLoop()) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    Thread.sleep(200);
                    s.getOutputStream().write("pong\n".getBytes());
                    s.getOutputStream().flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            List<String> ticks = new ArrayList<>();
            String line = loop.runUntilComplete(() -> {
                Task<Void> ticker = createTask(() -> {
                    for (int i = 0; i < 5; i++) {
                        ticks.add("tick");
                        sleep(0.01);
                    }
                });
                Task<String> reader = createTask(() -> {
                    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                            server.getLocalPort())) {
                        return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
                    }
                });
                ticker.await();
                assertFalse(reader.done(), "the read is still blocked while the ticker finished");
                return reader.await();
            });
            peer.join();
            assertEquals("pong", line);
            assertEquals(5, ticks.size());
        }
    }

    @Test
    void cancelTaskAwaitingACompletableFuture() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        TestLoops.runVirtual(() -> {
            Task<String> t = createTask(() -> Asyncio.await(cf));
            sleep(0.1);
            t.cancel();
            assertThrows(CancelledError.class, t::await);
        });
        assertTrue(cf.isCancelled(), "cancelling the awaiting task cancels the CompletableFuture");
    }

    @Test
    void awaitCompletionStageFromAnotherThread() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            String s = loop.runUntilComplete(() -> Asyncio.await(CompletableFuture.supplyAsync(() -> "from pool")));
            assertEquals("from pool", s);
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> loop.runUntilComplete(() -> Asyncio.await(CompletableFuture.supplyAsync(() -> {
                        throw new java.io.UncheckedIOException(new java.io.IOException("io"));
                    }))));
            assertEquals("io", e.getCause().getMessage());
        }
    }

    @Test
    void currentTaskAndAllTasks() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<?> me = currentTask();
            assertNotNull(me);
            Task<Void> a = createTask(() -> sleep(1));
            Set<Task<?>> all = allTasks();
            assertTrue(all.contains(me));
            assertTrue(all.contains(a));
            a.await();
            assertFalse(allTasks().contains(a));
        });
        assertThrows(IllegalStateException.class, Asyncio::currentTask); // no running event loop
    }

    @Test
    void getStackShowsWhereTheTaskWaits() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> t = createTask(TaskTest::waitHere);
            sleep(0.1);
            StackTraceElement[] st = t.getStack();
            assertTrue(st.length > 0);
            boolean found = false;
            for (StackTraceElement e : st) {
                found |= e.getMethodName().equals("waitHere");
            }
            assertTrue(found, java.util.Arrays.toString(st));
            assertTrue(t.toString().contains("waitHere"), t.toString());
            assertTrue(t.toString().startsWith("<Task pending name='Task-"), t.toString());
            t.cancel();
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.toString().startsWith("<Task cancelled"), t.toString());
        });
    }

    private static void waitHere() {
        sleep(100);
    }

    @Test
    void taskCannotAwaitItself() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestLoops.runVirtual(() -> currentTask().await()));
        assertTrue(e.getMessage().contains("itself"));
    }

    @Test
    void eagerTaskFactoryRunsFirstStepBeforeCreateTaskReturns() throws Exception {
        // test_eager_task_factory: eager tasks start immediately; ones that do not suspend are done at once
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            getRunningLoop().setTaskFactory(TaskFactory.EAGER);
            Task<String> quick = createTask(() -> {
                events.add("quick runs");
                return "q";
            });
            events.add("after quick");
            assertTrue(quick.done());
            assertEquals("q", quick.result());
            Task<Void> slow = createTask(() -> {
                events.add("slow starts");
                sleep(1);
                events.add("slow ends");
            });
            events.add("after slow");
            assertFalse(slow.done());
            slow.await();
            Task<Void> nested = createTask(() -> {
                events.add("outer starts");
                Task<?> inner = createTask(() -> events.add("inner runs"));
                events.add("outer after inner");
                inner.await();
            });
            events.add("after nested");
            nested.await();
        });
        assertEquals(List.of("quick runs", "after quick", "slow starts", "after slow", "slow ends",
                "outer starts", "inner runs", "outer after inner", "after nested"), events);
    }

    @Test
    void eagerTaskFromACallback() throws Exception {
        List<String> events = new ArrayList<>();
        try (EventLoop loop = Asyncio.newEventLoop()) {
            loop.setTaskFactory(TaskFactory.EAGER);
            loop.callSoon(() -> {
                Task<?> t = loop.createTask(() -> events.add("task"));
                events.add("callback, task done=" + t.done());
                loop.stop();
            });
            loop.runForever();
        }
        assertEquals(List.of("task", "callback, task done=true"), events);
    }

    @Test
    void taskFactoryMayDecorate() throws Exception {
        TestLoops.runVirtual(() -> {
            getRunningLoop().setTaskFactory(new TaskFactory() {
                @Override
                public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
                    return TaskFactory.DEFAULT.createTask(loop, coro, name == null ? "decorated" : name, context);
                }
            });
            assertEquals("decorated", createTask(() -> 1).getName());
            // a name given to createTask is the task's name whatever the factory did (asyncio 3.13)
            assertEquals("x", createTask(() -> 1, "x").getName());
        });
    }

    @Test
    void manyTasksInterleaveOnOneThread() throws Exception {
        // the asyncio guarantee: between two awaits, no other task runs
        int[] counter = {0};
        TestLoops.runVirtual(() -> {
            List<Task<Void>> ts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ts.add(createTask(() -> {
                    for (int j = 0; j < 100; j++) {
                        int before = counter[0];
                        counter[0] = before + 1; // no race: never interleaved here
                        sleep(0);
                    }
                }));
            }
            for (Task<Void> t : ts) {
                t.await();
            }
        });
        assertEquals(10_000, counter[0]);
    }

    /**
     * A finished task that is still held (by a gather, by whoever reads its result later) lets
     * go of its virtual thread, continuation and stack: a burst of finished tasks costs the
     * collector Task objects, not threads. It still gives its result, and stepping it again
     * (a stray wake-up) does not run its body again.
     */
    @Test
    void finishedTaskLetsGoOfItsThread() throws Exception {
        int[] runs = {0};
        run(() -> {
            Task<String> t = createTask(() -> {
                runs[0]++;
                sleep(0);
                return "done";
            });
            sleep(0);
            WeakReference<Thread> thread = new WeakReference<>(t.thread);
            assertNotNull(thread.get(), "a suspended task has its thread");
            assertEquals("done", t.await());
            assertNull(t.thread);
            for (int i = 0; i < 20 && thread.get() != null; i++) {
                System.gc();
                sleep(0.01);
            }
            assertNull(thread.get(), "the finished task's thread was collected while the task is held");
            t.step();
            assertEquals(1, runs[0], "the body ran once");
            assertEquals("done", t.result());
        });
    }
}
