package org.jasyncio.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Asyncio;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.transports.TestCerts;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peers we did not write (CPython's asyncio, openssl, netcat) run as subprocesses.
 * Blocking process calls go through {@link Asyncio#toThread}, so the loop keeps running.
 * A test whose peer binary is missing is skipped with a message that says which.
 */
final class Peers {
    static final String PYTHON = "/usr/bin/python3";

    private Peers() {}

    static void assumePython() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)),
                PYTHON + " is not installed: the CPython asyncio interop tests need it (apt-get install python3)");
    }

    static void assumeOnPath(String exe, String pkg) {
        Assumptions.assumeTrue(TestCerts.onPath(exe), exe + " is not installed: this interop test needs it (apt-get "
                + "install " + pkg + ")");
    }

    static Path script() throws URISyntaxException {
        return Path.of(Peers.class.getResource("interop_echo.py").toURI());
    }

    /** Starts a process (off the loop). */
    static Process start(List<String> cmd) throws Exception {
        return Asyncio.toThread(() -> new ProcessBuilder(cmd).start());
    }

    /** Starts a process whose standard error goes to a temporary file, readable after it is stopped. */
    static Process start(List<String> cmd, Path stderr) throws Exception {
        return Asyncio.toThread(() -> new ProcessBuilder(cmd).redirectError(stderr.toFile()).start());
    }

    /** Reads one line of the process's output (off the loop). */
    static String readLine(BufferedReader r) throws Exception {
        return Asyncio.toThread(r::readLine);
    }

    static BufferedReader stdout(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Waits for the process to exit (off the loop) and returns its exit code; kills it after the timeout. */
    static int waitFor(Process p, double seconds) throws Exception {
        boolean done = Asyncio.toThread(() -> p.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS));
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("peer " + p.info().commandLine().orElse("?") + " did not exit in " + seconds + " s");
        }
        return p.exitValue();
    }

    static String all(java.io.InputStream in) throws Exception {
        return Asyncio.toThread(() -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Stops a process this test started, and waits for it. */
    static void stop(Process p) throws Exception {
        if (p.isAlive()) {
            p.destroy();
            Asyncio.toThread(() -> p.waitFor(10, TimeUnit.SECONDS));
        }
    }

    /** The streams echo: read, write, drain until end of file, then close. */
    static void echo(StreamReader r, StreamWriter w) throws IOException {
        try {
            while (true) {
                byte[] b = r.read(65536);
                if (b.length == 0) {
                    break;
                }
                w.write(b);
                w.drain();
            }
        } finally {
            w.close();
        }
    }
}
