package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/**
 * Loop creation without --add-opens fails with an error that names the flag and where it goes
 * for the way the JVM was started (tested in forked JVMs: java -cp, and java -jar of a jar
 * whose manifest does or does not carry Add-Opens).
 */
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
        List<String> cmd = new ArrayList<>(List.of(jvmFlags));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        return run(cmd);
    }

    /**
     * Writes a jar holding only a manifest: Main-Class is the probe, Class-Path this test
     * JVM's class path (as a fat jar would hold them), and Add-Opens when asked.
     */
    private static Path probeJar(boolean addOpens) throws Exception {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        List<String> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
        }
        a.put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        if (addOpens) {
            a.putValue("Add-Opens", "java.base/java.lang");
        }
        Path jar = Files.createTempFile("probe", ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.flush();
        }
        return jar;
    }

    private static String run(List<String> args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(args);
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
    void onTheClassPathTheErrorSaysToPassTheFlagsToJava() throws Exception {
        String out = fork();
        assertTrue(out.contains("Pass the flags to java before the main class, java --add-opens "
                + "java.base/java.lang=ALL-UNNAMED -Djdk.trackAllThreads=false -cp <class path> <main class>"), out);
    }

    @Test
    void underJavaDashJarTheErrorNamesTheManifestAttribute() throws Exception {
        Path jar = probeJar(false);
        try {
            String out = run(List.of("-jar", jar.toString()));
            assertTrue(out.contains("This JVM was started with java -jar " + jar
                    + ": add the line \"Add-Opens: java.base/java.lang\" to that jar's manifest"), out);
            assertTrue(out.contains("pass -Djdk.trackAllThreads=false before -jar or in the JDK_JAVA_OPTIONS"), out);
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    @Test
    void addOpensInTheManifestOfTheJarRunWithDashJarIsEnough() throws Exception {
        Path jar = probeJar(true);
        try {
            String out = run(List.of("-Djdk.trackAllThreads=false", "-jar", jar.toString()));
            assertTrue(out.contains("LOOP CREATED"), out);
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    @Test
    void withAddOpensTheLoopIsCreated() throws Exception {
        String out = fork("--add-opens", "java.base/java.lang=ALL-UNNAMED");
        assertTrue(out.contains("LOOP CREATED"), out);
        assertTrue(new File(ProcessHandle.current().info().command().orElseThrow()).exists());
    }
}
