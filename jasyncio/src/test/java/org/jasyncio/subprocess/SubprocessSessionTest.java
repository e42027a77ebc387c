package org.jasyncio.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;

/**
 * startNewSession, processGroup, passFds and closeFds (asyncio's create_subprocess_exec kwargs
 * handed to Popen), with real children; the ids are read from /proc/PID/stat.
 */
class SubprocessSessionTest {
    private static final SubprocessOptions OUT = SubprocessOptions.defaults().withStdout(PIPE);

    /** The process group and session of a process, from /proc/PID/stat. */
    private record Ids(long pgrp, long session) {
        static Ids of(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Ids(Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
    }

    /**
     * A shell that prints its pid and then becomes {@code sleep 30}: once the line is read the
     * launcher has made its call and executed the command, so /proc shows the final ids.
     */
    private static final List<String> SLEEPER = List.of("sh", "-c", "echo $$; exec sleep 30");

    /** Starts {@link #SLEEPER} and checks that the pid the shell saw is the one jasyncio reports. */
    private static Process sleeper(SubprocessOptions options) throws IOException {
        Process proc = createSubprocessExec(SLEEPER, options);
        String line = new String(proc.stdout().readline(), UTF_8).strip();
        assertEquals(Long.toString(proc.pid()), line, "the pid is the program's, not a launcher's child's");
        return proc;
    }

    private static Ids self() throws IOException {
        return Ids.of(ProcessHandle.current().pid());
    }

    /**
     * A death by a signal sent from outside jasyncio shows as 128 + N (Process.returncode():
     * java.lang.Process cannot tell it from exit(143)), where asyncio would give -15.
     */
    private static final int TERMINATED_FROM_OUTSIDE = 128 + 15;

    /** Sends SIGTERM to the process group {@code pgid} with kill(1), as os.killpg would. */
    private static void killpg(long pgid) throws IOException {
        Process kill = createSubprocessExec("kill", "-s", "TERM", "--", "-" + pgid);
        assertEquals(0, kill.await(), "kill -TERM -" + pgid);
    }

    @Test
    void aNewSessionIsLedByTheChildItself() throws Exception {
        Asyncio.run(() -> {
            Process proc = sleeper(OUT.withStartNewSession(true));
            Ids ids = Ids.of(proc.pid());
            assertEquals(proc.pid(), ids.session(), "getsid(pid) == pid");
            assertEquals(proc.pid(), ids.pgrp(), "getpgid(pid) == pid");
            assertNotEquals(self().session(), ids.session());
            killpg(proc.pid());
            assertEquals(TERMINATED_FROM_OUTSIDE, proc.await());
        });
    }

    @Test
    void killingTheNewSessionsGroupReachesGrandchildren() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("sh", "-c", "sleep 30 & echo $!; wait"),
                    OUT.withStartNewSession(true));
            long grandchild = Long.parseLong(new String(proc.stdout().readline(), UTF_8).strip());
            assertEquals(proc.pid(), Ids.of(grandchild).pgrp(), "the grandchild is in the child's group");
            ProcessHandle g = ProcessHandle.of(grandchild).orElseThrow();
            killpg(proc.pid());
            assertEquals(TERMINATED_FROM_OUTSIDE, proc.await());
            Asyncio.await(g.onExit());
            assertFalse(g.isAlive());
        });
    }

    @Test
    void theExitStatusAndPipesAreTheProgramsThroughTheLauncher() throws Exception {
        Asyncio.run(() -> {
            SubprocessOptions o = SubprocessOptions.defaults().withStdin(PIPE).withStdout(PIPE);
            for (SubprocessOptions opts : List.of(o.withStartNewSession(true), o.withProcessGroup(0))) {
                Process proc = createSubprocessExec(List.of("sh", "-c", "cat; exit 3"), opts);
                CommunicateResult r = proc.communicate("through".getBytes(UTF_8));
                assertEquals("through", new String(r.stdout(), UTF_8), opts.toString());
                assertEquals(3, proc.returncode(), opts.toString());
            }
        });
    }

    @Test
    void processGroupZeroStartsAGroupInThisSession() throws Exception {
        Asyncio.run(() -> {
            Process proc = sleeper(OUT.withProcessGroup(0));
            Ids ids = Ids.of(proc.pid());
            assertEquals(proc.pid(), ids.pgrp(), "getpgid(pid) == pid");
            assertEquals(self().session(), ids.session(), "still in this session");
            killpg(proc.pid());
            assertEquals(TERMINATED_FROM_OUTSIDE, proc.await());
        });
    }

    @Test
    void processGroupNJoinsThatGroupAndTheGroupDiesTogether() throws Exception {
        Asyncio.run(() -> {
            Process leader = sleeper(OUT.withProcessGroup(0));
            Process member = sleeper(OUT.withProcessGroup((int) leader.pid()));
            assertEquals(leader.pid(), Ids.of(member.pid()).pgrp());
            assertEquals(self().session(), Ids.of(member.pid()).session());
            killpg(leader.pid());
            assertEquals(TERMINATED_FROM_OUTSIDE, leader.await());
            assertEquals(TERMINATED_FROM_OUTSIDE, member.await());
        });
    }

    @Test
    void theDefaultStaysInThisProcesssGroup() throws Exception {
        Asyncio.run(() -> {
            Process proc = sleeper(OUT);
            assertEquals(self().pgrp(), Ids.of(proc.pid()).pgrp());
            assertEquals(self().session(), Ids.of(proc.pid()).session());
            proc.kill();
            assertEquals(-9, proc.await());
        });
    }

    @Test
    void joiningAGroupThatIsNotThereNamesIt() throws Exception {
        Asyncio.run(() -> {
            // above Linux's largest pid_max (2^22): no group can have this number
            int none = (1 << 22) + 7;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> createSubprocessExec(List.of("true"), OUT.withProcessGroup(none)));
            assertTrue(e.getMessage().contains("processGroup " + none), e.getMessage());
        });
    }

    @Test
    void aNewSessionAndAGroupTogetherAreRefused() throws Exception {
        Asyncio.run(() -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> createSubprocessExec(
                    List.of("true"), OUT.withStartNewSession(true).withProcessGroup(0)));
            assertTrue(e.getMessage().contains("startNewSession and processGroup"), e.getMessage());
        });
    }

    @Test
    void aMissingProgramFailsTheStartAsWithoutALauncher() throws Exception {
        Asyncio.run(() -> {
            for (SubprocessOptions o : List.of(OUT, OUT.withStartNewSession(true), OUT.withProcessGroup(0))) {
                IOException e = assertThrows(IOException.class,
                        () -> createSubprocessExec(List.of("no-such-program-jasyncio"), o));
                assertTrue(e.getMessage().contains("Cannot run program \"no-such-program-jasyncio\""),
                        o + ": " + e.getMessage());
            }
        });
    }

    @Test
    void passFdsAndCloseFdsFalseNameTheJdksLimit() {
        SubprocessOptions d = SubprocessOptions.defaults();
        assertSame(d, d.withPassFds(), "no descriptors: asyncio's default");
        assertSame(d, d.withCloseFds(true), "what the JDK always does");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> d.withPassFds(5));
        assertTrue(e.getMessage().contains("passFds [5]") && e.getMessage().contains("ProcessBuilder"),
                e.getMessage());
        e = assertThrows(UnsupportedOperationException.class, () -> d.withCloseFds(false));
        assertTrue(e.getMessage().contains("closeFds=false") && e.getMessage().contains("ProcessBuilder"),
                e.getMessage());
    }

    @Test
    void theOptionsAreValuesAndValidated() {
        SubprocessOptions d = SubprocessOptions.defaults();
        assertFalse(d.startNewSession());
        assertTrue(d.processGroup().isEmpty());
        SubprocessOptions s = d.withStartNewSession(true);
        assertTrue(s.startNewSession());
        assertFalse(d.startNewSession(), "the original is unchanged");
        assertEquals(s, d.withStartNewSession(true));
        assertNotEquals(d, s);
        assertEquals(0, d.withProcessGroup(0).processGroup().getAsInt());
        assertEquals(42, d.withProcessGroup(42).processGroup().getAsInt());
        assertNotEquals(d.withProcessGroup(0), d.withProcessGroup(42));
        assertEquals(d.withProcessGroup(7).hashCode(), d.withProcessGroup(7).hashCode());
        assertThrows(IllegalArgumentException.class, () -> d.withProcessGroup(-1));
        assertTrue(s.withProcessGroup(3).toString().endsWith(", startNewSession, processGroup=3]"));
        assertTrue(s.withLimit(5).withStdout(PIPE).startNewSession(), "kept by the other withers");
    }

    @Test
    void aNewGroupKeepsTheCommandsArgvZero() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("sh", "-c", "tr '\\0' ' ' < /proc/$$/cmdline"),
                    OUT.withProcessGroup(0));
            String cmdline = new String(proc.stdout().read(), UTF_8);
            assertTrue(cmdline.startsWith("sh -c "), cmdline);
            assertEquals(0, proc.await());
        });
    }
}
