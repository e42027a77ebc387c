package org.jasyncio.cpython;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.jasyncio.Asyncio.createTask;
import static org.jasyncio.Asyncio.gather;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.Asyncio.sleep;
import static org.jasyncio.Asyncio.toThread;
import static org.jasyncio.Asyncio.waitFor;
import static org.jasyncio.TestLoops.runOnce;
import static org.jasyncio.cpython.SubprocessPrograms.PROGRAM_BLOCKED;
import static org.jasyncio.cpython.SubprocessPrograms.PROGRAM_CAT;
import static org.jasyncio.cpython.SubprocessPrograms.PYTHON;
import static org.jasyncio.cpython.SubprocessPrograms.eventually;
import static org.jasyncio.cpython.SubprocessPrograms.openFds;
import static org.jasyncio.cpython.SubprocessPrograms.python;
import static org.jasyncio.subprocess.Subprocess.DEVNULL;
import static org.jasyncio.subprocess.Subprocess.PIPE;
import static org.jasyncio.subprocess.Subprocess.createSubprocessExec;
import static org.jasyncio.subprocess.Subprocess.createSubprocessShell;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.Coroutine;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Signal;
import org.jasyncio.Task;
import org.jasyncio.subprocess.BrokenPipeError;
import org.jasyncio.subprocess.CommunicateResult;
import org.jasyncio.subprocess.Process;
import org.jasyncio.subprocess.ProcessLookupError;
import org.jasyncio.subprocess.Stdio;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.SubprocessTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's test_asyncio/test_subprocess.py: {@code SubprocessTransportTests}, the
 * {@code SubprocessMixin} tests (CPython runs them once per child watcher; they are ported once)
 * and {@code GenericWatcherTests}. The children are real: python3, sh, sleep.
 *
 * <p>Each test drives its own loop step by step with {@code runUntilComplete}, as CPython's
 * {@code self.loop.run_until_complete}. The loop has the real clock: a virtual clock would jump
 * over the time a child needs to answer (its exit and output arrive from other threads, which a
 * virtual loop does not wait for before firing its next timer), so a {@code waitFor} would
 * expire at once.
 */
class TestSubprocess {
    /** support.LONG_TIMEOUT: only a guard against a hang. */
    private static final double LONG_TIMEOUT = 300;
    /** support.PIPE_MAX_SIZE: larger than any pipe buffer. */
    private static final int PIPE_MAX_SIZE = 4 * 1024 * 1024 + 1;
    private static final SubprocessOptions IN_OUT = SubprocessOptions.defaults().withStdin(PIPE).withStdout(PIPE);
    private static final SubprocessOptions IN_OUT_ERR = SubprocessOptions.pipes();

    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** A child's exit code and what it wrote. */
    private record Outcome(int exitcode, byte[] output) {}

    private static byte[] bytes(String s) {
        return s.getBytes(US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, US_ASCII);
    }

    /**
     * A SubprocessProtocol that records its calls and completes {@link #lost} on
     * connectionLost; it stands in for CPython's mock protocol and for the transport's
     * {@code _wait()}, which returns when connectionLost has run.
     */
    private static final class RecordingProtocol implements SubprocessProtocol {
        final List<String> calls = new ArrayList<>();
        final Future<Exception> lost;

        RecordingProtocol(EventLoop loop) {
            lost = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            calls.add("connection_made");
        }

        @Override
        public void processExited() {
            calls.add("process_exited");
        }

        @Override
        public void connectionLost(Exception exc) {
            calls.add("connection_lost");
            lost.setResult(exc);
        }
    }

    // ---- SubprocessTransportTests ----------------------------------------------------------------

    // CPython: test_subprocess.py::SubprocessTransportTests::test_proc_exited
    @Test
    void testProcExited() throws Exception {
        // Deviation: CPython fakes the Popen and calls the private _process_exited(6); here a real
        // child exits with 6. CPython's checks that _loop, _proc and _protocol were cleared are
        // on private fields jasyncio does not have.
        RecordingProtocol protocol = new RecordingProtocol(loop);
        SubprocessConnection<RecordingProtocol> c = loop.runUntilComplete(() -> getRunningLoop().subprocessExec(
                () -> protocol, List.of("sh", "-c", "exit 6"), SubprocessOptions.defaults()));
        SubprocessTransport transport = c.transport();
        Exception exc = loop.runUntilComplete(protocol.lost);

        assertEquals(6, transport.getReturncode());
        assertTrue(protocol.calls.contains("connection_made"));
        assertTrue(protocol.calls.contains("process_exited"));
        assertTrue(protocol.calls.contains("connection_lost"));
        assertNull(exc);
        assertFalse(transport.isClosing());

        // methods must raise ProcessLookupError if the process exited
        assertThrows(ProcessLookupError.class, () -> transport.sendSignal(Signal.SIGTERM));
        assertThrows(ProcessLookupError.class, transport::terminate);
        assertThrows(ProcessLookupError.class, transport::kill);

        transport.close();
    }

