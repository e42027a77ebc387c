package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jasyncio.Future;
import org.jasyncio.FutureCallGraph;
import org.jasyncio.Task;
import org.jasyncio.TaskGroup;
import org.jasyncio.TestLoops;
import org.jasyncio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * CPython 3.14's {@code test_asyncio/test_graph.py}: {@code captureCallGraph} and
 * {@code printCallGraph} over gather, TaskGroup, shield, timeout, wait, task and future chains.
 *
 * <p>Coroutine functions are the static methods below; a frame list keeps this class's
 * methods, without the lambdas that start them. Python lists an async test method and the
 * task group's {@code __aexit__} frames too; here the test body is a lambda and the group's
 * frames are jasyncio's, so those entries are absent. Python's {@code depth} is not needed:
 * the capture's own frames (jasyncio's) are always left out, and the caller's helper (Python's
 * capture_test_stack, skipped there with depth=2) stays.
 */
class TestGraph {

    /** Python's walk(): [label, frames, sorted awaiters]. */
    static List<Object> walk(FutureCallGraph g) {
        List<Object> ret = new ArrayList<>();
        if (g.future() instanceof Task<?> t) {
            String n = t.getName();
            ret.add(n.startsWith("Task-") ? "T<anon>" : "T<" + n + ">");
        } else {
            ret.add("F");
        }
        List<String> frames = new ArrayList<>();
        for (StackTraceElement e : g.callStack()) {
            if (e.getClassName().equals(TestGraph.class.getName()) && !e.getMethodName().startsWith("lambda$")) {
                frames.add(e.getMethodName());
            }
        }
        ret.add(frames);
        List<List<Object>> by = new ArrayList<>();
        for (FutureCallGraph a : g.awaitedBy()) {
            by.add(walk(a));
        }
        by.sort(Comparator.comparing(l -> (String) l.get(0)));
        ret.add(by);
        return ret;
    }

    record Captured(List<Object> walked, String printed) {}

