package org.jasyncio;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.TestLoops.runVirtual;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AsyncGenerator}: asyncio's async-generator rules (CPython's test_asyncgen.AsyncGenAsyncioTest). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncGeneratorTest {

    private static <T> List<T> toList(AsyncGenerator<T> gen) {
        List<T> res = new ArrayList<>();
        for (T v : gen) {
            res.add(v);
        }
        return res;
    }

    @Test
    void forEachIsAsyncFor() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_01
        runVirtual(() -> {
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                sleep(0.01);
                out.yield(2);
                sleep(0.01);
            });
            assertEquals(List.of(1, 2), toList(gen));
            assertTrue(gen.isClosed());
            assertEquals(List.of(), toList(gen), "an exhausted generator yields nothing more");
        });
    }

    @Test
    void anExceptionInTheBodyReachesTheConsumer() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_02
        runVirtual(() -> {
            List<Integer> got = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                out.yield(1);
                sleep(0.01);
                out.yield(2);
                throw new ArithmeticException("/ by zero");
            });
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> {
                for (int v : gen) {
                    got.add(v);
                }
            });
            assertEquals("/ by zero", e.getMessage());
            assertEquals(List.of(1, 2), got);
            assertTrue(gen.isClosed());
            assertThrows(NoSuchElementException.class, gen::anext, "finished after the exception");
        });
    }

    @Test
    void checkedExceptionsAreWrappedForForEachAndRawForAnext() throws Exception {
        runVirtual(() -> {
            AsyncGenerator<String> a = AsyncGenerator.of(out -> { throw new IOException("disk"); });
            CompletionException ce = assertThrows(CompletionException.class, () -> toList(a));
            assertInstanceOf(IOException.class, ce.getCause());
            AsyncGenerator<String> b = AsyncGenerator.of(out -> { throw new IOException("disk"); });
            assertEquals("disk", assertThrows(IOException.class, b::anext).getMessage());
        });
    }

    @Test
    void theBodyRunsOnlyWhenTheConsumerAsks() throws Exception {
        runVirtual(() -> {
            List<String> events = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                events.add("start");
                out.yield(1);
                events.add("after 1");
                out.yield(2);
                events.add("after 2");
            });
            sleep(1);
            assertEquals(List.of(), events, "nothing runs before the first hasNext()");
            Iterator<Integer> it = gen.iterator();
            assertTrue(it.hasNext());
            assertEquals(List.of("start"), events);
            sleep(1);
            assertEquals(List.of("start"), events, "suspended at the yield while the consumer does not ask");
            assertTrue(it.hasNext(), "hasNext() twice does not advance");
            assertEquals(1, it.next());
            assertEquals(List.of("start"), events);
            assertEquals(2, it.next());
            assertEquals(List.of("start", "after 1"), events);
            assertFalse(it.hasNext());
            assertEquals(List.of("start", "after 1", "after 2"), events);
            assertThrows(NoSuchElementException.class, it::next);
        });
    }

    @Test
    void anext() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_anext_04 (run1)
        runVirtual(() -> {
            AsyncGenerator<Integer> it = AsyncGenerator.of(out -> {
                out.yield(1);
                sleep(0.01);
                out.yield(2);
                out.yield(3);
                sleep(0.01);
                out.yield(4);
            });
            assertEquals(1, it.anext());
            assertEquals(2, it.anext());
            assertEquals(3, it.anext());
            assertEquals(4, it.anext());
            assertThrows(NoSuchElementException.class, it::anext);
            assertThrows(NoSuchElementException.class, it::anext);
        });
    }

    @Test
    void iteratorsContinueWhereThePreviousStopped() throws Exception {
        runVirtual(() -> {
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                for (int i = 0; i < 6; i++) {
                    out.yield(i);
                }
            });
            List<Integer> first = new ArrayList<>();
            for (int v : gen) {
                first.add(v);
                if (v == 2) {
                    break;
                }
            }
            assertEquals(List.of(0, 1, 2), first);
            assertEquals(List.of(3, 4, 5), toList(gen));
        });
    }

    @Test
    void closeRunsTheFinallyBlocks() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_07
        runVirtual(() -> {
            int[] done = {0};
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    throw new ArithmeticException();
                } finally {
                    sleep(0.01);
                    sleep(0.01);
                    done[0] += 1;
                }
            });
            assertEquals(1, gen.anext());
            gen.close();
            assertEquals(1, done[0]);
            assertTrue(gen.isClosed());
            assertFalse(gen.iterator().hasNext());
        });
    }

    @Test
    void closeWhileTheBodyWaitsAtAYield() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_08
        runVirtual(() -> {
            int[] done = {0};
            Future<Void> fut = Asyncio.getRunningLoop().createFuture();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    fut.await();
                    done[0] += 1000;
                    out.yield(2);
                } finally {
                    sleep(0.01);
                    sleep(0.01);
                    done[0] += 1;
                }
                done[0] += 1000;
            });
            assertEquals(1, gen.anext());
            gen.close();
            assertEquals(1, done[0]);
            fut.cancel();
        });
    }

    @Test
    void tryWithResourcesClosesAConsumerThatStopsEarly() throws Exception {
        runVirtual(() -> {
            List<String> events = new ArrayList<>();
            AsyncGenerator<Integer> ticks = AsyncGenerator.of(out -> {
                try {
                    for (int i = 0; ; i++) {
                        sleep(1);
                        out.yield(i);
                    }
                } finally {
                    events.add("closed");
                }
            });
            try (ticks) {
                for (int tick : ticks) {
                    events.add("tick " + tick);
                    if (tick == 2) {
                        break;
                    }
                }
            }
            assertEquals(List.of("tick 0", "tick 1", "tick 2", "closed"), events);
            assertTrue(ticks.isClosed());
        });
    }

    @Test
    void ignoredGeneratorExit() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_06 and aclose_11
        runVirtual(() -> {
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    throw new ArithmeticException();
                } finally {
                    sleep(0.01);
                    out.yield(12);
                }
            });
            assertEquals(1, gen.anext());
            IllegalStateException e = assertThrows(IllegalStateException.class, gen::close);
            assertTrue(e.getMessage().contains("async generator ignored GeneratorExit"), e.getMessage());
            assertFalse(gen.isClosed(), "it stays suspended at the second yield");
            gen.close(); // tries again: GeneratorExit at the second yield ends it
            assertTrue(gen.isClosed());
        });
    }

    @Test
    void aBodyThatSwallowsGeneratorExitAndEnds() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_10
        runVirtual(() -> {
            int[] done = {0};
            AsyncGenerator<Void> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(null);
                } catch (Throwable t) {
                    // swallowed
                }
                done[0] = 1;
            });
            assertNull(gen.anext());
            gen.close();
            done[0] += 10;
            assertEquals(11, done[0]);
        });
    }

    @Test
    void finallyAwaitsAFailingTask() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_12
        runVirtual(() -> {
            int[] done = {0};
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                Task<Void> task = createTask(() -> { sleep(0.01); throw new ArithmeticException(); });
                try {
                    out.yield(1);
                } finally {
                    try {
                        task.await();
                    } catch (ArithmeticException e) {
                        done[0] = 1;
                    }
                }
            });
            assertEquals(1, gen.anext());
            gen.close();
            assertEquals(1, done[0]);
        });
    }

    @Test
    void failureWhileClosingReachesClose() throws Exception {
        runVirtual(() -> {
            AsyncGenerator<Integer> a = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                } finally {
                    throw new IllegalArgumentException("cleanup failed");
                }
            });
            a.anext();
            assertEquals("cleanup failed", assertThrows(IllegalArgumentException.class, a::close).getMessage());
            AsyncGenerator<Integer> b = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                } finally {
                    throw new IOException("cleanup failed");
                }
            });
            b.anext();
            assertInstanceOf(IOException.class, assertThrows(CompletionException.class, b::close).getCause());
        });
    }

    @Test
    void closingAGeneratorThatNeverStartedRunsNothing() throws Exception {
        runVirtual(() -> {
            boolean[] ran = {false};
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> ran[0] = true);
            gen.close();
            assertTrue(gen.isClosed());
            assertEquals(List.of(), toList(gen));
            assertFalse(ran[0]);
            gen.close(); // twice: nothing
        });
    }

    @Test
    void aCancelledConsumerPassesTheCancellationIntoTheBody() throws Exception {
        // In Python the body runs in the consumer's task: its finally blocks run before the
        // consumer's CancelledError propagates, and the generator is finished afterwards.
        runVirtual(() -> {
            List<String> events = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    out.yield(1);
                    sleep(10);
                    out.yield(2);
                } catch (CancelledError e) {
                    events.add("body cancelled");
                    throw e;
                } finally {
                    sleep(0.5);
                    events.add("body finally");
                }
            });
            Task<Void> consumer = createTask(() -> {
                try {
                    for (int v : gen) {
                        events.add("got " + v);
                    }
                } catch (CancelledError e) {
                    events.add("consumer cancelled");
                    throw e;
                }
            });
            sleep(1);
            consumer.cancel();
            assertThrows(CancelledError.class, consumer::await);
            assertEquals(List.of("got 1", "body cancelled", "body finally", "consumer cancelled"), events);
            assertTrue(gen.isClosed());
        });
    }

    @Test
    void aValueYieldedJustBeforeTheConsumerIsCancelledIsKept() throws Exception {
        runVirtual(() -> {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Task<Integer>[] consumer = new Task[1];
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                sleep(1);
                consumer[0].cancel(); // the consumer is cancelled in the same step as the yield
                out.yield(42);
                out.yield(43);
            });
            consumer[0] = createTask(gen::anext);
            assertThrows(CancelledError.class, consumer[0]::await);
            assertEquals(42, gen.anext(), "the value was not lost");
            assertEquals(43, gen.anext());
        });
    }

    @Test
    void aTimeoutAroundTheConsumer() throws Exception {
        runVirtual(() -> {
            boolean[] closed = {false};
            List<Integer> got = new ArrayList<>();
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> {
                try {
                    for (int i = 0; ; i++) {
                        sleep(1);
                        out.yield(i);
                    }
                } finally {
                    closed[0] = true;
                }
            });
            double t0 = Asyncio.getRunningLoop().time();
            assertThrows(TimeoutError.class, () -> Asyncio.timeout(3.5, () -> {
                for (int v : gen) {
                    got.add(v);
                }
                return null;
            }));
            assertEquals(3.5, Asyncio.getRunningLoop().time() - t0, 1e-6);
            assertEquals(List.of(0, 1, 2), got);
            assertTrue(closed[0]);
            assertEquals(0, Asyncio.currentTask().cancelling());
        });
    }

    @Test
    void twoConsumersAtOnceIsAnError() throws Exception {
        runVirtual(() -> {
            AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> { sleep(1); out.yield(1); });
            Task<Integer> first = createTask(gen::anext);
            sleep(0);
            sleep(0);
            IllegalStateException e = assertThrows(IllegalStateException.class, gen::anext);
            assertTrue(e.getMessage().contains("already running"), e.getMessage());
            assertThrows(IllegalStateException.class, gen::close);
            assertEquals(1, first.await());
        });
    }

    @Test
    void misuseIsAClearError() throws Exception {
        AsyncGenerator<Integer> gen = AsyncGenerator.of(out -> { out.yield(1); out.yield(2); });
        assertThrows(IllegalStateException.class, gen::anext, "outside a task");
        try (EventLoop other = Asyncio.newEventLoop()) {
            assertEquals(1, other.runUntilComplete(gen::anext));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> runVirtual(gen::anext));
            assertTrue(e.getMessage().contains("different event loop"), e.getMessage());
            other.runUntilComplete(() -> gen.close());
        }
        runVirtual(() -> {
            AsyncGenerator.Yield<?>[] leaked = {null};
            AsyncGenerator<Integer> g = AsyncGenerator.of(out -> { leaked[0] = out; out.yield(1); });
            g.anext();
            @SuppressWarnings("unchecked")
            AsyncGenerator.Yield<Integer> y = (AsyncGenerator.Yield<Integer>) leaked[0];
            assertThrows(IllegalStateException.class, () -> y.yield(2), "yield outside the body");
            AsyncGenerator<Integer>[] self = new AsyncGenerator[1];
            self[0] = AsyncGenerator.of(out -> self[0].close());
            assertThrows(IllegalStateException.class, self[0]::anext, "a generator cannot close itself");
            assertThrows(NullPointerException.class, () -> AsyncGenerator.of(null));
        });
    }

    @Test
    void theBodyRunsInTheConsumersContextAndIsNoVisibleTask() throws Exception {
        runVirtual(() -> {
            ContextVar<String> user = new ContextVar<>("user", "nobody");
            user.set("alice");
            AsyncGenerator<String> gen = AsyncGenerator.of(out -> {
                out.yield(user.get());
                user.set("bob");
                out.yield(Integer.toString(Asyncio.allTasks().size()));
            });
            assertEquals("alice", gen.anext());
            assertEquals("1", gen.anext(), "only the main task is listed");
            assertEquals("bob", user.get(), "the body set the consumer's variable, as in Python");
            assertTrue(gen.toString().contains("suspended"), gen.toString());
        });
    }

    @Test
    void runClosesGeneratorsLeftOpen() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_shutdown_02
        List<String> events = new ArrayList<>();
        TestLoops.Collector handler = new TestLoops.Collector();
        AsyncGenerator<Integer> gen = AsyncGenerator.of("numbers", out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                sleep(0.1); // cleanup may suspend
                events.add("closed by shutdown");
            }
        });
        runVirtual(() -> {
            Asyncio.getRunningLoop().setExceptionHandler(handler);
            for (int v : gen) {
                events.add("got " + v);
                break;
            }
        });
        assertEquals(List.of("got 1", "closed by shutdown"), events);
        assertEquals(List.of(), handler.messages());
        assertTrue(gen.isClosed());
    }

    @Test
    void aFailureWhileClosingAtShutdownGoesToTheExceptionHandler() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_shutdown_exception_01
        TestLoops.Collector handler = new TestLoops.Collector();
        AsyncGenerator<Integer> it = AsyncGenerator.of("failing", out -> {
            try {
                out.yield(1);
                out.yield(2);
            } finally {
                throw new ArithmeticException("/ by zero");
            }
        });
        runVirtual(() -> {
            Asyncio.getRunningLoop().setExceptionHandler(handler);
            for (int v : it) {
                break;
            }
        });
        List<ExceptionContext> contexts = handler.contexts();
        assertEquals(1, contexts.size());
        ExceptionContext c = contexts.get(0);
        assertTrue(c.message().contains("an error occurred during closing of asynchronous generator"), c.message());
        assertInstanceOf(ArithmeticException.class, c.exception());
        assertTrue(String.valueOf(c.get("asyncgen")).contains("failing"));
    }

    @Test
    void consumersCancelledAtShutdownFinalizeTheirGenerators() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_shutdown_01
        int[] finalized = {0};
        runVirtual(() -> {
            for (int i = 0; i < 2; i++) {
                createTask(() -> {
                    AsyncGenerator<Integer> waiter = AsyncGenerator.of(out -> {
                        try {
                            sleep(1);
                            out.yield(1);
                        } finally {
                            sleep(0);
                            finalized[0]++;
                        }
                    });
                    for (int v : waiter) {
                        // nothing
                    }
                });
            }
            sleep(0.1); // main returns: run() cancels the two consumers
        });
        assertEquals(2, finalized[0]);
    }

    @Test
    void aGarbageCollectedGeneratorIsClosed() throws Exception {
        // test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_gc_aclose_09 (a real loop:
        // the close is scheduled from the Cleaner's thread)
        int[] done = {0};
        Asyncio.run(() -> {
            startAndDrop(done);
            for (int i = 0; i < 500 && done[0] == 0; i++) {
                System.gc();
                sleep(0.01);
            }
        });
        assertEquals(1, done[0]);
    }

    private static void startAndDrop(int[] done) throws Exception {
        AsyncGenerator<Integer> g = AsyncGenerator.of(out -> {
            try {
                while (true) {
                    out.yield(1);
                }
            } finally {
                sleep(0);
                done[0] = 1;
            }
        });
        g.anext();
        g.anext();
    }
}
