package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jasyncio.CancelledError;
import org.jasyncio.Context;
import org.jasyncio.ContextVar;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.jasyncio.TaskFactory;
import org.jasyncio.TaskGroup;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_eager_task_factory.py} (3.13): {@link TaskFactory#EAGER}, asyncio's
 * {@code eager_task_factory}, and the task-counting tests that compare eager and default factories.
 * CPython runs each test for its C and Python tasks; jasyncio has one Task, so each is ported once.
 * The counting tests exist in an eager and a non-eager class in CPython; here the two versions are
 * methods with an {@code Eager} / {@code NonEager} suffix.
 */
class TestEagerTaskFactory {

    private EventLoop loop;

    /** CPython's {@code setUp}: a new loop with the eager task factory. */
    private EventLoop eagerLoop() {
        loop = TestLoops.virtualTimeLoop();
        loop.setTaskFactory(TaskFactory.EAGER);
        return loop;
    }

    @AfterEach
    void closeLoop() {
        if (loop != null) {
            loop.close();
        }
    }

    /**
     * CPython's {@code run_coro}: runs the coroutine as the loop's main task, so that the loop is
     * running when the coroutine creates tasks (an eager first step needs a running loop).
     */
    private <T> T runCoro(Coroutine<T> coro) throws Exception {
        return loop.runUntilComplete(coro);
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_task_factory_set
    @Test
    void testEagerTaskFactorySet() throws Exception {
        eagerLoop();
        assertSame(TaskFactory.EAGER, loop.getTaskFactory());
        runCoro(() -> {
            Task<Void> t = loop.createTask(() -> { });
            t.await();
            return null;
        });
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_await_future_during_eager_step
    @Test
    void testAwaitFutureDuringEagerStep() throws Exception {
        eagerLoop();
        String r = runCoro(() -> {
            Future<String> fut = loop.createFuture();
            Task<Void> t = loop.createTask(() -> fut.setResult("my message"));
            // the eager step completed the task
            assertTrue(t.done());
            return fut.await();
        });
        assertEquals("my message", r);
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_eager_completion
    @Test
    void testEagerCompletion() throws Exception {
        eagerLoop();
        String r = runCoro(() -> {
            Task<String> t = loop.createTask(() -> "hello");
            // the eager step completed the task
            assertTrue(t.done());
            return t.await();
        });
        assertEquals("hello", r);
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_block_after_eager_step
    @Test
    void testBlockAfterEagerStep() throws Exception {
        eagerLoop();
        String r = runCoro(() -> {
            Task<String> t = loop.createTask(() -> sleep(0.1, "finished after blocking"));
            assertFalse(t.done());
            String result = t.await();
            assertTrue(t.done());
            return result;
        });
        assertEquals("finished after blocking", r);
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_completion
    @Test
    void testCancellationAfterEagerCompletion() throws Exception {
        eagerLoop();
        String r = runCoro(() -> {
            Task<String> t = loop.createTask(() -> "finished without blocking");
            t.cancel();
            String result = t.await();
            // a finished task cannot be cancelled
            assertFalse(t.cancelled());
            return result;
        });
        assertEquals("finished without blocking", r);
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_cancellation_after_eager_step_blocks
    @Test
    void testCancellationAfterEagerStepBlocks() throws Exception {
        eagerLoop();
        CancelledError e = assertThrows(CancelledError.class, () -> runCoro(() -> {
            Task<String> t = loop.createTask(() -> sleep(0.1, "finished after blocking"));
            t.cancel("cancellation message");
            assertTrue(t.cancelling() > 0);
            return t.await();
        }));
        assertEquals("cancellation message", e.getMessage());
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_current_task
    @Test
    void testCurrentTask() throws Exception {
        eagerLoop();
        AtomicReference<Task<?>> captured = new AtomicReference<>();
        runCoro(() -> {
            Task<Void> t = loop.createTask(() -> {
                captured.set(currentTask());
                // the task is the same before and after blocking
                sleep(0.1);
                assertSame(captured.get(), currentTask());
            });
            assertSame(t, captured.get());
            t.await();
            return null;
        });
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_all_tasks_with_eager_completion
    @Test
    void testAllTasksWithEagerCompletion() throws Exception {
        eagerLoop();
        AtomicReference<Set<Task<?>>> capturedAllTasks = new AtomicReference<>();
        runCoro(() -> {
            Task<Void> t = loop.createTask(() -> capturedAllTasks.set(allTasks()));
            assertTrue(capturedAllTasks.get().contains(t));
            assertFalse(allTasks().contains(t));
            return null;
        });
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_all_tasks_with_blocking
    @Test
    void testAllTasksWithBlocking() throws Exception {
        eagerLoop();
        AtomicReference<Set<Task<?>>> capturedEagerAllTasks = new AtomicReference<>();
        runCoro(() -> {
            Future<Void> fut1 = loop.createFuture();
            Future<Void> fut2 = loop.createFuture();
            Task<Void> t = loop.createTask(() -> {
                capturedEagerAllTasks.set(allTasks());
                fut1.await();
                fut2.setResult(null);
            });
            assertTrue(capturedEagerAllTasks.get().contains(t));
            assertTrue(allTasks().contains(t));
            fut1.setResult(null);
            fut2.await();
            assertFalse(allTasks().contains(t));
            return null;
        });
    }

    // CPython: test_eager_task_factory.py::EagerTaskFactoryLoopTests::test_context_vars
    @Test
    void testContextVars() throws Exception {
        eagerLoop();
        ContextVar<Integer> cv = new ContextVar<>("cv", 0);
        AtomicBoolean firstStepRan = new AtomicBoolean();
        AtomicBoolean secondStepRan = new AtomicBoolean();
        runCoro(() -> {
            cv.set(1);
            Task<Void> t = loop.createTask(() -> {
                assertEquals(1, cv.get());
                cv.set(2);
                assertEquals(2, cv.get());
                firstStepRan.set(true);
                sleep(0.1);
                assertEquals(2, cv.get());
                cv.set(3);
                assertEquals(3, cv.get());
                secondStepRan.set(true);
            });
            assertTrue(firstStepRan.get());
            assertFalse(secondStepRan.get());
            assertEquals(1, cv.get());
            t.await();
            assertTrue(secondStepRan.get());
            assertEquals(1, cv.get());
            return null;
        });
    }

    // CPython: test_eager_task_factory.py::CEagerTaskFactoryLoopTests::test_issue122332
    @Test
    void testIssue122332() throws Exception {
        eagerLoop();
        runCoro(() -> {
            Task<Void> task = loop.createTask(() -> { });
            task.await();
            // a done task lets go of its coroutine
            assertNull(task.getCoro());
            return null;
        });
    }

    // ---- task counting ------------------------------------------------------------------

    /**
     * CPython's {@code AsyncTaskCounter}: a task factory that counts the tasks it starts without an
     * eager step (CPython counts the tasks built with {@code eager_start=False}).
     */
    static final class TaskCounter implements TaskFactory {
        private final boolean eager;
        int taskCount;

        TaskCounter(EventLoop loop, boolean eager) {
            this.eager = eager;
            loop.setTaskFactory(this);
        }

        @Override
        public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
            if (eager) {
                return TaskFactory.EAGER.createTask(loop, coro, name, context);
            }
            taskCount++;
            return TaskFactory.DEFAULT.createTask(loop, coro, name, context);
        }
    }

    /** CPython's {@code awaitable_chain(depth)}: a chain of plain coroutine calls, no task. */
    static int awaitableChain(int depth) {
        if (depth == 0) {
            return 0;
        }
        return 1 + awaitableChain(depth - 1);
    }

    /** CPython's {@code recursive_taskgroups(width, depth)}. */
    static void recursiveTaskgroups(int width, int depth) {
        if (depth == 0) {
            return;
        }
        try (var tg = new TaskGroup()) {
            List<Task<Void>> futures = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                futures.add(tg.createTask(() -> recursiveTaskgroups(width, depth - 1)));
            }
            tg.join();
        }
    }

    /** CPython's {@code recursive_gather(width, depth)}. */
    static void recursiveGather(int width, int depth) throws Exception {
        if (depth == 0) {
            return;
        }
        List<Coroutine<Void>> coros = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            coros.add(() -> {
                recursiveGather(width, depth - 1);
                return null;
            });
        }
        gather(coros).await();
    }

    /** 1 + 5 + 5^2 + 5^3 + 5^4 tasks: the main one and every recursion's children. */
    static final int NON_EAGER_TASK_COUNT = 781;

    // CPython: test_eager_task_factory.py::NonEagerTests::test_awaitables_chain
    @Test
    void testAwaitablesChainNonEager() throws Exception {
        loop = TestLoops.virtualTimeLoop();
        TaskCounter counter = new TaskCounter(loop, false);
        int observedDepth = loop.runUntilComplete(() -> awaitableChain(100));
        assertEquals(100, observedDepth);
        assertEquals(1, counter.taskCount);
    }

    // CPython: test_eager_task_factory.py::EagerTests::test_awaitables_chain
    @Test
    void testAwaitablesChainEager() throws Exception {
        loop = TestLoops.virtualTimeLoop();
        TaskCounter counter = new TaskCounter(loop, true);
        int observedDepth = loop.runUntilComplete(() -> awaitableChain(100));
        assertEquals(100, observedDepth);
        assertEquals(0, counter.taskCount);
    }

    // CPython: test_eager_task_factory.py::NonEagerTests::test_recursive_taskgroups
    @Test
    void testRecursiveTaskgroupsNonEager() throws Exception {
        loop = TestLoops.virtualTimeLoop();
        TaskCounter counter = new TaskCounter(loop, false);
        loop.runUntilComplete(() -> recursiveTaskgroups(5, 4));
        assertEquals(NON_EAGER_TASK_COUNT, counter.taskCount);
    }

    // CPython: test_eager_task_factory.py::EagerTests::test_recursive_taskgroups
    @Test
    void testRecursiveTaskgroupsEager() throws Exception {
        loop = TestLoops.virtualTimeLoop();
        TaskCounter counter = new TaskCounter(loop, true);
        loop.runUntilComplete(() -> recursiveTaskgroups(5, 4));
        assertEquals(0, counter.taskCount);
    }

    // CPython: test_eager_task_factory.py::NonEagerTests::test_recursive_gather
    @Test
    void testRecursiveGatherNonEager() throws Exception {
        loop = TestLoops.virtualTimeLoop();
        TaskCounter counter = new TaskCounter(loop, false);
        loop.runUntilComplete(() -> recursiveGather(5, 4));
        assertEquals(NON_EAGER_TASK_COUNT, counter.taskCount);
    }

    // CPython: test_eager_task_factory.py::EagerTests::test_recursive_gather
    @Test
    void testRecursiveGatherEager() throws Exception {
        loop = TestLoops.virtualTimeLoop();
        TaskCounter counter = new TaskCounter(loop, true);
        loop.runUntilComplete(() -> recursiveGather(5, 4));
        assertEquals(0, counter.taskCount);
    }
}
