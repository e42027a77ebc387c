package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No overload may drop a value: code that would silently lose a coroutine's result does not
 * compile, and code that keeps it gets the right type. Snippets are compiled with javac
 * against jasyncio's classes, so a future overload that re-opens a trap fails here.
 */
class ApiTrapsTest {

    @TempDir
    Path out;

    private String compile(String body) throws Exception {
        String src = """
                import static org.jasyncio.Asyncio.*;
                import org.jasyncio.*;
                import java.util.*;
                class Snippet {
                    static String say() { return "hi"; }
                    static void main() throws Exception {
                        %s
                    }
                }
                """.formatted(body);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
            JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return src;
                }
            };
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "-proc:none");
            boolean ok = javac.getTask(diagnostics, fm, null, options, null, List.of(file)).call();
            return ok ? null : diagnostics.toString();
        }
    }

    @Test
    void gatherOfAVoidAndAValueLambdaDoesNotCompile() throws Exception {
        // It used to bind both lambdas to VoidCoroutine and return [null, null].
        String errors = compile("Object r = gather(() -> sleep(0.001), () -> say()).await();");
        assertNotNull(errors, "gather(void lambda, value lambda) must not compile");
        assertTrue(errors.contains("gather"), errors);
    }

    @Test
    void gatherOfValueLambdasKeepsTheirType() throws Exception {
        assertNull(compile("List<String> r = gather(() -> say(), () -> sleep(0.001, \"x\")).await();"));
    }

    @Test
    void createTaskOfAValueLambdaIsATaskOfThatValue() throws Exception {
        assertNull(compile("Task<String> t = createTask(() -> say());"));
        assertNull(compile("Task<Void> t = createTask(() -> sleep(1));"));
    }

    @Test
    void gatherOfValueLambdasReturnsTheValues() throws Exception {
        List<String> r = TestLoops.runVirtual(() -> gather(() -> sleep(0.001, "a"), () -> "b").await());
        assertEquals(List.of("a", "b"), r);
    }

    @Test
    void theSnippetCompilerReallyCompiles() throws Exception {
        assertNull(compile("int x = 1;"));
        assertNotNull(compile("int x = \"not an int\";"));
        assertTrue(Files.exists(out.resolve("Snippet.class")));
    }
}
