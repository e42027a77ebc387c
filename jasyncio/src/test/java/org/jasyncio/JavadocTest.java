package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * Every public type and member has complete Javadoc (STYLE.md habit 7): runs the javadoc tool
 * with doclint on the main sources and fails on any warning.
 */
class JavadocTest {

    @Test
    void publicApiIsFullyDocumented() throws Exception {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow();
        Path src = Path.of("src/main/java").toAbsolutePath();
        assertTrue(Files.isDirectory(src), "run from the jasyncio module directory: " + src);
        Path out = Files.createTempDirectory("jasyncio-javadoc");
        StringWriter log = new StringWriter();
        PrintWriter pw = new PrintWriter(log);
        int rc = javadoc.run(pw, pw, "-Xdoclint:all", "-Werror", "-quiet", "-d", out.toString(),
                "-sourcepath", src.toString(), "-subpackages", "org.jasyncio", "-exclude", "org.jasyncio.internal");
        pw.flush();
        assertEquals(0, rc, "javadoc reported problems:\n" + log);
    }
}
