package org.jasyncio.internal;

import java.io.File;
import java.util.Locale;

/**
 * How this JVM was started, as far as jasyncio can tell from its system properties, so that
 * the error about a missing JVM flag says where the flag goes for that launch path: a
 * {@code java} command line, a jar's manifest, Surefire's {@code argLine}, Maven's
 * {@code MAVEN_OPTS} or a Gradle task.
 *
 * <p>Thread-safe (immutable).
 */
public enum LaunchPath {
    /** A Surefire or Failsafe test fork: the flags go in the plugin's {@code argLine}. */
    SUREFIRE,
    /** A Gradle worker (tests): the flags go in the task's {@code jvmArgs}. */
    GRADLE,
    /** Inside Maven's own JVM ({@code exec:java}, or tests with {@code forkCount=0}): {@code MAVEN_OPTS}. */
    MAVEN,
    /** {@code java -jar app.jar}: {@code Add-Opens} in the jar's manifest, or flags before {@code -jar}. */
    JAR,
    /** jasyncio is a named module ({@code java -p ... -m ...}): the flag opens to {@code org.jasyncio}. */
    MODULE_PATH,
    /** {@code java -cp ... Main}, an IDE's run configuration, or anything not recognised above. */
    CLASS_PATH;

    private static final String TRACK_ALL_THREADS = "-Djdk.trackAllThreads=false";

    /**
     * Returns the launch path of this JVM.
     *
     * @return the best guess from {@code sun.java.command}, {@code java.class.path}, Maven's
     *         system properties and whether jasyncio is a named module
     */
    public static LaunchPath current() {
        boolean inMaven = System.getProperty("classworlds.conf") != null;
        return detect(System.getProperty("sun.java.command", ""), System.getProperty("java.class.path", ""),
                LaunchPath.class.getModule().isNamed(), inMaven);
    }

    /**
     * Tells the launch path from what the JVM reports about its start; the test harness
     * checks come first because they also start with {@code -jar} or a named module.
     *
     * @param command the {@code sun.java.command} property: main class or jar, then arguments
     * @param classPath the {@code java.class.path} property
     * @param namedModule whether jasyncio runs as a named module
     * @param inMaven whether Maven's class-world launcher started this JVM's main code
     * @return the launch path
     */
    static LaunchPath detect(String command, String classPath, boolean namedModule, boolean inMaven) {
        if (command.contains("surefirebooter") || command.startsWith("org.apache.maven.surefire.booter.")) {
            return SUREFIRE;
        }
        if (command.contains("GradleWorkerMain")) {
            return GRADLE;
        }
        if (inMaven || command.startsWith("org.codehaus.plexus.classworlds.launcher.")) {
            return MAVEN;
        }
        if (namedModule) {
            return MODULE_PATH;
        }
        if (!classPath.isEmpty() && !classPath.contains(File.pathSeparator)
                && classPath.toLowerCase(Locale.ROOT).endsWith(".jar") && command.startsWith(classPath)) {
            return JAR;
        }
        return CLASS_PATH;
    }

    /**
     * Says where the JVM flags jasyncio needs go for this launch path.
     *
     * @param addOpens the {@code --add-opens} flag, as {@link LoomSupport#requiredFlag()} gives it
     * @param trackAllThreadsSet whether {@code -Djdk.trackAllThreads=false} is already set
     *        (then it is not mentioned)
     * @param jar the jar given to {@code java -jar}, for {@link #JAR}; may be empty
     * @return one or two sentences naming the place and the exact text to put there
     */
    public String fix(String addOpens, boolean trackAllThreadsSet, String jar) {
        String flags = trackAllThreadsSet ? addOpens : addOpens + " " + TRACK_ALL_THREADS;
        return switch (this) {
            case SUREFIRE -> "This JVM is a Surefire (or Failsafe) test fork: put the flags in the plugin's "
                    + "configuration, <argLine>" + flags + "</argLine> (after @{argLine} when another plugin, "
                    + "such as JaCoCo, sets one).";
            case GRADLE -> "This JVM is a Gradle worker: add the flags to the task, for tests "
                    + "tasks.test { jvmArgs(" + quoted(flags) + ") }, for the application plugin "
                    + "applicationDefaultJvmArgs.";
            case MAVEN -> "This code runs inside Maven's own JVM (exec:java): Maven itself must run on "
                    + "JDK 25 with the flags, JAVA_HOME=<a JDK 25> MAVEN_OPTS=\"" + flags + "\" mvn exec:java; "
                    + "or run the program with exec:exec, which starts a JVM of its own.";
            case JAR -> "This JVM was started with java -jar" + (jar.isEmpty() ? "" : " " + jar)
                    + ": add the line \"Add-Opens: java.base/java.lang\" to that jar's manifest (the shade "
                    + "plugin's ManifestResourceTransformer, or the jar plugin's <manifestEntries>), or pass "
                    + addOpens + " before -jar." + (trackAllThreadsSet ? "" : " A manifest cannot set a system "
                    + "property: pass " + TRACK_ALL_THREADS + " before -jar or in the JDK_JAVA_OPTIONS "
                    + "environment variable.");
            case MODULE_PATH -> "jasyncio runs as the named module org.jasyncio: pass the flags to java "
                    + "before the main module, java " + flags + " -p <module path> -m <your module>/<main class>, "
                    + "or set them in the JDK_JAVA_OPTIONS environment variable.";
            case CLASS_PATH -> "Pass the flags to java before the main class, java " + flags
                    + " -cp <class path> <main class>, or set them in the JDK_JAVA_OPTIONS environment variable "
                    + "(in an IDE: the run configuration's VM options).";
        };
    }

    private static String quoted(String flags) {
        return "\"" + String.join("\", \"", flags.replace("--add-opens ", "--add-opens=").split(" ")) + "\"";
    }
}
