package com.example.modular;

import static org.jasyncio.Asyncio.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jasyncio.Asyncio;
import org.jasyncio.files.AsyncFiles;
import org.jasyncio.locks.Event;

/** Uses three of jasyncio's exported packages from a named module. */
public class Hello {
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("jasyncio-modular", ".txt");
        try {
            String said = run(() -> {
                Event ready = new Event();
                var writer = createTask(() -> {
                    AsyncFiles.writeString(file, "hello from " + Hello.class.getModule().getName());
                    ready.set();
                });
                ready.await();
                writer.await();
                return AsyncFiles.readString(file);
            });
            System.out.println("jasyncio says: " + said + " (jasyncio is module "
                    + Asyncio.class.getModule().getName() + ")");
        } finally {
            Files.delete(file);
        }
    }
}
