package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** captureCallGraph's edges: cycles, links dropped when done, thread rules, bad input; task thread names. */
class CallGraphTest {

    @Test
    void anAwaitCycleIsCutWhereItCloses() throws Exception {
        TestLoops.runVirtual(() -> {
            // b awaits a; a awaits a plain future but is linked as b's awaiter (as gather would
            // link it): a cycle a <- b <- a, without two tasks deadlocked on each other
            Future<String> f = getRunningLoop().createFuture();
            Task<String> a = createTask(f::await, "a");
            Task<String> b = createTask(a::await, "b");
            sleep(0);
            AwaitedBy.add(b, a);
            FutureCallGraph g = captureCallGraph(a);
            assertSame(a, g.future());
            assertEquals(1, g.awaitedBy().size());
            FutureCallGraph gb = g.awaitedBy().get(0);
            assertSame(b, gb.future());
            assertEquals(1, gb.awaitedBy().size());
            FutureCallGraph again = gb.awaitedBy().get(0);
            assertSame(a, again.future());
            assertEquals(List.of(), again.awaitedBy(), "the cycle stops at the node met again");
            assertEquals(List.of(a), Diagnostics.awaitingTasks(b));
            AwaitedBy.discard(b, a);
            f.setResult("done");
            assertEquals("done", b.await());
        });
    }

    @Test
    void linksAreDroppedWhenTheChildIsDone() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> child = createTask(() -> sleep(1, 7));
            Future<Integer> shielded = shield(child);
            Future<List<Integer>> g = gather(List.of(child));
            sleep(0);
            assertEquals(1, captureCallGraph(child).awaitedBy().size(), "gather and shield both link the caller");
            assertEquals(List.of(7), g.await());
            assertEquals(7, shielded.await());
            assertEquals(List.of(), captureCallGraph(child).awaitedBy());
            assertNull(child.awaitedBy);
        });
    }

    @Test
    void taskGroupLinksEachChildToTheGroupsTaskUntilItIsDone() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<?> me = currentTask();
            TaskGroup.run(tg -> {
                Task<Object> c = tg.createTask(() -> sleep(1, null), "child", null);
                sleep(0);
                FutureCallGraph g = captureCallGraph(c);
                assertEquals(1, g.awaitedBy().size());
                assertSame(me, g.awaitedBy().get(0).future());
                c.await();
                assertNull(c.awaitedBy);
                return null;
            });
        });
    }

    @Test
    void noCurrentTaskInACallbackGivesNull() throws Exception {
        try (EventLoop loop = newEventLoop()) {
            Future<FutureCallGraph> got = loop.createFuture();
            AtomicReference<Boolean> printedNothing = new AtomicReference<>();
            loop.callSoon(() -> {
                PrintStream saved = System.out;
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                try {
                    printCallGraph();
                } finally {
                    System.setOut(saved);
                }
                printedNothing.set(buf.size() == 0);
                got.setResult(captureCallGraph());
            });
            assertNull(loop.runUntilComplete(got));
            assertTrue(printedNothing.get());
        }
    }

    @Test
    void outsideALoopOrFromAnotherThreadIsAnError() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, Asyncio::captureCallGraph);
        assertTrue(e.getMessage().contains("no running event loop"), e.getMessage());
        assertThrows(NullPointerException.class, () -> captureCallGraph(null));
        assertThrows(NullPointerException.class, () -> printCallGraph(null, System.out));
        TestLoops.runVirtual(() -> {
            Task<Object> t = createTask(() -> sleep(1, null));
            IllegalStateException other = toThread(() -> assertThrows(IllegalStateException.class,
                    () -> captureCallGraph(t)));
            assertTrue(other.getMessage().contains("captureCallGraph() is not thread-safe"), other.getMessage());
            assertThrows(NullPointerException.class, () -> printCallGraph(t, null));
            t.cancel();
        });
    }

    @Test
    void aPlainFutureHasNoStackAndItsWaitersAsAwaiters() throws Exception {
        TestLoops.runVirtual(() -> {
            Future<String> f = getRunningLoop().createFuture();
            Task<String> w = createTask(f::await, "waiter");
            sleep(0);
            FutureCallGraph g = captureCallGraph(f);
            assertEquals(List.of(), g.callStack());
            assertSame(w, g.awaitedBy().get(0).future());
            String text = g.format();
            assertTrue(text.startsWith("* Future(id=0x"), text);
            assertTrue(text.contains("\n  + Awaited by:\n    * Task(name='waiter', id=0x"), text);
            f.setResult("x");
            assertEquals("x", w.await());
        });
    }

    @Test
    void theTasksThreadCarriesItsName() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<String> named = createTask(() -> Thread.currentThread().getName(), "fetch-1");
            assertEquals("fetch-1", named.await());
            Task<String> unnamed = createTask(() -> Thread.currentThread().getName());
            assertEquals("", unnamed.await(), "an unnamed task's thread is not named outside debug mode");
            getRunningLoop().setDebug(true);
            Task<String> debugged = createTask(() -> Thread.currentThread().getName());
            assertEquals(debugged.getName(), debugged.await(), "in debug mode it carries the generated name");
            assertTrue(debugged.getName().startsWith("Task-"));
            getRunningLoop().setDebug(false);
            Task<String> renamed = createTask(() -> {
                sleep(0);
                return Thread.currentThread().getName();
            }, "before");
            sleep(0);
            renamed.setName("after");
            assertEquals("after", renamed.await());
        });
    }

    @Test
    void recordComponentsAreCheckedAndCopied() {
        assertThrows(NullPointerException.class, () -> new FutureCallGraph(null, List.of(), List.of()));
        assertThrows(NullPointerException.class,
                () -> new FutureCallGraph(new Future<>(newEventLoop()), null, List.of()));
    }
}