    static Captured captureTestStack(Future<?> fut) {
        FutureCallGraph g = fut == null ? captureCallGraph() : captureCallGraph(fut);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        printCallGraph(fut == null ? currentTask() : fut, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return new Captured(walk(g), buf.toString(StandardCharsets.UTF_8));
    }

    static List<Object> node(String label, List<String> frames, List<?>... awaitedBy) {
        return List.of(label, frames, List.of(awaitedBy));
    }

    // ---- test_stack_tgroup ----------------------------------------------------------

    static volatile Captured stackForC5;

    static void c5() {
        stackForC5 = captureTestStack(null);
    }

    static void c4() throws Exception {
        sleep(0);
        c5();
    }

    static void c3() throws Exception {
        c4();
    }

    static void c2() throws Exception {
        c3();
    }

    static void subMain(Task<?> task) throws Exception {
        task.await();
    }

    static void tgroupMain() throws Exception {
        TaskGroup.run(tg -> {
            Task<Object> task = tg.createTask(() -> {
                c2();
                return null;
            }, "c2_root", null);
            tg.createTask(() -> {
                subMain(task);
                return null;
            }, "sub_main_1", null);
            tg.createTask(() -> {
                subMain(task);
                return null;
            }, "sub_main_2", null);
            return null;
        });
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_tgroup
    @Test
    void testStackTgroup() throws Exception {
        TestLoops.runVirtual(TestGraph::tgroupMain);
        List<Object> main = node("T<anon>", List.of("tgroupMain"));
        assertEquals(node("T<c2_root>", List.of("captureTestStack", "c5", "c4", "c3", "c2"),
                main,
                node("T<sub_main_1>", List.of("subMain"), main),
                node("T<sub_main_2>", List.of("subMain"), main)), stackForC5.walked());
        assertTrue(stackForC5.printed().contains("in " + TestGraph.class.getName() + ".tgroupMain()"),
                stackForC5.printed());
        assertTrue(stackForC5.printed().startsWith("* Task(name='c2_root', id=0x"), stackForC5.printed());
    }

    // ---- test_stack_gather ------------------------------------------------------------

    static volatile Captured stackForDeep;

    static void deep() throws Exception {
        sleep(0);
        stackForDeep = captureTestStack(null);
    }

    static void gc1() throws Exception {
        sleep(0);
        deep();
    }

    static void gc2() throws Exception {
        sleep(0);
    }

    static void gatherMain() throws Exception {
        gather(List.of(createTask(TestGraph::gc1), createTask(TestGraph::gc2))).await();
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_gather
    @Test
    void testStackGather() throws Exception {
        TestLoops.runVirtual(TestGraph::gatherMain);
        assertEquals(node("T<anon>", List.of("captureTestStack", "deep", "gc1"),
                node("T<anon>", List.of("gatherMain"))), stackForDeep.walked());
    }

    /** gather given coroutines: the tasks it makes are awaited by the caller too. */
    @Test
    void gatherOfCoroutinesLinksTheCaller() throws Exception {
        TestLoops.runVirtual(() -> {
            gather(() -> {
                gc1();
                return null;
            }, () -> null).await();
        });
        assertEquals(node("T<anon>", List.of("captureTestStack", "deep", "gc1"), node("T<anon>", List.of())),
                stackForDeep.walked());
    }

    // ---- test_stack_shield ----------------------------------------------------------------

    static void shieldMain() throws Exception {
        shield(createTask(TestGraph::gc1)).await();
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_shield
    @Test
    void testStackShield() throws Exception {
        TestLoops.runVirtual(TestGraph::shieldMain);
        assertEquals(node("T<anon>", List.of("captureTestStack", "deep", "gc1"),
                node("T<anon>", List.of("shieldMain"))), stackForDeep.walked());
    }

    // ---- test_stack_timeout -----------------------------------------------------------

    static void timeoutC1() throws Exception {
        try (Timeout t = timeout(1)) {
            sleep(0);
            deep();
        }
    }

    static void timeoutMain() throws Exception {
        shield(createTask(TestGraph::timeoutC1)).await();
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_timeout
    @Test
    void testStackTimeout() throws Exception {
        TestLoops.runVirtual(TestGraph::timeoutMain);
        assertEquals(node("T<anon>", List.of("captureTestStack", "deep", "timeoutC1"),
                node("T<anon>", List.of("timeoutMain"))), stackForDeep.walked());
    }

    /** waitFor keeps the link too: the waiting task awaits the inner task directly. */
    @Test
    void waitForKeepsTheLink() throws Exception {
        TestLoops.runVirtual(() -> {
            waitFor(createTask(() -> {
                gc1();
                return null;
            }, "inner"), 5.0);
        });
        assertEquals(node("T<inner>", List.of("captureTestStack", "deep", "gc1"), node("T<anon>", List.of())),
                stackForDeep.walked());
    }

    // ---- test_stack_wait -------------------------------------------------------------------

    static void waitC2() throws Exception {
        for (int i = 0; i < 3; i++) {
            sleep(0);
        }
    }

    static void waitMain(Task<?> t1, Task<?> t2) throws Exception {
        while (true) {
            var r = org.jasyncio.Asyncio.wait(List.of(t1, t2));
            if (r.pending().isEmpty()) {
                break;
            }
        }
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_wait
    @Test
    void testStackWait() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> t1 = createTask(TestGraph::timeoutC1);
            Task<Void> t2 = createTask(TestGraph::waitC2);
            try {
                waitMain(t1, t2);
            } finally {
                t1.await();
                t2.await();
            }
        });
        assertEquals(node("T<anon>", List.of("captureTestStack", "deep", "timeoutC1"),
                node("T<anon>", List.of("waitMain"))), stackForDeep.walked());
    }

    // ---- test_stack_task -------------------------------------------------------------------

    static void taskC1() throws Exception {
        deep();
    }

    static void taskC2() throws Exception {
        createTask(() -> {
            taskC1();
            return null;
        }, "there there").await();
    }

    static void taskMain() throws Exception {
        taskC2();
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_task
    @Test
    void testStackTask() throws Exception {
        TestLoops.runVirtual(TestGraph::taskMain);
        assertEquals(node("T<there there>", List.of("captureTestStack", "deep", "taskC1"),
                node("T<anon>", List.of("taskC2", "taskMain"))), stackForDeep.walked());
    }

    // ---- test_stack_future -----------------------------------------------------------------

    static volatile Captured stackForFut;

    static void a2(Future<?> fut) throws Exception {
        fut.await();
    }

    static void a1(Future<?> fut) throws Exception {
        a2(fut);
    }

    static void b1(Future<?> fut) throws Exception {
        fut.await();
    }

    static void futureMain() throws Exception {
        Future<Object> fut = getRunningLoop().createFuture();
        TaskGroup.run(g -> {
            g.createTask(() -> {
                a1(fut);
                return null;
            }, "task A", null);
            g.createTask(() -> {
                b1(fut);
                return null;
            }, "task B", null);
            for (int i = 0; i < 5; i++) {
                sleep(0);
            }
            stackForFut = captureTestStack(fut);
            fut.setResult(null);
            return null;
        });
    }

    // CPython: test_graph.py::CallStackTestBase::test_stack_future
    @Test
    void testStackFuture() throws Exception {
        TestLoops.runVirtual(TestGraph::futureMain);
        // The awaiting task is the one capturing: its stack is the capture's caller.
        List<Object> main = node("T<anon>", List.of("captureTestStack", "futureMain"));
        assertEquals(node("F", List.of(),
                node("T<task A>", List.of("a2", "a1"), main),
                node("T<task B>", List.of("b1"), main)), stackForFut.walked());
        assertTrue(stackForFut.printed().startsWith("* Future(id="), stackForFut.printed());
    }
}
