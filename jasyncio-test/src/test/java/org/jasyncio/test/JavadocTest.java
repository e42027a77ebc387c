package org.jasyncio.test;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

import org.apiguardian.api.API;
import org.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * Every public type and member of jasyncio-test has complete Javadoc: runs the javadoc tool with
 * doclint on the module's sources and fails on any warning.
 */
class JavadocTest {

    private static String jarOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void publicApiIsFullyDocumented() throws Exception {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow();
        Path src = Path.of("src/main/java").toAbsolutePath();
        assertTrue(Files.isDirectory(src), "run from the jasyncio-test module directory: " + src);
        Path out = Files.createTempDirectory("jasyncio-test-javadoc");
        // The module's dependencies, found from their classes: jasyncio, JUnit's API and what it requires.
        String modulePath = String.join(File.pathSeparator, jarOf(Asyncio.class), jarOf(Test.class),
                jarOf(AnnotationSupport.class), jarOf(AssertionFailedError.class), jarOf(API.class));
        List<String> args = new ArrayList<>(List.of("-Xdoclint:all", "-Werror", "-quiet", "-d", out.toString(),
                "--module-path", modulePath, "--module-source-path", "org.jasyncio.test=" + src,
                "--module", "org.jasyncio.test"));
        StringWriter log = new StringWriter();
        PrintWriter pw = new PrintWriter(log);
        int rc = javadoc.run(pw, pw, args.toArray(String[]::new));
        pw.flush();
        assertEquals(0, rc, "javadoc reported problems:\n" + log);
    }
}
