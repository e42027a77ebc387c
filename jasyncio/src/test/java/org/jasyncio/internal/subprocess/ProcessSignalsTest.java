package org.jasyncio.internal.subprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Signal;
import org.junit.jupiter.api.Test;

/**
 * Signals to children: SIGTERM and SIGKILL through the JDK, the others through kill(2) with
 * native access enabled (checked in a forked JVM) or kill(1) without.
 */
class ProcessSignalsTest {

    private static java.lang.Process child() throws Exception {
        return new ProcessBuilder("sleep", "100").start();
    }

    /**
     * In a forked JVM without the flag: this suite's own JVM may have native access by now, since
     * JDK 25 grants it (with a warning) to a module on its first restricted call, such as the
     * Unix datagram endpoints' libc calls in another test class.
     */
    @Test
    void withoutNativeAccessSignalsGoThroughTheKillCommand() throws Exception {
        assertEquals("native=false\nstatus=" + (128 + Signal.SIGUSR1.number()) + "\ndone\n", probe(List.of()));
    }

    @Test
    void termAndKillUseTheJdk() throws Exception {
        java.lang.Process a = child();
        ProcessSignals.send(a, Signal.SIGTERM);
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));
        assertEquals(128 + 15, a.exitValue());
        java.lang.Process b = child();
        ProcessSignals.send(b, Signal.SIGKILL);
        assertTrue(b.waitFor(10, TimeUnit.SECONDS));
        assertEquals(128 + 9, b.exitValue());
        ProcessSignals.send(b, Signal.SIGKILL); // an exited child: nothing happens
    }

    @Test
    void theKillCommandToAMissingProcessIsHarmless() throws Exception {
        java.lang.Process p = new ProcessBuilder("true").start();
        p.waitFor();
        ProcessSignals.killCommand(p.pid(), Signal.SIGUSR1);
    }

    /** Run in a forked JVM: sends SIGUSR1 with kill(2) given native access, else with kill(1). */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            System.out.println("native=" + ProcessSignals.nativeKill());
            java.lang.Process p = new ProcessBuilder("sleep", "100").start();
            ProcessSignals.send(p, Signal.SIGUSR1);
            p.waitFor(10, TimeUnit.SECONDS);
            System.out.println("status=" + p.exitValue());
            java.lang.Process gone = new ProcessBuilder("true").start();
            gone.waitFor();
            ProcessSignals.send(gone, Signal.SIGUSR1); // ESRCH is not an error
            System.out.println("done");
        }
    }

    @Test
    void withNativeAccessSignalsGoThroughKill2WithoutWarnings() throws Exception {
        assertEquals("native=true\nstatus=" + (128 + Signal.SIGUSR1.number()) + "\ndone\n",
                probe(List.of("--enable-native-access=ALL-UNNAMED")));
    }

    /** Runs {@link Probe} in a new JVM with {@code flags}; returns what it printed (stderr too). */
    private static String probe(List<String> flags) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Path out = Files.createTempFile("signals", ".txt");
        try {
            java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "forked JVM did not finish");
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
