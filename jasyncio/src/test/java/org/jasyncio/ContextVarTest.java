package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

/** contextvars: ContextVar, Token, Context, and their isolation between tasks (CPython test_context). */
class ContextVarTest {
    static final ContextVar<String> REQUEST = new ContextVar<>("request");
    static final ContextVar<Integer> DEPTH = new ContextVar<>("depth", 0);

    @Test
    void getSetResetOnAThread() throws Exception {
        Context ctx = new Context();
        ctx.run(() -> {
            assertThrows(NoSuchElementException.class, REQUEST::get);
            assertEquals("fallback", REQUEST.get("fallback"));
            assertEquals(0, DEPTH.get());
            ContextVar.Token<String> t1 = REQUEST.set("a");
            assertFalse(t1.hadValue());
            ContextVar.Token<String> t2 = REQUEST.set("b");
            assertTrue(t2.hadValue());
            assertEquals("a", t2.oldValue());
            assertEquals("b", REQUEST.get());
            REQUEST.reset(t2);
            assertEquals("a", REQUEST.get());
            REQUEST.reset(t1);
            assertThrows(NoSuchElementException.class, REQUEST::get);
            assertThrows(IllegalStateException.class, () -> REQUEST.reset(t1), "a token is used once");
        });
    }

    @Test
    void tokenFromAnotherContextOrVarIsRejected() throws Exception {
        ContextVar.Token<String>[] token = new ContextVar.Token[1];
        new Context().run(() -> token[0] = REQUEST.set("x"));
        new Context().run(() -> assertThrows(IllegalArgumentException.class, () -> REQUEST.reset(token[0])));
    }

    @Test
    void contextCopyIsIndependent() throws Exception {
        Context a = new Context();
        a.run(() -> REQUEST.set("in a"));
        Context b = a.copy();
        b.run(() -> REQUEST.set("in b"));
        assertEquals("in a", a.get(REQUEST));
        assertEquals("in b", b.get(REQUEST));
        assertEquals(1, a.size());
        assertTrue(a.containsKey(REQUEST));
        assertEquals(List.of(REQUEST), a.vars());
    }

    @Test
    void contextCannotBeEnteredTwice() throws Exception {
        Context c = new Context();
        c.run(() -> assertThrows(IllegalStateException.class, () -> c.run(() -> {})));
    }

    @Test
    void tasksRunInACopyOfTheirCreatorsContext() throws Exception {
        // a value set in one task is not seen by a sibling, but is seen by tasks it creates afterwards
        List<String> seen = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            REQUEST.set("main");
            Task<Void> a = createTask(() -> {
                REQUEST.set("task a");
                sleep(1);
                seen.add("a sees " + REQUEST.get());
                Task<Void> child = createTask(() -> seen.add("a's child sees " + REQUEST.get()) ? null : null);
                child.await();
            });
            Task<Void> b = createTask(() -> {
                sleep(0.5);
                seen.add("b sees " + REQUEST.get());
                REQUEST.set("task b");
            });
            a.await();
            b.await();
            seen.add("main sees " + REQUEST.get());
        });
        assertEquals(List.of("b sees main", "a sees task a", "a's child sees task a", "main sees main"), seen);
    }

    @Test
    void taskWithAnExplicitContext() throws Exception {
        TestLoops.runVirtual(() -> {
            Context ctx = new Context();
            ctx.run(() -> REQUEST.set("explicit"));
            Task<String> t = createTask(REQUEST::get, "t", ctx);
            assertEquals("explicit", t.await());
            assertSame(ctx, t.getContext());
        });
    }

    @Test
    void callbacksRunInTheContextTheyWereScheduledWith() throws Exception {
        List<String> seen = new ArrayList<>();
        TestLoops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            REQUEST.set("scheduler");
            Future<Void> done = loop.createFuture();
            loop.callSoon(() -> {
                seen.add(REQUEST.get());
                REQUEST.set("changed in callback");
            });
            loop.callLater(0.1, () -> {
                seen.add(REQUEST.get());
                done.setResult(null);
            });
            done.await();
            seen.add(REQUEST.get());
        });
        assertEquals(List.of("scheduler", "scheduler", "scheduler"), seen);
    }

    @Test
    void toThreadRunsInACopyOfTheContext() throws Exception {
        String s = TestLoops.runVirtual(() -> {
            REQUEST.set("carried");
            return toThread(REQUEST::get);
        });
        assertEquals("carried", s);
    }

    @Test
    void contextRunInsideATaskSwitchesAndRestores() throws Exception {
        TestLoops.runVirtual(() -> {
            REQUEST.set("task");
            Context other = new Context();
            String inside = other.run(() -> {
                REQUEST.set("other");
                sleep(0.1); // suspending inside Context.run keeps the context
                return REQUEST.get();
            });
            assertEquals("other", inside);
            assertEquals("task", REQUEST.get());
            assertEquals("other", other.get(REQUEST));
        });
    }
}
