package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** TaskGroup (CPython test_taskgroups). */
class TaskGroupTest {

    @Test
    void closeWaitsForEveryChild() throws Exception {
        // test_taskgroups.test_taskgroup_01
        double elapsed = TestLoops.runVirtual(() -> {
            double t0 = getRunningLoop().time();
            Task<Integer> a;
            Task<Integer> b;
            try (var tg = new TaskGroup()) {
                a = tg.createTask(() -> sleep(1, 42));
                b = tg.createTask(() -> sleep(2, 11));
                tg.join();
            }
            assertEquals(42, a.result());
            assertEquals(11, b.result());
            return getRunningLoop().time() - t0;
        });
        assertEquals(2.0, elapsed, 1e-6);
    }

    @Test
    void failingChildCancelsSiblingsAndBodyAndRaisesGroup() throws Exception {
        // test_taskgroups.test_taskgroup_03 / _05: one failure cancels the rest, the body included
        List<String> events = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        events.add("sibling cancelled");
                        throw e;
                    }
                });
                tg.createTask(() -> {
                    sleep(1);
                    throw new IllegalArgumentException("child failed");
                });
                try {
                    sleep(100);
                    events.add("body not interrupted");
                } catch (Exception e) {
                    events.add("body swallowed " + e);
                }
                tg.join();
            }
        }));
        assertEquals(List.of("sibling cancelled"), events);
        assertEquals(1, eg.exceptions().size());
        assertEquals("child failed", eg.exceptions().get(0).getMessage());
        assertEquals("unhandled errors in a TaskGroup", eg.getMessage());
    }

    @Test
    void groupHoldsEveryChildFailure() throws Exception {
        // test_taskgroups.test_taskgroup_04: failures during the cancellation join the group
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(() -> {
                    sleep(1);
                    throw new IllegalArgumentException("first");
                });
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        throw new IllegalStateException("second, while cancelled");
                    }
                });
                tg.join();
            }
        }));
        List<String> msgs = new ArrayList<>();
        for (Throwable t : eg.exceptions()) {
            msgs.add(t.getMessage());
        }
        assertEquals(List.of("first", "second, while cancelled"), msgs);
        assertNotNull(eg.subgroup(IllegalStateException.class));
        assertNull(eg.subgroup(ArithmeticException.class));
    }

    @Test
    void cancelledChildIsNotAFailure() throws Exception {
        TestLoops.runVirtual(() -> {
            Task<Void> t;
            try (var tg = new TaskGroup()) {
                t = tg.createTask(() -> sleep(10));
                tg.createTask(() -> sleep(1));
                sleep(0.5);
                t.cancel();
                tg.join();
            }
            assertTrue(t.cancelled());
        });
    }

    @Test
    void createTaskAfterCloseOrWhileAbortingIsAnError() throws Exception {
        // test_taskgroups.test_taskgroup_21 (finished) / _20 (shutting down)
        TestLoops.runVirtual(() -> {
            TaskGroup tg = new TaskGroup();
            tg.createTask(() -> sleep(1));
            tg.join();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> tg.createTask(() -> sleep(1)));
            assertTrue(e.getMessage().contains("is finished"), e.getMessage());
        });
        List<String> msgs = new ArrayList<>();
        assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(() -> {
                    throw new IllegalArgumentException("x");
                });
                try {
                    sleep(1);
                } catch (ExceptionGroup g) {
                    try {
                        tg.createTask(() -> sleep(1));
                    } catch (IllegalStateException e) {
                        msgs.add(e.getMessage());
                    }
                    throw g;
                }
                tg.join();
            }
        }));
        assertEquals(1, msgs.size());
        assertTrue(msgs.get(0).contains("shutting down"), msgs.get(0));
    }

    @Test
    void outsideCancelCancelsChildrenAndPropagates() throws Exception {
        // test_taskgroups.test_taskgroup_09-ish: cancelling the parent cancels the children
        List<String> events = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            Task<Void> parent = createTask(() -> {
                try (var tg = new TaskGroup()) {
                    tg.createTask(() -> {
                        try {
                            sleep(10);
                        } catch (CancelledError e) {
                            events.add("child cancelled");
                            throw e;
                        }
                    });
                    sleep(10);
                    tg.join();
                }
            });
            sleep(1);
            parent.cancel();
            assertThrows(CancelledError.class, parent::await);
            assertTrue(parent.cancelled());
        });
        assertEquals(List.of("child cancelled"), events);
    }

    @Test
    void childFailingWhileTheBodyWaitsInCloseAbortsSiblings() throws Exception {
        List<String> events = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var tg = new TaskGroup()) {
                tg.createTask(() -> {
                    sleep(2);
                    throw new IllegalStateException("late failure");
                });
                tg.createTask(() -> {
                    try {
                        sleep(10);
                    } catch (CancelledError e) {
                        events.add("sibling cancelled");
                        throw e;
                    }
                });
                tg.join();
            } // the body is in close() when the child fails
        }));
        assertEquals(1, eg.exceptions().size());
        assertEquals(List.of("sibling cancelled"), events);
    }

    @Test
    void runFormCancelsChildrenWhenTheBodyThrows() throws Exception {
        // test_taskgroups.test_taskgroup_07: the body's exception joins the group
        List<String> events = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> TaskGroup.run(tg -> {
            tg.createTask(() -> {
                try {
                    sleep(10);
                } catch (CancelledError e) {
                    events.add("child cancelled");
                    throw e;
                }
            });
            sleep(1);
            throw new IllegalArgumentException("body failed");
        })));
        assertEquals(List.of("child cancelled"), events);
        assertEquals("body failed", eg.exceptions().get(0).getMessage());
    }

    @Test
    void runFormReturnsTheBodyResult() throws Exception {
        int r = TestLoops.runVirtual(() -> TaskGroup.run(tg -> {
            Task<Integer> a = tg.createTask(() -> sleep(1, 20));
            Task<Integer> b = tg.createTask(() -> sleep(2, 22));
            return a.await() + b.await();
        }));
        assertEquals(42, r);
    }

    @Test
    void nestedGroupsPropagateTheInnerGroup() throws Exception {
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var outer = new TaskGroup()) {
                outer.createTask(() -> sleep(1));
                try (var inner = new TaskGroup()) {
                    inner.createTask(() -> {
                        throw new ArithmeticException("inner child");
                    });
                    inner.join();
                }
                outer.join();
            }
        }));
        assertInstanceOf(ArithmeticException.class, eg.exceptions().get(0));
    }

    @Test
    void outerGroupFailureReachesBodyBlockedInInnerGroup() throws Exception {
        // the outer group's failure cancels a body that waits in an inner group's close()
        List<String> events = new ArrayList<>();
        ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TestLoops.runVirtual(() -> {
            try (var outer = new TaskGroup()) {
                outer.createTask(() -> {
                    sleep(1);
                    throw new IllegalStateException("outer child");
                });
                try (var inner = new TaskGroup()) {
                    inner.createTask(() -> {
                        try {
                            sleep(10);
                        } catch (CancelledError e) {
                            events.add("inner child cancelled");
                            throw e;
                        }
                    });
                    inner.join();
                }
                outer.join();
            }
        }));
        assertEquals(List.of("inner child cancelled"), events);
        assertEquals("outer child", eg.exceptions().get(0).getMessage());
    }

    @Test
    void taskGroupOutsideATaskIsAnError() {
        assertThrows(IllegalStateException.class, TaskGroup::new);
    }

    @Test
    void eagerChildThatFinishesAtOnce() throws Exception {
        TestLoops.runVirtual(() -> {
            getRunningLoop().setTaskFactory(TaskFactory.EAGER);
            try (var tg = new TaskGroup()) {
                Task<Integer> t = tg.createTask(() -> 5);
                assertTrue(t.done());
                tg.join();
            }
        });
    }
}
