package org.jasyncio.cpython;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The child programs of CPython's subprocess tests ({@code PROGRAM_BLOCKED}, {@code PROGRAM_CAT},
 * and the scripts {@code echo.py}, {@code echo2.py}, {@code echo3.py} given with {@code -c}), run
 * with the machine's python3 where CPython runs {@code sys.executable}.
 */
final class SubprocessPrograms {
    private SubprocessPrograms() {}

    /** Debian's python3 starts faster than the pyenv shim that may come first in PATH. */
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    /** A child that blocks for an hour: {@code PROGRAM_BLOCKED}. */
    static final List<String> PROGRAM_BLOCKED = List.of(PYTHON, "-c", "import time; time.sleep(3600)");

    /** A child that copies its input to its output: {@code PROGRAM_CAT}. */
    static final List<String> PROGRAM_CAT = List.of(PYTHON, "-c",
            "import sys; data = sys.stdin.buffer.read(); sys.stdout.buffer.write(data)");

    /** test_asyncio/echo.py: echoes stdin to stdout until end of file. */
    static final String ECHO = """
            import os
            while True:
                buf = os.read(0, 1024)
                if not buf:
                    break
                os.write(1, buf)
            """;

    /** test_asyncio/echo2.py: one read, echoed to stdout and stderr with a prefix. */
    static final String ECHO2 = """
            import os
            buf = os.read(0, 1024)
            os.write(1, b'OUT:'+buf)
            os.write(2, b'ERR:'+buf)
            """;

    /** test_asyncio/echo3.py: echoes to stdout; reports a failed write on stderr. */
    static final String ECHO3 = """
            import os
            while True:
                buf = os.read(0, 1024)
                if not buf:
                    break
                try:
                    os.write(1, b'OUT:'+buf)
                except OSError as ex:
                    os.write(2, b'ERR:' + ex.__class__.__name__.encode('ascii'))
            """;

    /** {@code [python3, -c, code]}. */
    static List<String> python(String code) {
        return List.of(PYTHON, "-c", code);
    }

    /** {@code command} followed by {@code more}. */
    static List<String> plus(List<String> command, String... more) {
        List<String> l = new ArrayList<>(command);
        l.addAll(List.of(more));
        return l;
    }

    /** This JVM's open file descriptors. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Polls {@code condition} every 10 ms for up to {@code seconds} (for descriptors the JDK releases late). */
    static boolean eventually(double seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
