package com.example.consumer;

import static org.jasyncio.Asyncio.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jasyncio.files.AsyncFiles;

/** The README's first example, plus a file written and read back without blocking the loop. */
public class Hello {
    static String sayAfter(double delay, String what) {
        sleep(delay);
        return what;
    }

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("jasyncio-consumer", ".txt");
        try {
            String said = run(() -> {
                var hello = createTask(() -> sayAfter(0.2, "hello"));
                var world = createTask(() -> sayAfter(0.1, "world"));
                AsyncFiles.writeString(file, hello.await() + " " + world.await());
                return AsyncFiles.readString(file);
            });
            System.out.println("jasyncio says: " + said + " (jdk.trackAllThreads="
                    + System.getProperty("jdk.trackAllThreads") + ")");
        } finally {
            Files.delete(file);
        }
    }
}
