package org.jasyncio.subprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** SubprocessOptions and Stdio: defaults, validation, value semantics. */
class SubprocessOptionsTest {

    @Test
    void defaultsAreAsyncios() {
        SubprocessOptions d = SubprocessOptions.defaults();
        assertEquals(Stdio.INHERIT, d.stdin());
        assertEquals(Stdio.INHERIT, d.stdout());
        assertEquals(Stdio.INHERIT, d.stderr());
        assertNull(d.cwd());
        assertNull(d.env());
        assertEquals(64 * 1024, d.limit());
        SubprocessOptions p = SubprocessOptions.pipes();
        assertEquals(Stdio.PIPE, p.stdin());
        assertEquals(Stdio.PIPE, p.stdout());
        assertEquals(Stdio.PIPE, p.stderr());
        assertSame(Stdio.PIPE, Subprocess.PIPE);
        assertSame(Stdio.STDOUT, Subprocess.STDOUT);
        assertSame(Stdio.DEVNULL, Subprocess.DEVNULL);
        assertSame(Stdio.INHERIT, Subprocess.INHERIT);
    }

    @Test
    void withersReturnModifiedCopies() {
        SubprocessOptions d = SubprocessOptions.defaults();
        SubprocessOptions o = d.withStdin(Stdio.PIPE).withStdout(Stdio.DEVNULL).withStderr(Stdio.STDOUT)
                .withCwd(Path.of("/tmp")).withEnv(Map.of("A", "1")).withLimit(10);
        assertEquals(Stdio.INHERIT, d.stdin(), "the original is unchanged");
        assertEquals(Stdio.PIPE, o.stdin());
        assertEquals(Stdio.DEVNULL, o.stdout());
        assertEquals(Stdio.STDOUT, o.stderr());
        assertEquals(Path.of("/tmp"), o.cwd());
        assertEquals(Map.of("A", "1"), o.env());
        assertEquals(10, o.limit());
        assertNull(o.withCwd(null).withEnv(null).env());
        assertEquals(o, d.withStdin(Stdio.PIPE).withStdout(Stdio.DEVNULL).withStderr(Stdio.STDOUT)
                .withCwd(Path.of("/tmp")).withEnv(Map.of("A", "1")).withLimit(10));
        assertEquals(o.hashCode(), o.withLimit(10).hashCode());
        assertNotEquals(o, o.withLimit(11));
        assertEquals("SubprocessOptions[stdin=Stdio.PIPE, stdout=Stdio.DEVNULL, stderr=Stdio.STDOUT, cwd=/tmp, "
                + "env=1 variables, limit=10]", o.toString());
    }

    @Test
    void theEnvironmentIsCopiedAndChecked() {
        Map<String, String> env = new HashMap<>(Map.of("A", "1"));
        SubprocessOptions o = SubprocessOptions.defaults().withEnv(env);
        env.put("B", "2");
        assertEquals(Map.of("A", "1"), o.env());
        assertThrows(UnsupportedOperationException.class, () -> o.env().put("C", "3"));
        assertThrows(IllegalArgumentException.class, () -> o.withEnv(Map.of("A=B", "1")));
        assertThrows(IllegalArgumentException.class, () -> o.withEnv(Map.of("", "1")));
        assertThrows(IllegalArgumentException.class, () -> o.withEnv(Map.of("A", "x\0y")));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("A", null);
        assertThrows(NullPointerException.class, () -> o.withEnv(withNull));
    }

    @Test
    void redirectionsAreCheckedForTheirStream() {
        SubprocessOptions d = SubprocessOptions.defaults();
        Path f = Path.of("/tmp/x");
        assertThrows(IllegalArgumentException.class, () -> d.withStdin(Stdio.STDOUT));
        assertThrows(IllegalArgumentException.class, () -> d.withStdin(Stdio.to(f)));
        assertThrows(IllegalArgumentException.class, () -> d.withStdin(Stdio.appendTo(f)));
        assertThrows(IllegalArgumentException.class, () -> d.withStdout(Stdio.STDOUT));
        assertThrows(IllegalArgumentException.class, () -> d.withStdout(Stdio.from(f)));
        assertThrows(IllegalArgumentException.class, () -> d.withStderr(Stdio.from(f)));
        assertThrows(NullPointerException.class, () -> d.withStdin(null));
        assertThrows(IllegalArgumentException.class, () -> d.withLimit(0));
        assertEquals(Stdio.from(f), d.withStdin(Stdio.from(f)).stdin());
        assertEquals(Stdio.appendTo(f), d.withStderr(Stdio.appendTo(f)).stderr());
    }

    @Test
    void stdioValues() {
        Path f = Path.of("/tmp/x");
        assertEquals(Stdio.Kind.PIPE, Stdio.PIPE.kind());
        assertTrue(Stdio.PIPE.isPipe());
        assertFalse(Stdio.DEVNULL.isPipe());
        assertNull(Stdio.INHERIT.file());
        assertEquals(f, Stdio.to(f).file());
        assertEquals(Stdio.Kind.APPEND_FILE, Stdio.appendTo(f).kind());
        assertEquals(Stdio.to(f), Stdio.to(f));
        assertNotEquals(Stdio.to(f), Stdio.appendTo(f));
        assertEquals(Stdio.from(f).hashCode(), Stdio.from(f).hashCode());
        assertEquals("Stdio.from(/tmp/x)", Stdio.from(f).toString());
        assertEquals("Stdio.STDOUT", Stdio.STDOUT.toString());
        assertThrows(NullPointerException.class, () -> Stdio.to(null));
    }

    @Test
    void communicateResultToString() {
        assertEquals("CommunicateResult[stdout=3 bytes, stderr=null]",
                new CommunicateResult(new byte[3], null).toString());
    }
}
