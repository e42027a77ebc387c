package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jasyncio.CancelledError;
import org.jasyncio.Context;
import org.jasyncio.ContextVar;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionGroup;
import org.jasyncio.KeyboardInterrupt;
import org.jasyncio.Task;
import org.jasyncio.TaskGroup;
import org.jasyncio.TestLoops;
import org.jasyncio.VoidCoroutine;
import org.jasyncio.locks.Event;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_taskgroups.py} (3.13): {@link TaskGroup}. Each test runs on a
 * virtual-time loop, as CPython's {@code IsolatedAsyncioTestCase} runs each on a fresh loop.
 *
 * <p>Python's {@code ZeroDivisionError} is Java's {@code ArithmeticException} (a real {@code 1 / 0});
 * {@code BaseException} subclasses are {@code Error}s and {@code BaseExceptionGroup} is
 * {@link ExceptionGroup} (README deviations D2, D4). Where the CPython body raises an ordinary
 * exception out of the {@code async with} block, the port uses {@link TaskGroup#run}: a
 * try-with-resources {@code close()} is not told about the body's exception (README, "Exceptions and
 * cancellation").
 */
class TestTaskGroups {

    /** CPython's {@code MyExc(Exception)}. */
    static final class MyExc extends Exception {
        MyExc() {
            super("MyExc");
        }
    }

    /** CPython's {@code MyBaseExc(BaseException)}: a {@code BaseException} is an {@code Error} (D2). */
    static final class MyBaseExc extends Error {
        MyBaseExc() {
            super("MyBaseExc");
        }
    }

    /** CPython's {@code get_error_types(eg)}. */
    static Set<Class<?>> errorTypes(ExceptionGroup eg) {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (Throwable t : eg.exceptions()) {
            types.add(t.getClass());
        }
        return types;
    }

    /** {@code 1 / 0}: Python's ZeroDivisionError is an ArithmeticException here. */
    static int divideByZero() {
        int zero = 0;
        return 1 / zero;
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_01
    @Test
    void testTaskgroup01() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> t1;
            Task<Integer> t2;
            try (var g = new TaskGroup()) {
                t1 = g.createTask(() -> sleep(0.1, 42));
                t2 = g.createTask(() -> sleep(0.2, 11));
                g.join();
            }
            assertEquals(42, t1.result());
            assertEquals(11, t2.result());
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_02
    @Test
    void testTaskgroup02() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> t1;
            Task<Integer> t2;
            try (var g = new TaskGroup()) {
                t1 = g.createTask(() -> sleep(0.1, 42));
                sleep(0.15);
                t2 = g.createTask(() -> sleep(0.2, 11));
                g.join();
            }
            assertEquals(42, t1.result());
            assertEquals(11, t2.result());
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_03
    @Test
    void testTaskgroup03() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Integer> t1;
            Task<Integer> t2;
            try (var g = new TaskGroup()) {
                t1 = g.createTask(() -> sleep(1, 42));
                sleep(0.15);
                // cancelling one child explicitly is not a failure: the rest goes on
                t1.cancel();
                t2 = g.createTask(() -> sleep(0.2, 11));
                g.join();
            }
            assertTrue(t1.cancelled());
            assertEquals(11, t2.result());
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_04
    @Test
    void testTaskgroup04() throws Exception {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicReference<Task<Void>> t2 = new AtomicReference<>();
        TestLoops.runVirtual(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> createTask(() -> {
                try (var g = new TaskGroup()) {
                    g.createTask(() -> {
                        sleep(0.1);
                        divideByZero();
                    });
                    t2.set(g.createTask(() -> {
                        try {
                            sleep(1);
                        } catch (CancelledError e) {
                            t2Cancel.set(true);
                            throw e;
                        }
                        num.addAndGet(1);
                    }));
                    g.join();
                }
                num.addAndGet(10);
            }).await());
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
        assertEquals(0, num.get());
        assertTrue(t2Cancel.get());
        assertTrue(t2.get().cancelled());
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_cancel_children_on_child_error
    @Test
    void testCancelChildrenOnChildError() throws Exception {
        AtomicInteger num = new AtomicInteger();
        AtomicBoolean t2Cancel = new AtomicBoolean();
        AtomicBoolean runnerCancel = new AtomicBoolean();
        TestLoops.runVirtual(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> createTask(() -> {
                try (var g = new TaskGroup()) {
                    for (int i = 0; i < 3; i++) {
                        g.createTask(() -> {
                            sleep(0.1);
                            divideByZero();
                        });
                    }
                    g.createTask(() -> {
                        try {
                            sleep(5);
                        } catch (CancelledError e) {
                            t2Cancel.set(true);
                            throw e;
                        }
                        num.addAndGet(1);
                    });
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        // Deviation D10: in the try-with-resources form the child's failure reaches the
                        // body as the group itself, an ExceptionGroup, which is a CancelledError
                        runnerCancel.set(true);
                        throw e;
                    }
                    g.join();
                }
                num.addAndGet(10);
            }).await());
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
        assertEquals(0, num.get());
        assertTrue(t2Cancel.get());
        assertTrue(runnerCancel.get());
    }

    /** A child that counts its cancellation: CPython's {@code foo()} of tests 06 and 07. */
    static void countCancel(AtomicInteger num) {
        try {
            sleep(5);
        } catch (CancelledError e) {
            num.addAndGet(1);
            throw e;
        }
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_cancellation
    @Test
    void testCancellation() throws Exception {
        AtomicInteger num = new AtomicInteger();
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(() -> {
                try (var g = new TaskGroup()) {
                    for (int i = 0; i < 5; i++) {
                        g.createTask(() -> countCancel(num));
                    }
                    g.join();
                }
            });
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            assertThrows(CancelledError.class, r::await);
        });
        assertEquals(5, num.get());
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_07
    @Test
    void testTaskgroup07() throws Exception {
        AtomicInteger num = new AtomicInteger();
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(() -> {
                try (var g = new TaskGroup()) {
                    for (int i = 0; i < 5; i++) {
                        g.createTask(() -> countCancel(num));
                    }
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        num.addAndGet(10);
                        throw e;
                    }
                    g.join();
                }
            });
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            assertThrows(CancelledError.class, r::await);
        });
        assertEquals(15, num.get());
    }

    /** CPython's {@code foo()} of tests 08, 11 and 12: crashes in its cleanup. */
    static void crashInFinally() {
        try {
            sleep(10);
        } finally {
            divideByZero();
        }
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_08
    @Test
    void testTaskgroup08() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: TaskGroup.run, since the cancelled body raises CancelledError; a
            // try-with-resources keeps the body's exception and only suppresses close()'s group
            Task<Object> r = createTask(() -> TaskGroup.run(g -> {
                for (int i = 0; i < 5; i++) {
                    g.createTask(TestTaskGroups::crashInFinally);
                }
                sleep(10);
                return null;
            }));
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_09
    @Test
    void testTaskgroup09() throws Exception {
        List<Task<Integer>> tasks = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's exception)
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                tasks.add(g.createTask(() -> sleep(1, 42)));
                tasks.add(g.createTask(() -> sleep(2, 11)));
                sleep(0.1);
                return divideByZero();
            }));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
        assertTrue(tasks.get(0).cancelled());
        assertTrue(tasks.get(1).cancelled());
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_10
    @Test
    void testTaskgroup10() throws Exception {
        List<Task<Integer>> tasks = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's exception)
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                tasks.add(g.createTask(() -> sleep(1, 42)));
                tasks.add(g.createTask(() -> sleep(2, 11)));
                return divideByZero();
            }));
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
        assertTrue(tasks.get(0).cancelled());
        assertTrue(tasks.get(1).cancelled());
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_11
    @Test
    void testTaskgroup11() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: TaskGroup.run, since the cancelled bodies raise; a try-with-resources keeps
            // the body's exception and only suppresses close()'s group
            Task<Object> r = createTask(() -> TaskGroup.run(g1 -> TaskGroup.run(g2 -> {
                for (int i = 0; i < 5; i++) {
                    g2.createTask(TestTaskGroups::crashInFinally);
                }
                sleep(10);
                return null;
            })));
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(ArithmeticException.class), errorTypes((ExceptionGroup) eg.exceptions().get(0)));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_12
    @Test
    void testTaskgroup12() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: TaskGroup.run, since the cancelled bodies raise; a try-with-resources keeps
            // the body's exception and only suppresses close()'s group
            Task<Object> r = createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(() -> sleep(10));
                return TaskGroup.run(g2 -> {
                    for (int i = 0; i < 5; i++) {
                        g2.createTask(TestTaskGroups::crashInFinally);
                    }
                    sleep(10);
                    return null;
                });
            }));
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(ArithmeticException.class), errorTypes((ExceptionGroup) eg.exceptions().get(0)));
        });
    }

    /** CPython's {@code crash_after(t)}: Python's ValueError is IllegalArgumentException (D1). */
    static void crashAfter(double t) {
        sleep(t);
        throw new IllegalArgumentException(String.valueOf(t));
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_13
    @Test
    void testTaskgroup13() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(() -> {
                try (var g1 = new TaskGroup()) {
                    g1.createTask(() -> crashAfter(0.1));
                    try (var g2 = new TaskGroup()) {
                        g2.createTask(() -> crashAfter(10));
                        g2.join();
                    }
                    g1.join();
                }
            });
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(IllegalArgumentException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_14
    @Test
    void testTaskgroup14() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: the outer group is TaskGroup.run, since the inner group's ExceptionGroup leaves
            // its body; a try-with-resources close() is not told of it, so would not cancel g1's child
            Task<Object> r = createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(() -> crashAfter(10));
                try (var g2 = new TaskGroup()) {
                    g2.createTask(() -> crashAfter(0.1));
                    g2.join();
                }
                return null;
            }));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(ExceptionGroup.class), errorTypes(eg));
            assertEquals(Set.of(IllegalArgumentException.class), errorTypes((ExceptionGroup) eg.exceptions().get(0)));
        });
    }

    /** CPython's {@code crash_soon()} of tests 15 and 16. */
    static void crashSoon() {
        sleep(0.3);
        divideByZero();
    }

    /** The body of tests 15 and 16: a child crashes while the cancelled body is still cleaning up. */
    static void slowCleanupGroup() {
        try (var g1 = new TaskGroup()) {
            g1.createTask(TestTaskGroups::crashSoon);
            try {
                sleep(10);
            } catch (CancelledError e) {
                sleep(0.5);
                throw e;
            }
            g1.join();
        }
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_15
    @Test
    void testTaskgroup15() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(TestTaskGroups::slowCleanupGroup);
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_16
    @Test
    void testTaskgroup16() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(() -> {
                Task<Void> t = createTask(TestTaskGroups::slowCleanupGroup);
                t.await();
            });
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_17
    @Test
    void testTaskgroup17() throws Exception {
        AtomicInteger num = new AtomicInteger();
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(() -> {
                try (var g = new TaskGroup()) {
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        num.addAndGet(10);
                        throw e;
                    }
                    g.join();
                }
            });
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            assertThrows(CancelledError.class, r::await);
        });
        assertEquals(10, num.get());
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_18
    @Test
    void testTaskgroup18() throws Exception {
        AtomicInteger num = new AtomicInteger();
        TestLoops.runVirtual(() -> {
            Task<Object> r = createTask(() -> TaskGroup.run(g -> {
                // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's exception)
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    num.addAndGet(10);
                    // Not a good idea, but supported: the cancellation becomes an ordinary exception.
                    throw new MyExc();
                }
                return null;
            }));
            sleep(0.1);
            assertFalse(r.done());
            r.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(MyExc.class), errorTypes(eg));
        });
        assertEquals(10, num.get());
    }

    /** CPython's {@code crash_soon()} of tests 19 to 21a. */
    static void crashSoonZero() {
        sleep(0.1);
        divideByZero();
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_19
    @Test
    void testTaskgroup19() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Object> r = createTask(() -> TaskGroup.run(g -> {
                // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's exception)
                g.createTask(TestTaskGroups::crashSoonZero);
                try {
                    sleep(10);
                } finally {
                    throw new MyExc();
                }
            }));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, r::await);
            assertEquals(Set.of(MyExc.class, ArithmeticException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_20
    @Test
    void testTaskgroup20() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's exception)
            assertThrows(KeyboardInterrupt.class, () -> TaskGroup.run(g -> {
                g.createTask(TestTaskGroups::crashSoonZero);
                try {
                    sleep(10);
                } finally {
                    throw new KeyboardInterrupt();
                }
            }));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_20a
    @Test
    void testTaskgroup20a() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's exception)
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(TestTaskGroups::crashSoonZero);
                try {
                    sleep(10);
                } finally {
                    throw new MyBaseExc();
                }
            }));
            assertEquals(Set.of(MyBaseExc.class, ArithmeticException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_21a
    @Test
    void testTaskgroup21a() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: Python's TypeError is IllegalArgumentException here (D1); the body raises, so
            // TaskGroup.run (close() is not told of the body's exception)
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                g.createTask(() -> {
                    sleep(0.1);
                    throw new MyBaseExc();
                });
                try {
                    sleep(10);
                } finally {
                    throw new IllegalArgumentException("TypeError");
                }
            }));
            assertEquals(Set.of(MyBaseExc.class, IllegalArgumentException.class), errorTypes(eg));
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_22
    @Test
    void testTaskgroup22() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> r = createTask(() -> {
                try (var g = new TaskGroup()) {
                    g.createTask(() -> sleep(1, 42));
                    g.createTask(() -> sleep(2, 11));
                    g.join();
                }
            });
            sleep(0.05);
            r.cancel();
            assertThrows(CancelledError.class, r::await);
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_23
    @Test
    void testTaskgroup23() throws Exception {
        TestLoops.runVirtual(() -> {
            // Deviation: jasyncio's TaskGroup does not expose its task set (CPython reads g._tasks, the
            // children not done yet); the test counts the children it created that are not done.
            List<Task<Void>> created = new ArrayList<>();
            try (var g = new TaskGroup()) {
                for (int count = 0; count < 10; count++) {
                    sleep(0.1);
                    created.add(g.createTask(() -> sleep(0.3)));
                    if (count == 5) {
                        assertTrue(created.stream().filter(t -> !t.done()).count() < 5);
                    }
                }
                sleep(1.35);
                assertEquals(0, created.stream().filter(t -> !t.done()).count());
                g.join();
            }
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_24
    @Test
    void testTaskgroup24() throws Exception {
        TestLoops.runVirtual(() -> {
            try (var g = new TaskGroup()) {
                // a child adds more children to its own group
                g.createTask(() -> {
                    sleep(0.1);
                    g.createTask(() -> sleep(0.1));
                    g.createTask(() -> sleep(0.2));
                });
                g.join();
            }
        });
    }

    /** CPython's {@code hydra(g)}: every head grows two more. */
    static void hydra(TaskGroup g, AtomicInteger nhydras) {
        nhydras.incrementAndGet();
        sleep(0.01);
        g.createTask(() -> hydra(g, nhydras));
        g.createTask(() -> hydra(g, nhydras));
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_25
    @Test
    void testTaskgroup25() throws Exception {
        AtomicInteger nhydras = new AtomicInteger();
        TestLoops.runVirtual(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> {
                try (var g = new TaskGroup()) {
                    g.createTask(() -> hydra(g, nhydras));
                    g.createTask(() -> {
                        while (nhydras.get() < 10) {
                            sleep(0.015);
                        }
                        divideByZero();
                    });
                    g.join();
                }
            });
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
        assertTrue(nhydras.get() >= 10);
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_task_name
    @Test
    void testTaskgroupTaskName() throws Exception {
        TestLoops.runVirtual(() -> {
            try (var g = new TaskGroup()) {
                Task<Object> t = g.createTask(() -> sleep(0, null), "yolo", null);
                assertEquals("yolo", t.getName());
                g.join();
            }
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_task_context
    @Test
    void testTaskgroupTaskContext() throws Exception {
        ContextVar<Integer> cvar = new ContextVar<>("cvar");
        TestLoops.runVirtual(() -> {
            try (var g = new TaskGroup()) {
                Context ctx = Context.copyContext();
                // Deviation: Python's ctx.get(cvar) returns None for a missing variable; Context.get throws
                assertFalse(ctx.containsKey(cvar));
                Task<Object> t1 = g.createTask(() -> {
                    sleep(0);
                    cvar.set(1);
                    return null;
                }, null, ctx);
                t1.await();
                assertEquals(1, ctx.get(cvar));
                Task<Object> t2 = g.createTask(() -> {
                    sleep(0);
                    cvar.set(2);
                    return null;
                }, null, ctx);
                t2.await();
                assertEquals(2, ctx.get(cvar));
                g.join();
            }
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_no_create_task_after_failure
    @Test
    void testTaskgroupNoCreateTaskAfterFailure() throws Exception {
        AtomicBoolean refused = new AtomicBoolean();
        TestLoops.runVirtual(() -> {
            VoidCoroutine coro1 = () -> {
                sleep(0.001);
                divideByZero();
            };
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> {
                try (var g = new TaskGroup()) {
                    g.createTask(coro1);
                    g.createTask(() -> {
                        try {
                            sleep(1);
                        } catch (CancelledError e) {
                            // Deviation: Python's RuntimeError is IllegalStateException (D1)
                            assertThrows(IllegalStateException.class, () -> g.createTask(coro1));
                            refused.set(true);
                        }
                    });
                    g.join();
                }
            });
            assertEquals(Set.of(ArithmeticException.class), errorTypes(eg));
        });
        assertTrue(refused.get());
    }

    /** CPython's {@code CustomException} of test_taskgroup_context_manager_exit_raises. */
    static final class CustomException extends Exception {
        CustomException() {
            super("CustomException");
        }
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_context_manager_exit_raises
    @Test
    void testTaskgroupContextManagerExitRaises() throws Exception {
        TestLoops.runVirtual(() -> {
            createTask(() -> {
                Task<?> task = currentTask();
                try {
                    // Deviation: the body raises, so TaskGroup.run (close() is not told of the body's
                    // exception); the inner try/finally is CPython's `async with database()`.
                    TaskGroup.run(tg -> {
                        try {
                            tg.createTask(() -> {
                                throw new CustomException();
                            });
                            sleep(1);
                        } finally {
                            throw new CustomException();
                        }
                    });
                    fail("CustomException not raised");
                } catch (ExceptionGroup eg) {
                    // except* CustomException
                    ExceptionGroup err = eg.subgroup(CustomException.class);
                    assertNotNull(err);
                    assertNull(eg.split(CustomException.class::isInstance)[1]);
                    assertEquals(0, task.cancelling());
                    assertEquals(2, err.exceptions().size());
                }
            }).await();
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_without_parent_task
    @Test
    void testTaskgroupWithoutParentTask() throws Exception {
        EventLoop loop = TestLoops.virtualTimeLoop();
        try {
            // Deviation: entering is construction here, and Python's RuntimeError is
            // IllegalStateException (D1); with no group made, "create_task before enter" cannot happen.
            AtomicReference<Throwable> raised = new AtomicReference<>();
            loop.callSoon(() -> {
                try {
                    new TaskGroup();
                } catch (Throwable t) {
                    raised.set(t);
                }
            });
            TestLoops.runOnce(loop);
            assertInstanceOf(IllegalStateException.class, raised.get());
            assertTrue(raised.get().getMessage().contains("task"), raised.get().getMessage());
        } finally {
            loop.close();
        }
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_taskgroup_finished
    @Test
    void testTaskgroupFinished() throws Exception {
        TestLoops.runVirtual(() -> {
            TaskGroup tg;
            try (var g = new TaskGroup()) {
                tg = g;
                g.join();
            }
            // Deviation: Python's RuntimeError is IllegalStateException (D1); there is no coroutine
            // object to close (D5), so no "never awaited" warning to check for.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.createTask(() -> sleep(0)));
            assertTrue(e.getMessage().contains("is finished"), e.getMessage());
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_coro_closed_when_tg_closed
    @Test
    void testCoroClosedWhenTgClosed() throws Exception {
        EventLoop loop = TestLoops.virtualTimeLoop();
        try {
            loop.runUntilComplete(() -> {
                TaskGroup tg;
                try (var g = new TaskGroup()) {
                    tg = g;
                    g.join();
                }
                // Deviation: Python's RuntimeError is IllegalStateException (D1)
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> tg.createTask(() -> sleep(0)));
                assertTrue(e.getMessage().contains("is finished"), e.getMessage());
            });
        } finally {
            loop.close();
        }
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_cancelling_level_preserved
    @Test
    void testCancellingLevelPreserved() throws Exception {
        TestLoops.runVirtual(() -> {
            try {
                try (var tg = new TaskGroup()) {
                    tg.createTask(() -> {
                        sleep(0.0);
                        throw new IllegalStateException("RuntimeError");
                    });
                    tg.join();
                }
            } catch (ExceptionGroup eg) {
                // except* RuntimeError: the group holds nothing else
                assertNull(eg.split(IllegalStateException.class::isInstance)[1]);
            }
            assertEquals(0, currentTask().cancelling());
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_nested_groups_both_cancelled
    @Test
    void testNestedGroupsBothCancelled() throws Exception {
        TestLoops.runVirtual(() -> {
            boolean valueErrorRaised = false;
            try {
                try (var outerTg = new TaskGroup()) {
                    boolean runtimeErrorRaised = false;
                    try {
                        try (var innerTg = new TaskGroup()) {
                            innerTg.createTask(() -> {
                                sleep(0);
                                throw new IllegalStateException("RuntimeError");
                            });
                            outerTg.createTask(() -> {
                                sleep(0);
                                throw new IllegalArgumentException("ValueError");
                            });
                            innerTg.join();
                        }
                    } catch (ExceptionGroup eg) {
                        // except* RuntimeError
                        ExceptionGroup[] parts = eg.split(IllegalStateException.class::isInstance);
                        runtimeErrorRaised = parts[0] != null;
                        if (parts[1] != null) {
                            throw parts[1];
                        }
                    }
                    assertTrue(runtimeErrorRaised, "RuntimeError not raised");
                    assertEquals(1, currentTask().cancelling());
                    outerTg.join();
                }
            } catch (ExceptionGroup eg) {
                // except* ValueError
                ExceptionGroup[] parts = eg.split(IllegalArgumentException.class::isInstance);
                valueErrorRaised = parts[0] != null;
                assertNull(parts[1]);
            }
            assertTrue(valueErrorRaised, "ValueError not raised");
            assertEquals(0, currentTask().cancelling());
        });
    }

    // CPython: test_taskgroups.py::TestTaskGroup::test_error_and_cancel
    @Test
    void testErrorAndCancel() throws Exception {
        TestLoops.runVirtual(() -> {
            Event event = new Event();
            Task<Void> t = createTask(() -> {
                try {
                    try (var tg = new TaskGroup()) {
                        tg.createTask(() -> {
                            event.set();
                            sleep(0);
                            throw new IllegalStateException("RuntimeError");
                        });
                        sleep(1);
                        fail("Sleep in group should have been cancelled");
                        tg.join();
                    }
                } catch (ExceptionGroup eg) {
                    // except* RuntimeError
                    assertNull(eg.split(IllegalStateException.class::isInstance)[1]);
                    assertEquals(1, currentTask().cancelling());
                }
                assertEquals(1, currentTask().cancelling());
                sleep(1);
                fail("Sleep after group should have been cancelled");
            });
            event.await();
            assertEquals(0, t.cancelling());
            t.cancel();
            assertEquals(1, t.cancelling());
            assertThrows(CancelledError.class, t::await);
            assertTrue(t.cancelled());
        });
    }
}
