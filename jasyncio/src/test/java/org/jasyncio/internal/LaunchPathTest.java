package org.jasyncio.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The launch path is told from what real launchers put in {@code sun.java.command}, and each
 * path's advice names the place the flags go. The commands below are copied from real runs.
 */
class LaunchPathTest {

    private static final String OPEN = "--add-opens java.base/java.lang=ALL-UNNAMED";

    @Test
    void thisSurefireForkIsRecognised() {
        assertEquals(LaunchPath.SUREFIRE, LaunchPath.current());
    }

    @Test
    void surefireWithItsManifestJarOrItsMainClass() {
        assertEquals(LaunchPath.SUREFIRE, LaunchPath.detect(
                "/p/target/surefire/surefirebooter-20261202110000_3.jar /p/target/surefire 2026-jvmRun1 s.tmp",
                "/p/target/surefire/surefirebooter-20261202110000_3.jar", false, false));
        assertEquals(LaunchPath.SUREFIRE, LaunchPath.detect(
                "org.apache.maven.surefire.booter.ForkedBooter /p/target/surefire 2026-jvmRun1", "", true, false));
    }

    @Test
    void gradleWorker() {
        assertEquals(LaunchPath.GRADLE, LaunchPath.detect(
                "worker.org.gradle.process.internal.worker.GradleWorkerMain 'Gradle Test Executor 1'", "", false, false));
    }

    @Test
    void mavenItselfForExecJava() {
        assertEquals(LaunchPath.MAVEN, LaunchPath.detect(
                "org.codehaus.plexus.classworlds.launcher.Launcher -q exec:java", "/usr/share/maven/boot/x.jar",
                false, false));
        assertEquals(LaunchPath.MAVEN, LaunchPath.detect("", "", false, true));
    }

    @Test
    void javaDashJarOfAFatJar() {
        assertEquals(LaunchPath.JAR, LaunchPath.detect("target/app.jar --port 8080", "target/app.jar", false, false));
    }

    @Test
    void modulePathAndClassPath() {
        assertEquals(LaunchPath.MODULE_PATH, LaunchPath.detect("com.example/com.example.Main", "", true, false));
        assertEquals(LaunchPath.CLASS_PATH, LaunchPath.detect("com.example.Main a b", "lib/a.jar:classes", false, false));
        // One jar on the class path, but a main class was named: not java -jar.
        assertEquals(LaunchPath.CLASS_PATH, LaunchPath.detect("com.example.Main", "app.jar", false, false));
    }

    @Test
    void eachPathNamesWhereTheFlagsGo() {
        String flags = OPEN + " -Djdk.trackAllThreads=false";
        assertTrue(LaunchPath.SUREFIRE.fix(OPEN, false, "").contains("<argLine>" + flags + "</argLine>"));
        assertTrue(LaunchPath.GRADLE.fix(OPEN, false, "").contains(
                "jvmArgs(\"--add-opens=java.base/java.lang=ALL-UNNAMED\", \"-Djdk.trackAllThreads=false\")"));
        assertTrue(LaunchPath.MAVEN.fix(OPEN, false, "").contains("MAVEN_OPTS=\"" + flags + "\" mvn exec:java"));
        String jar = LaunchPath.JAR.fix(OPEN, false, "target/app.jar");
        assertTrue(jar.contains("java -jar target/app.jar"), jar);
        assertTrue(jar.contains("\"Add-Opens: java.base/java.lang\""), jar);
        assertTrue(jar.contains("-Djdk.trackAllThreads=false before -jar or in the JDK_JAVA_OPTIONS"), jar);
        assertTrue(LaunchPath.MODULE_PATH.fix("--add-opens java.base/java.lang=org.jasyncio", false, "")
                .contains("java --add-opens java.base/java.lang=org.jasyncio -Djdk.trackAllThreads=false -p "));
        assertTrue(LaunchPath.CLASS_PATH.fix(OPEN, false, "").contains("java " + flags + " -cp <class path>"));
    }

    @Test
    void aSystemPropertyAlreadySetIsNotAskedForAgain() {
        for (LaunchPath p : LaunchPath.values()) {
            assertFalse(p.fix(OPEN, true, "app.jar").contains("trackAllThreads"), p.name());
        }
    }
}
