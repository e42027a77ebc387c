package com.example.consumer;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs under Surefire with the argLine the README gives. */
class HelloTest {

    @Test
    @Timeout(60)
    void twoTasksRunOnOneLoop() throws Exception {
        String r = run(() -> {
            var a = createTask(() -> Hello.sayAfter(0.1, "a"));
            var b = createTask(() -> Hello.sayAfter(0.1, "b"));
            return a.await() + b.await();
        });
        assertEquals("ab", r);
        assertEquals("false", System.getProperty("jdk.trackAllThreads"));
    }
}
