package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Loop creation without --add-opens fails with an error that names the flag (tested in a forked JVM). */
class LaunchFlagsTest {

    /** Run in the forked JVM: tries to make a loop and prints the outcome. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                Asyncio.newEventLoop().close();
                System.out.println("LOOP CREATED");
            } catch (IllegalStateException e) {
                System.out.println("ERROR: " + e.getMessage());
            }
        }
    }

    private static String fork(String... jvmFlags) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(jvmFlags));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        Path out = Files.createTempFile("probe", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "forked JVM did not finish");
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void withoutAddOpensTheErrorNamesTheFlag() throws Exception {
        String out = fork();
        assertTrue(out.contains("ERROR: jasyncio cannot create loop-scheduled virtual threads: start the JVM with "
                + "--add-opens java.base/java.lang=ALL-UNNAMED"), out);
    }

    @Test
    void withAddOpensTheLoopIsCreated() throws Exception {
        String out = fork("--add-opens", "java.base/java.lang=ALL-UNNAMED");
        assertTrue(out.contains("LOOP CREATED"), out);
        assertTrue(new File(ProcessHandle.current().info().command().orElseThrow()).exists());
    }
}