    // CPython: test_subprocess.py::SubprocessTransportTests::test_subprocess_repr
    @Test
    void testSubprocessRepr() throws Exception {
        // Deviation: CPython rewrites the private _returncode and _pid of one fake transport to
        // see each form; here a real child is seen running, then exited (killed, so its return
        // code is -9 rather than 6). "not started" has no counterpart: a jasyncio transport
        // exists only once its child runs.
        RecordingProtocol protocol = new RecordingProtocol(loop);
        SubprocessConnection<RecordingProtocol> c = loop.runUntilComplete(() -> getRunningLoop().subprocessExec(
                () -> protocol, PROGRAM_BLOCKED, SubprocessOptions.defaults()));
        SubprocessTransport transport = c.transport();
        long pid = transport.getPid();
        assertEquals("<ProcessTransport pid=" + pid + " running>", transport.toString());
        transport.kill();
        loop.runUntilComplete(protocol.lost);
        assertEquals("<ProcessTransport pid=" + pid + " returncode=-9>", transport.toString());
        transport.close();
    }

    // ---- SubprocessMixin ---------------------------------------------------------------------------

    // CPython: test_subprocess.py::SubprocessMixin::test_stdin_stdout
    @Test
    void testStdinStdout() throws Exception {
        Coroutine<Outcome> run = () -> {
            Process proc = createSubprocessExec(PROGRAM_CAT, IN_OUT);
            // feed data
            proc.stdin().write(bytes("some data"));
            proc.stdin().drain();
            proc.stdin().close();
            // get output and exitcode
            byte[] data = proc.stdout().read();
            int exitcode = proc.await();
            return new Outcome(exitcode, data);
        };
        Outcome r = loop.runUntilComplete(() -> waitFor(run, 60.0));
        assertEquals(0, r.exitcode());
        assertEquals("some data", text(r.output()));
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_communicate
    @Test
    void testCommunicate() throws Exception {
        Coroutine<Outcome> run = () -> {
            Process proc = createSubprocessExec(PROGRAM_CAT, IN_OUT);
            CommunicateResult r = proc.communicate(bytes("some data"));
            return new Outcome(proc.returncode(), r.stdout());
        };
        Outcome r = loop.runUntilComplete(() -> waitFor(run, LONG_TIMEOUT));
        assertEquals(0, r.exitcode());
        assertEquals("some data", text(r.output()));
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_communicate_none_input
    @Test
    void testCommunicateNoneInput() throws Exception {
        Coroutine<Outcome> run = () -> {
            Process proc = createSubprocessExec(PROGRAM_CAT, IN_OUT);
            CommunicateResult r = proc.communicate();
            return new Outcome(proc.returncode(), r.stdout());
        };
        Outcome r = loop.runUntilComplete(() -> waitFor(run, LONG_TIMEOUT));
        assertEquals(0, r.exitcode());
        assertEquals("", text(r.output()));
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_shell
    @Test
    void testShell() throws Exception {
        Process proc = loop.runUntilComplete(() -> createSubprocessShell("exit 7"));
        int exitcode = loop.runUntilComplete(proc::await);
        assertEquals(7, exitcode);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_start_new_session
    @Test
    void testStartNewSession() throws Exception {
        // Deviation: ProcessBuilder cannot start a child in a new session (start_new_session=True,
        // see the README's "Where subprocesses differ"); setsid(1) does it from inside the child:
        // dash replaces itself with setsid, which calls setsid() and runs the command, so the
        // process jasyncio waits for is the leader of a new session, as with start_new_session.
        Process proc = loop.runUntilComplete(() -> createSubprocessShell("setsid sh -c 'exit 8'"));
        int exitcode = loop.runUntilComplete(proc::await);
        assertEquals(8, exitcode);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_kill
    @Test
    void testKill() throws Exception {
        Process proc = loop.runUntilComplete(() -> createSubprocessExec(PROGRAM_BLOCKED, SubprocessOptions.defaults()));
        proc.kill();
        int returncode = loop.runUntilComplete(proc::await);
        assertEquals(-Signal.SIGKILL.number(), returncode);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_kill_issue43884
    @Test
    void testKillIssue43884() throws Exception {
        // The shell is killed while its child "sleep 1" holds the stdout pipe: wait() still ends.
        Process proc = loop.runUntilComplete(() -> createSubprocessShell("sleep 1; sleep 1",
                SubprocessOptions.defaults().withStdout(PIPE)));
        loop.runUntilComplete(() -> sleep(1));
        proc.kill();
        int returncode = loop.runUntilComplete(proc::await);
        assertEquals(-Signal.SIGKILL.number(), returncode);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_terminate
    @Test
    void testTerminate() throws Exception {
        Process proc = loop.runUntilComplete(() -> createSubprocessExec(PROGRAM_BLOCKED, SubprocessOptions.defaults()));
        proc.terminate();
        int returncode = loop.runUntilComplete(proc::await);
        assertEquals(-Signal.SIGTERM.number(), returncode);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_send_signal
    @Test
    void testSendSignal() throws Exception {
        // CPython first resets SIGHUP to SIG_DFL in the parent, whose disposition the child would
        // inherit; the JVM handles SIGHUP (handled signals are reset by exec), so there is
        // nothing to reset.
        String code = "import time; print(\"sleeping\", flush=True); time.sleep(3600)";
        Process proc = loop.runUntilComplete(() -> createSubprocessExec(python(code),
                SubprocessOptions.defaults().withStdout(PIPE)));
        int returncode = loop.runUntilComplete(() -> {
            // basic synchronization to wait until the program is sleeping
            byte[] line = proc.stdout().readline();
            assertEquals("sleeping\n", text(line));
            proc.sendSignal(Signal.SIGHUP);
            return proc.await();
        });
        assertEquals(-Signal.SIGHUP.number(), returncode);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_stdin_broken_pipe
    @Test
    void testStdinBrokenPipe(@TempDir Path dir) throws Exception {
        // Deviation: CPython hands the child the read end of an os.pipe() (pass_fds), which
        // ProcessBuilder cannot do; a named pipe (FIFO) gives the same "go" signal.
        byte[] largeData = new byte[PIPE_MAX_SIZE];
        Arrays.fill(largeData, (byte) 'x');
        Path fifo = dir.resolve("go");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        String code = "import os; fd = os.open(" + pyString(fifo.toString()) + ", os.O_RDONLY); os.read(fd, 1)";

        // the program ends before the stdin can be fed
        Process proc = loop.runUntilComplete(() -> createSubprocessExec(python(code),
                SubprocessOptions.defaults().withStdin(PIPE)));

        // drain() must raise BrokenPipeError or ConnectionResetError (jasyncio: an IOException,
        // BrokenPipeError here, "Connection lost" for a pipe lost without an error)
        IOException e = assertThrows(IOException.class, () -> loop.runUntilComplete(() -> {
            proc.stdin().write(largeData);
            // Only exit the child process once the write buffer is filled; opening the FIFO
            // blocks until the child opened it, so it is done off the loop, as os.write would be.
            toThread(() -> Files.write(fifo, bytes("go")));
            proc.stdin().drain();
        }));
        assertTrue(e instanceof BrokenPipeError || "Connection lost".equals(e.getMessage()), e.toString());
        loop.runUntilComplete(proc::await);
    }

    /** A Python string literal for {@code s} (paths from @TempDir have no quotes or backslashes). */
    private static String pyString(String s) {
        return "'" + s + "'";
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_communicate_ignore_broken_pipe
    @Test
    void testCommunicateIgnoreBrokenPipe() throws Exception {
        // buffer large enough to feed the whole pipe buffer
        byte[] largeData = new byte[PIPE_MAX_SIZE];
        Arrays.fill(largeData, (byte) 'x');

        // the program ends before the stdin can be fed
        Process proc = loop.runUntilComplete(() -> createSubprocessExec(python("pass"),
                SubprocessOptions.defaults().withStdin(PIPE)));

        // communicate() must ignore BrokenPipeError when feeding stdin
        loop.setExceptionHandler((l, context) -> { });
        loop.runUntilComplete(() -> proc.communicate(largeData));
        loop.runUntilComplete(proc::await);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_pause_reading
    @Test
    void testPauseReading() throws Exception {
        // Issue #22685: Ensure that the stream reader pauses the protocol when the child process
        // produces too much data.
        // Deviation: CPython replaces the stdout transport's pause_reading and resume_reading with
        // mocks (through loop.connect_read_pipe, which jasyncio does not have) and checks they were
        // called. jasyncio's transport cannot be replaced; the stdout reader's description ends
        // with " paused" from the moment it called pauseReading() on its transport until it
        // called resumeReading(), so the test waits for the first, and checks the second after
        // communicate(). (The transport's own state cannot tell: the end of file follows the
        // data at once and closes it.)
        int limit = 10;
        int size = limit * 2 + 1;
        String code = String.join("\n", "import sys", "sys.stdout.write(\"x\" * " + size + ")", "sys.stdout.flush()");
        byte[] stdout = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code),
                    SubprocessOptions.defaults().withStdin(PIPE).withStdout(PIPE).withLimit(limit));
            // The child process produced more than limit bytes of output, the stream reader
            // transport should pause the protocol to not allocate too much memory.
            waitFor(() -> {
                while (!proc.stdout().toString().endsWith(" paused>")) {
                    sleep(0.005);
                }
            }, 30);
            byte[] out = proc.communicate().stdout();
            assertFalse(proc.stdout().toString().endsWith(" paused>"), proc.stdout().toString());
            return out;
        });
        assertEquals("x".repeat(size), text(stdout));
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_stdin_not_inheritable
    @Test
    void testStdinNotInheritable() throws Exception {
        // asyncio issue #209: stdin must not be inheritable, otherwise the Process.communicate() hangs
        // Deviation: close_fds=False is not available (the JDK always closes the other descriptors
        // in the child); the communicate() that must not hang is the same.
        String code = "import sys; data = sys.stdin.read(); print(len(data))";
        Outcome r = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code), IN_OUT_ERR);
            CommunicateResult out = proc.communicate(bytes("abc"));
            int exitcode = proc.await();
            return new Outcome(exitcode, out.stdout());
        });
        assertEquals("3", text(r.output()).stripTrailing());
        assertEquals(0, r.exitcode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_empty_input
    @Test
    void testEmptyInput() throws Exception {
        // Deviation: without close_fds=False, as in testStdinNotInheritable.
        String code = "import sys; data = sys.stdin.read(); print(len(data))";
        Outcome r = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code), IN_OUT_ERR);
            CommunicateResult out = proc.communicate(new byte[0]);
            int exitcode = proc.await();
            return new Outcome(exitcode, out.stdout());
        });
        assertEquals("0", text(r.output()).stripTrailing());
        assertEquals(0, r.exitcode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_devnull_input
    @Test
    void testDevnullInput() throws Exception {
        // Deviation: without close_fds=False, as in testStdinNotInheritable.
        String code = "import sys; data = sys.stdin.read(); print(len(data))";
        Outcome r = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code), IN_OUT_ERR.withStdin(DEVNULL));
            CommunicateResult out = proc.communicate();
            int exitcode = proc.await();
            return new Outcome(exitcode, out.stdout());
        });
        assertEquals("0", text(r.output()).stripTrailing());
        assertEquals(0, r.exitcode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_devnull_output
    @Test
    void testDevnullOutput() throws Exception {
        // Deviation: without close_fds=False, as in testStdinNotInheritable.
        String code = "import sys; data = sys.stdin.read(); print(len(data))";
        Outcome r = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code), IN_OUT_ERR.withStdout(DEVNULL));
            CommunicateResult out = proc.communicate(bytes("abc"));
            int exitcode = proc.await();
            return new Outcome(exitcode, out.stdout());
        });
        assertNull(r.output());
        assertEquals(0, r.exitcode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_devnull_error
    @Test
    void testDevnullError() throws Exception {
        // Deviation: without close_fds=False, as in testStdinNotInheritable.
        String code = "import sys; data = sys.stdin.read(); print(len(data))";
        Outcome r = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code), IN_OUT_ERR.withStderr(DEVNULL));
            CommunicateResult out = proc.communicate(bytes("abc"));
            int exitcode = proc.await();
            return new Outcome(exitcode, out.stderr());
        });
        assertNull(r.output());
        assertEquals(0, r.exitcode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_devstdin_input
    @Test
    void testDevstdinInput() throws Exception {
        // Deviation: without close_fds=False, as in testStdinNotInheritable.
        String code = "file = open(\"/dev/stdin\"); data = file.read(); print(len(data))";
        Outcome r = loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(python(code), IN_OUT_ERR);
            CommunicateResult out = proc.communicate(bytes("abc"));
            int exitcode = proc.await();
            return new Outcome(exitcode, out.stdout());
        });
        assertEquals("3", text(r.output()).stripTrailing());
        assertEquals(0, r.exitcode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_cancel_process_wait
    @Test
    void testCancelProcessWait() throws Exception {
        // Issue #23140: cancel Process.wait()
        loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(PROGRAM_BLOCKED, SubprocessOptions.defaults());

            // Create an internal future waiting on the process exit
            Task<Integer> task = getRunningLoop().createTask(proc::await);
            getRunningLoop().callSoon(task::cancel);
            try {
                task.await();
            } catch (CancelledError expected) {
                // the wait was cancelled, not the child
            }

            // Cancel the future
            task.cancel();

            // Kill the process and wait until it is done
            proc.kill();
            proc.await();
        });
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_cancel_make_subprocess_transport_exec
    @Test
    void testCancelMakeSubprocessTransportExec() throws Exception {
        loop.runUntilComplete(() -> {
            Task<Process> task = getRunningLoop().createTask(
                    () -> createSubprocessExec(PROGRAM_BLOCKED, SubprocessOptions.defaults()));
            getRunningLoop().callSoon(task::cancel);
            try {
                task.await();
            } catch (CancelledError expected) {
                // the creation was cancelled
            }
        });
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_cancel_post_init
    @Test
    void testCancelPostInit() throws Exception {
        loop.runUntilComplete(() -> {
            Task<SubprocessConnection<SubprocessProtocol>> task = getRunningLoop().createTask(
                    () -> getRunningLoop().subprocessExec(() -> new SubprocessProtocol() { }, PROGRAM_BLOCKED));
            getRunningLoop().callSoon(task::cancel);
            try {
                task.await();
            } catch (CancelledError expected) {
                // the creation was cancelled
            }
        });
        runOnce(loop);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_close_kill_running
    @Test
    void testCloseKillRunning() throws Exception {
        // Deviation: CPython wraps the Popen's kill() to see that close() calls it; the JDK's
        // Process cannot be wrapped, so the kill is seen in the return code: -SIGKILL is reported
        // only for a SIGKILL jasyncio sent (README, "Where subprocesses differ").
        RecordingProtocol protocol = new RecordingProtocol(loop);
        Integer[] returncodes = loop.runUntilComplete(() -> {
            SubprocessConnection<RecordingProtocol> c = getRunningLoop().subprocessExec(() -> protocol,
                    PROGRAM_BLOCKED, SubprocessOptions.defaults());
            SubprocessTransport transport = c.transport();
            Integer returncode = transport.getReturncode();
            transport.close();
            // transport._wait(): until connectionLost
            waitFor(protocol.lost, 5);
            return new Integer[] {returncode, transport.getReturncode()};
        });
        assertNull(returncodes[0]);

        // transport.close() must kill the process if it is still running
        assertEquals(-Signal.SIGKILL.number(), returncodes[1]);
        runOnce(loop);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_close_dont_kill_finished
    @Test
    void testCloseDontKillFinished() throws Exception {
        // Deviation: CPython replaces the Popen's kill() with a mock; the JDK's Process cannot be
        // replaced, so the return code tells: a kill sent by close() would be reported as
        // -SIGKILL, the child's own death by someone else's SIGKILL is the JDK's 128 + 9.
        RecordingProtocol protocol = new RecordingProtocol(loop);
        SubprocessConnection<RecordingProtocol> c = loop.runUntilComplete(() -> getRunningLoop().subprocessExec(
                () -> protocol, PROGRAM_BLOCKED, SubprocessOptions.defaults()));
        SubprocessTransport transport = c.transport();
        java.lang.Process proc = (java.lang.Process) transport.getExtraInfo("subprocess");

        // kill the process (but jasyncio is not notified immediately: the loop is not running,
        // as CPython's loop is blocked in proc.wait())
        proc.destroyForcibly();
        proc.waitFor();

        Integer procReturncode = proc.exitValue();
        Integer transportReturncode = transport.getReturncode();
        transport.close();
        loop.runUntilComplete(protocol.lost);

        assertNotNull(procReturncode);
        assertNull(transportReturncode);

        // transport.close() must not kill the process if it finished, even if the transport was
        // not notified yet
        assertEquals(128 + Signal.SIGKILL.number(), transport.getReturncode());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_popen_error
    @Test
    void testPopenError() throws Exception {
        // Issue #24763: check that the subprocess transport is closed when BaseSubprocessTransport fails
        checkPopenError(Stdio.INHERIT);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_popen_error_with_stdin_pipe
    @Test
    void testPopenErrorWithStdinPipe() throws Exception {
        // Issue #35721: check that newly created socket pair is closed when Popen fails
        checkPopenError(PIPE);
    }

    /**
     * CPython's _test_popen_error. Deviation: CPython patches Popen to raise ZeroDivisionError
     * and checks that no ResourceWarning (an unclosed pipe or transport) is emitted; here the
     * start fails for real (no such program: an IOException) and no descriptor may be left open.
     */
    private void checkPopenError(Stdio stdin) throws Exception {
        int fds = openFds();
        loop.runUntilComplete(() -> {
            assertThrows(IOException.class, () -> createSubprocessExec(
                    List.of("jasyncio-no-such-program", "-c", "pass"), SubprocessOptions.defaults().withStdin(stdin)));
        });
        assertTrue(eventually(5, () -> openFds() <= fds),
                "descriptors left open: " + openFds() + " > " + fds);
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_read_stdout_after_process_exit
    @Test
    void testReadStdoutAfterProcessExit() throws Exception {
        // The sleeps are real: the child must get the time to exit while its output is unread.
        String code = String.join("\n", "import sys", "for _ in range(64):", "    sys.stdout.write(\"x\" * 4096)",
                "sys.stdout.flush()", "sys.exit(1)");
        loop.runUntilComplete(() -> {
            Process process = createSubprocessExec(python(code), SubprocessOptions.defaults().withStdout(PIPE));
            while (true) {
                byte[] data = process.stdout().read(65536);
                if (data.length > 0) {
                    sleep(0.3);
                } else {
                    break;
                }
            }
        });
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_create_subprocess_env_shell
    @Test
    void testCreateSubprocessEnvShell() throws Exception {
        String cmd = PYTHON + " -c \"import os, sys; sys.stdout.write(os.getenv('FOO'))\"";
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FOO", "bar");
        loop.runUntilComplete(() -> checkStdoutOutput(
                createSubprocessShell(cmd, SubprocessOptions.defaults().withEnv(env).withStdout(PIPE)), "bar"));
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_create_subprocess_env_exec
    @Test
    void testCreateSubprocessEnvExec() throws Exception {
        List<String> cmd = python("import os, sys; sys.stdout.write(os.getenv('FOO'))");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("FOO", "baz");
        loop.runUntilComplete(() -> checkStdoutOutput(
                createSubprocessExec(cmd, SubprocessOptions.defaults().withEnv(env).withStdout(PIPE)), "baz"));
    }

    /** CPython's check_stdout_output: the output, exit 0, and a later wait() done at once. */
    private static void checkStdoutOutput(Process proc, String output) throws Exception {
        byte[] stdout = proc.communicate().stdout();
        assertEquals(output, text(stdout));
        assertEquals(0, proc.returncode());
        Task<Integer> task = createTask(proc::await);
        sleep(0);
        assertEquals(proc.returncode(), task.result());
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_subprocess_concurrent_wait
    @Test
    void testSubprocessConcurrentWait() throws Exception {
        loop.runUntilComplete(() -> {
            Process proc = createSubprocessExec(PROGRAM_CAT, IN_OUT);
            byte[] stdout = proc.communicate(bytes("some data")).stdout();
            assertEquals("some data", text(stdout));
            assertEquals(0, proc.returncode());
            List<Coroutine<Integer>> waits = Collections.nCopies(10, proc::await);
            assertEquals(Collections.nCopies(10, proc.returncode()), gather(waits).await());
        });
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_subprocess_protocol_events
    @Test
    void testSubprocessProtocolEvents() throws Exception {
        // gh-108973: Test that all subprocess protocol methods are called. The protocol methods
        // are not called in a deterministic order.
        List<List<Object>> events = new ArrayList<>();
        List<List<Object>> expected = List.of(
                List.of("pipe_data_received", 1, "stdout"),
                List.of("pipe_data_received", 2, "stderr"),
                List.of("pipe_connection_lost", 1),
                List.of("pipe_connection_lost", 2),
                List.of("process_exited"));
        List<String> perFdExpected = List.of("pipe_data_received", "pipe_connection_lost");

        final class MyProtocol implements SubprocessProtocol {
            private final Future<Boolean> exitFuture;

            MyProtocol(Future<Boolean> exitFuture) {
                this.exitFuture = exitFuture;
            }

            @Override
            public void pipeDataReceived(int fd, byte[] data) {
                events.add(List.of("pipe_data_received", fd, text(data)));
                exitMaybe();
            }

            @Override
            public void pipeConnectionLost(int fd, Exception exc) {
                events.add(List.of("pipe_connection_lost", fd));
                exitMaybe();
            }

            @Override
            public void processExited() {
                events.add(List.of("process_exited"));
                exitMaybe();
            }

            private void exitMaybe() {
                // Only exit when we got all expected events
                if (events.size() >= expected.size()) {
                    exitFuture.setResult(true);
                }
            }
        }

        loop.runUntilComplete(() -> {
            Future<Boolean> exitFuture = getRunningLoop().createFuture();
            String code = "import sys; sys.stdout.write(\"stdout\"); sys.stderr.write(\"stderr\")";
            SubprocessConnection<MyProtocol> c = getRunningLoop().subprocessExec(() -> new MyProtocol(exitFuture),
                    python(code), SubprocessOptions.pipes().withStdin(Stdio.INHERIT));
            exitFuture.await();
            c.transport().close();
        });

        // First, make sure that we received all events
        assertEquals(new HashSet<>(expected), new HashSet<>(events));

        // Second, check order of pipe events per file descriptor
        Map<Integer, List<String>> perFdEvents = new HashMap<>(Map.of(1, new ArrayList<>(), 2, new ArrayList<>()));
        for (List<Object> event : events) {
            if (event.get(0).equals("process_exited")) {
                continue;
            }
            perFdEvents.get((Integer) event.get(1)).add((String) event.get(0));
        }
        for (int fd : List.of(1, 2)) {
            assertEquals(perFdExpected, perFdEvents.get(fd), fd + " " + events);
        }
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_subprocess_communicate_stdout
    @Test
    void testSubprocessCommunicateStdout() throws Exception {
        // See https://github.com/python/cpython/issues/100133
        loop.runUntilComplete(() -> {
            List<String> outputs = new ArrayList<>();
            List<Coroutine<String>> commands = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String out = "foo" + i;
                outputs.add(out);
                commands.add(() -> getCommandStdout(python("print('" + out + "')")));
            }
            assertEquals(outputs, gather(commands).await());
        });
    }

    private static String getCommandStdout(List<String> command) throws Exception {
        Process proc = createSubprocessExec(command, SubprocessOptions.defaults().withStdout(PIPE));
        byte[] stdout = proc.communicate().stdout();
        return text(stdout).strip();
    }

    // CPython: test_subprocess.py::SubprocessMixin::test_subprocess_send_signal_race
    @Test
    void testSubprocessSendSignalRace() throws Exception {
        // See https://github.com/python/cpython/issues/87744: the child may exit just as the
        // signal is sent. The sleeps are real: they are the race.
        loop.runUntilComplete(() -> {
            for (int i = 0; i < 10; i++) {
                Process proc = createSubprocessExec("sleep", "0.1");
                sleep(0.1);
                try {
                    proc.sendSignal(Signal.SIGUSR1);
                } catch (ProcessLookupError alreadyGone) {
                    // the exit was processed first
                }
                assertNotEquals(255, proc.await());
            }
        });
    }

    // ---- GenericWatcherTests -----------------------------------------------------------------------

    // CPython: test_subprocess.py::GenericWatcherTests::test_create_subprocess_with_pidfd
    @Test
    void testCreateSubprocessWithPidfd() throws Exception {
        // Without the child-watcher setup (jasyncio has no child watchers): a loop run by
        // Asyncio.run in another thread starts, feeds and reaps a child.
        Coroutine<Outcome> inThread = () -> {
            Process proc = createSubprocessExec(PROGRAM_CAT, IN_OUT);
            CommunicateResult r = proc.communicate(bytes("some data"));
            return new Outcome(proc.returncode(), r.stdout());
        };
        Outcome r = loop.runUntilComplete(() -> toThread(() -> Asyncio.run(inThread)));
        assertEquals(0, r.exitcode());
        assertArrayEquals(bytes("some data"), r.output());
    }
}
