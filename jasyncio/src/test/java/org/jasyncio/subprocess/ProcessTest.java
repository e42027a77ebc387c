package org.jasyncio.subprocess;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.jasyncio.subprocess.Subprocess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jasyncio.Asyncio;
import org.jasyncio.Signal;
import org.jasyncio.Task;
import org.jasyncio.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process and the module functions, with real children (CPython's test_subprocess.SubprocessMixin). */
class ProcessTest {
    private static final SubprocessOptions IN_OUT = SubprocessOptions.defaults().withStdin(PIPE).withStdout(PIPE);
    private static final SubprocessOptions OUT_ERR = SubprocessOptions.defaults().withStdout(PIPE).withStderr(PIPE);

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void stdinStdout() throws Exception {
        // test_subprocess.test_stdin_stdout
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("cat"), IN_OUT);
            proc.stdin().write("some data".getBytes());
            proc.stdin().drain();
            proc.stdin().close();
            byte[] data = proc.stdout().read();
            assertEquals(0, proc.await());
            assertEquals("some data", text(data));
        });
    }

    @Test
    void communicate() throws Exception {
        // test_subprocess.test_communicate
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("cat"), IN_OUT);
            CommunicateResult r = proc.communicate("some data".getBytes());
            assertEquals("some data", text(r.stdout()));
            assertNull(r.stderr());
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void catEchoesTenMibThroughCommunicateByteExact() throws Exception {
        byte[] input = Children.randomBytes(10 * 1024 * 1024, 42);
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("cat"), IN_OUT);
            CommunicateResult r = proc.communicate(input);
            assertEquals(input.length, r.stdout().length);
            assertArrayEquals(input, r.stdout());
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void communicateDoesNotDeadlockWhenTheChildWritesMegabytesToBothPipesWhileReadingInput() throws Exception {
        // The child fills stderr (8 MiB) before it reads any input, then echoes 10 MiB of input to
        // stdout: without reading both pipes while feeding stdin, every side would block.
        byte[] input = Children.randomBytes(10 * 1024 * 1024, 7);
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("head -c 8388608 /dev/zero >&2; cat",
                    SubprocessOptions.pipes());
            CommunicateResult r = waitFor(() -> proc.communicate(input), 60);
            assertArrayEquals(input, r.stdout());
            assertEquals(8 * 1024 * 1024, r.stderr().length);
            for (byte b : r.stderr()) {
                if (b != 0) {
                    fail("stderr was not the zeros the child wrote");
                }
            }
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void shell() throws Exception {
        // test_subprocess.test_shell
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("exit 7");
            assertEquals(7, proc.await());
            assertEquals(7, proc.returncode());
        });
    }

    @Test
    void exitCodes() throws Exception {
        Asyncio.run(() -> {
            assertEquals(0, createSubprocessExec("true").await());
            assertEquals(1, createSubprocessExec("false").await());
            assertEquals(255, createSubprocessShell("exit 255").await());
        });
    }

    @Test
    void kill() throws Exception {
        // test_subprocess.test_kill: killing sleep 100
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("sleep", "100");
            assertNull(proc.returncode());
            double t0 = getRunningLoop().time();
            proc.kill();
            assertEquals(-9, proc.await());
            assertEquals(-9, proc.returncode());
            assertTrue(getRunningLoop().time() - t0 < 10, "killed, not waited for");
        });
    }

    @Test
    void terminate() throws Exception {
        // test_subprocess.test_terminate
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("sleep", "100");
            proc.terminate();
            assertEquals(-15, proc.await());
        });
    }

    @Test
    void sendSignal() throws Exception {
        // test_subprocess.test_send_signal: SIGHUP kills a child that does not handle it
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("echo sleeping; exec sleep 100",
                    SubprocessOptions.defaults().withStdout(PIPE));
            assertEquals("sleeping\n", text(proc.stdout().readline()));
            proc.sendSignal(Signal.SIGHUP);
            assertEquals(-1, proc.await());
        });
    }

    @Test
    void signalsSentByOthersReportTheShellStyleStatus() throws Exception {
        // java.lang.Process gives 128 + N for a death by signal N, as for exit(128 + N): without
        // having sent the signal, the process cannot tell them apart (documented on returncode()).
        Asyncio.run(() -> {
            assertEquals(128 + 15, createSubprocessShell("kill -TERM $$").await());
            assertEquals(143, createSubprocessShell("exit 143").await());
        });
    }

    @Test
    void signalsAfterTheExitWasProcessedRaiseProcessLookupError() throws Exception {
        // test_subprocess.test_proc_exited: methods raise ProcessLookupError once the process is gone
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("true");
            assertEquals(0, proc.await());
            assertThrows(ProcessLookupError.class, proc::kill);
            assertThrows(ProcessLookupError.class, proc::terminate);
            assertThrows(ProcessLookupError.class, () -> proc.sendSignal(Signal.SIGUSR1));
        });
    }

    @Test
    void stdoutAndStderrKeptApart() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("echo out; echo err >&2; echo out2", OUT_ERR);
            CommunicateResult r = proc.communicate();
            assertEquals("out\nout2\n", text(r.stdout()));
            assertEquals("err\n", text(r.stderr()));
        });
    }

    @Test
    void stderrMergedIntoStdoutOnRequest() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("echo out; echo err >&2; echo out2",
                    SubprocessOptions.defaults().withStdout(PIPE).withStderr(STDOUT));
            assertNull(proc.stderr());
            CommunicateResult r = proc.communicate();
            assertEquals("out\nerr\nout2\n", text(r.stdout()));
            assertNull(r.stderr());
        });
    }

    @Test
    void emptyInput() throws Exception {
        // test_subprocess.test_empty_input
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("wc -c", IN_OUT);
            assertEquals("0", text(proc.communicate(new byte[0]).stdout()).strip());
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void devnullInput() throws Exception {
        // test_subprocess.test_devnull_input
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("wc -c",
                    SubprocessOptions.defaults().withStdin(DEVNULL).withStdout(PIPE).withStderr(PIPE));
            assertNull(proc.stdin());
            CommunicateResult r = proc.communicate();
            assertEquals("0", text(r.stdout()).strip());
            assertEquals("", text(r.stderr()));
        });
    }

    @Test
    void devnullOutput() throws Exception {
        // test_subprocess.test_devnull_output
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("wc -c",
                    SubprocessOptions.pipes().withStdout(DEVNULL));
            CommunicateResult r = proc.communicate("abc".getBytes());
            assertNull(r.stdout());
            assertEquals("", text(r.stderr()));
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void devnullError() throws Exception {
        // test_subprocess.test_devnull_error
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("wc -c; echo lost >&2",
                    SubprocessOptions.pipes().withStderr(DEVNULL));
            CommunicateResult r = proc.communicate("abc".getBytes());
            assertEquals("3", text(r.stdout()).strip());
            assertNull(r.stderr());
        });
    }

    @Test
    void inheritedStreamsHaveNoReadersOrWriters() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("true");
            assertNull(proc.stdin());
            assertNull(proc.stdout());
            assertNull(proc.stderr());
            CommunicateResult r = proc.communicate();
            assertNull(r.stdout());
            assertNull(r.stderr());
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void communicateInputWithoutAStdinPipeIsAnError() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("cat"), SubprocessOptions.defaults().withStdout(PIPE)
                    .withStdin(DEVNULL));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> proc.communicate("lost".getBytes()));
            assertTrue(e.getMessage().contains("stdin"), e.getMessage());
            assertEquals("", text(proc.communicate().stdout()));
        });
    }

    @Test
    void fileRedirections(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.txt");
        Path out = dir.resolve("out.txt");
        Files.writeString(in, "from a file\n");
        Files.writeString(out, "old content that is truncated\n");
        Asyncio.run(() -> {
            createSubprocessExec(List.of("cat"), SubprocessOptions.defaults().withStdin(Stdio.from(in))
                    .withStdout(Stdio.to(out))).await();
            createSubprocessShell("echo appended; echo to-err >&2", SubprocessOptions.defaults()
                    .withStdout(Stdio.appendTo(out)).withStderr(Stdio.appendTo(out))).await();
        });
        assertEquals("from a file\nappended\nto-err\n", Files.readString(out));
    }

    @Test
    void workingDirectory(@TempDir Path dir) throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("pwd"), SubprocessOptions.defaults().withStdout(PIPE)
                    .withCwd(dir));
            assertEquals(dir.toRealPath().toString(), text(proc.communicate().stdout()).strip());
            IOException e = assertThrows(IOException.class, () -> createSubprocessExec(List.of("pwd"),
                    SubprocessOptions.defaults().withCwd(dir.resolve("missing"))));
            assertTrue(e.getMessage().contains("missing") || e.getMessage().contains("directory"), e.getMessage());
        });
    }

    @Test
    void environmentReplacesTheParents() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("/usr/bin/env"), SubprocessOptions.defaults()
                    .withStdout(PIPE).withEnv(Map.of("JASYNCIO_TEST", "bar baz")));
            assertEquals("JASYNCIO_TEST=bar baz\n", text(proc.communicate().stdout()));
            Process inherited = createSubprocessShell("echo $HOME", SubprocessOptions.defaults().withStdout(PIPE));
            assertEquals(System.getenv("HOME"), text(inherited.communicate().stdout()).strip());
        });
    }

    @Test
    void programNotFound() throws Exception {
        // test_subprocess.test_popen_error: the error reaches the caller, nothing is left open
        int fds = Children.openFds();
        Asyncio.run(() -> {
            IOException e = assertThrows(IOException.class,
                    () -> createSubprocessExec("jasyncio-no-such-program", "x"));
            assertTrue(e.getMessage().contains("jasyncio-no-such-program"), e.getMessage());
        });
        assertTrue(Children.eventually(5, () -> Children.openFds() <= fds), "descriptors leaked");
    }

    @Test
    void badCommands() throws Exception {
        Asyncio.run(() -> {
            assertThrows(IllegalArgumentException.class, () -> createSubprocessExec(List.of(), SubprocessOptions.defaults()));
            assertThrows(IllegalArgumentException.class, () -> createSubprocessExec(""));
            assertThrows(IllegalArgumentException.class, () -> createSubprocessExec("echo", "a\0b"));
            assertThrows(IllegalArgumentException.class, () -> createSubprocessShell("echo \0"));
            assertThrows(NullPointerException.class, () -> createSubprocessExec(List.of("echo"), null));
        });
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> createSubprocessExec("true"));
        assertTrue(outside.getMessage().contains("loop") || outside.getMessage().contains("task"), outside.getMessage());
    }

    @Test
    void waitForTimesOutThenTheChildIsKilled() throws Exception {
        // waitFor(proc.await(), 0.5): the wait is cancelled, the child keeps running until killed
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("sleep", "100");
            double t0 = getRunningLoop().time();
            assertThrows(TimeoutError.class, () -> waitFor(proc::await, 0.5));
            double waited = getRunningLoop().time() - t0;
            assertTrue(waited >= 0.45 && waited < 10, "waited " + waited);
            assertNull(proc.returncode(), "the child still runs");
            assertTrue(ProcessHandle.of(proc.pid()).map(ProcessHandle::isAlive).orElse(false));
            proc.kill();
            assertEquals(-9, proc.await());
        });
    }

    @Test
    void cancelProcessWait() throws Exception {
        // test_subprocess.test_cancel_process_wait
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("sleep", "100");
            Task<Integer> task = createTask(proc::await);
            getRunningLoop().callSoon(task::cancel);
            assertThrows(org.jasyncio.CancelledError.class, task::await);
            proc.kill();
            assertEquals(-9, proc.await());
        });
    }

    @Test
    void readStdoutAfterProcessExit() throws Exception {
        // test_subprocess.test_read_stdout_after_process_exit: 256 KiB, read slowly after the exit
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("head -c 262144 /dev/zero; exit 1",
                    SubprocessOptions.defaults().withStdout(PIPE));
            int total = 0;
            while (true) {
                byte[] data = proc.stdout().read(65536);
                if (data.length == 0) {
                    break;
                }
                total += data.length;
                sleep(0.05);
            }
            assertEquals(262144, total);
            assertEquals(1, proc.await());
        });
    }

    @Test
    void childClosesStdoutEarly() throws Exception {
        // The reader sees end of file when the child closes stdout, long before the child exits.
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("echo first; exec 1>&-; sleep 0.5; exit 4",
                    SubprocessOptions.defaults().withStdout(PIPE));
            double t0 = getRunningLoop().time();
            assertEquals("first\n", text(proc.stdout().read()));
            double eofAt = getRunningLoop().time() - t0;
            assertTrue(proc.stdout().atEof());
            assertNull(proc.returncode(), "end of file came before the exit");
            assertEquals(4, proc.await());
            double exitAt = getRunningLoop().time() - t0;
            assertTrue(exitAt >= 0.45, "exit after the sleep: " + exitAt);
            assertTrue(eofAt < exitAt, "eof " + eofAt + " before exit " + exitAt);
        });
    }

    @Test
    void readlineStreamsOutputAsItComes() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("for i in 1 2 3; do echo line $i; sleep 0.2; done",
                    SubprocessOptions.defaults().withStdout(PIPE));
            double t0 = getRunningLoop().time();
            double[] at = new double[3];
            for (int i = 0; i < 3; i++) {
                assertEquals("line " + (i + 1) + "\n", text(proc.stdout().readline()));
                at[i] = getRunningLoop().time() - t0;
            }
            assertEquals(0, proc.stdout().read().length);
            assertEquals(0, proc.await());
            assertTrue(at[0] < 0.15 && at[2] - at[0] >= 0.35, "lines came as printed: " + java.util.Arrays.toString(at));
        });
    }

    @Test
    void stdinWaitClosed() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec(List.of("cat"), IN_OUT);
            proc.stdin().write("x".getBytes());
            proc.stdin().close();
            proc.stdin().waitClosed();
            assertEquals("x", text(proc.stdout().read()));
            assertEquals(0, proc.await());
        });
    }

    @Test
    void readersPauseWhenNobodyReadsSoTheChildBlocks() throws Exception {
        // test_subprocess.test_pause_reading, seen from outside: with a 1 KiB limit and nobody
        // reading stdout, the reader pauses the pipe and the child blocks in its write instead of
        // finishing; once read, everything arrives.
        Asyncio.run(() -> {
            Process proc = createSubprocessShell("head -c 2000000 /dev/zero; echo finished >&2",
                    SubprocessOptions.defaults().withStdout(PIPE).withStderr(PIPE).withLimit(1024));
            assertThrows(TimeoutError.class, () -> waitFor(() -> proc.stderr().readline(), 1.0));
            assertNull(proc.returncode(), "the child is blocked writing");
            CommunicateResult r = proc.communicate();
            assertEquals(2000000, r.stdout().length);
            assertEquals("finished\n", text(r.stderr()));
            assertEquals(0, proc.returncode());
        });
    }

    @Test
    void toStringShowsThePid() throws Exception {
        Asyncio.run(() -> {
            Process proc = createSubprocessExec("true");
            assertEquals("<Process " + proc.pid() + ">", proc.toString());
            proc.await();
        });
    }
}
