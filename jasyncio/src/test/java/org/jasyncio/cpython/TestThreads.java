package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.run;
import static org.jasyncio.Asyncio.toThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.jasyncio.Awaitable;
import org.jasyncio.ContextVar;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_threads.py}: {@code asyncio.to_thread}, which is
 * {@link org.jasyncio.Asyncio#toThread} here. Each test runs in a task of a new real-time loop
 * ({@link org.jasyncio.Asyncio#run}), as {@code IsolatedAsyncioTestCase} runs each test in a
 * task. Not a virtual-time loop: the work runs on executor threads in real time, and a virtual
 * clock would jump past the runner's timeout for joining them (a spurious warning at close).
 * No test sleeps.
 */
class TestThreads {

    // CPython: test_threads.py::ToThreadTests::test_to_thread
    @Test
    void testToThread() throws Exception {
        run(() -> {
            int result = toThread(() -> IntStream.of(40, 2).sum());
            assertEquals(42, result);
        });
    }

    // CPython: test_threads.py::ToThreadTests::test_to_thread_exception
    @Test
    void testToThreadException() throws Exception {
        run(() -> {
            // Deviation: D1, asyncio's RuntimeError is IllegalStateException.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> toThread(() -> {
                throw new IllegalStateException("test");
            }));
            assertEquals("test", e.getMessage());
        });
    }

    // CPython: test_threads.py::ToThreadTests::test_to_thread_once
    @Test
    void testToThreadOnce() throws Exception {
        run(() -> {
            // A counter stands for the Mock: the function must run exactly once.
            AtomicInteger calls = new AtomicInteger();
            toThread(calls::incrementAndGet);
            assertEquals(1, calls.get());
        });
    }

    // CPython: test_threads.py::ToThreadTests::test_to_thread_concurrent
    @Test
    void testToThreadConcurrent() throws Exception {
        run(() -> {
            // The calls run on executor threads at the same time, hence a synchronized list.
            List<Integer> calls = Collections.synchronizedList(new ArrayList<>());
            // Deviation: D5, asyncio.to_thread(func) is a coroutine object gathered later;
            // here each is a task whose body calls toThread.
            List<Awaitable<Object>> futs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Task<Object> t = createTask(() -> toThread(() -> calls.add(1)));
                futs.add(t);
            }
            gather(futs).await();
            assertEquals(10, calls.stream().mapToInt(Integer::intValue).sum());
        });
    }

    // CPython: test_threads.py::ToThreadTests::test_to_thread_args_kwargs
    @Test
    void testToThreadArgsKwargs() throws Exception {
        run(() -> {
            // Deviation: Java has no *args/**kwargs; the lambda passes the arguments, and the
            // recorder checks they arrived once and unchanged.
            List<List<Object>> calls = Collections.synchronizedList(new ArrayList<>());
            toThread(() -> calls.add(List.of("test", true)));
            assertEquals(List.of(List.of("test", true)), calls);
        });
    }

    // CPython: test_threads.py::ToThreadTests::test_to_thread_contextvars
    @Test
    void testToThreadContextvars() throws Exception {
        run(() -> {
            ContextVar<String> testCtx = new ContextVar<>("test_ctx");
            testCtx.set("parrot");
            String result = toThread(testCtx::get);
            assertEquals("parrot", result);
        });
    }
}
