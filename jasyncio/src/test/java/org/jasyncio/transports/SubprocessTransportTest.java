package org.jasyncio.transports;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.LogCapture;
import org.jasyncio.Signal;
import org.jasyncio.TestLoops;
import org.jasyncio.subprocess.BrokenPipeError;
import org.jasyncio.subprocess.ProcessLookupError;
import org.jasyncio.subprocess.Stdio;
import org.jasyncio.subprocess.SubprocessOptions;
import org.junit.jupiter.api.Test;

/**
 * The loop-level API: subprocessExec/subprocessShell, SubprocessProtocol callbacks and their
 * order, SubprocessTransport and its pipe transports (CPython's test_subprocess transport tests
 * and test_events' subprocess tests).
 */
class SubprocessTransportTest {

    /** Records every callback (CPython's test_events.MySubprocessProtocol). */
    static final class Rec implements SubprocessProtocol {
        final List<String> events = new ArrayList<>();
        final Map<Integer, ByteArrayOutputStream> data = Map.of(1, new ByteArrayOutputStream(), 2,
                new ByteArrayOutputStream());
        final EventLoop loop = Asyncio.getRunningLoop();
        final Future<Void> connected = loop.createFuture();
        final Future<Void> completed = loop.createFuture();
        final Future<Void> exited = loop.createFuture();
        SubprocessTransport transport;
        Exception stdinError;

        @Override
        public void connectionMade(BaseTransport t) {
            events.add("connectionMade");
            transport = (SubprocessTransport) t;
            connected.setResult(null);
        }

        @Override
        public void pipeDataReceived(int fd, byte[] d) {
            if (!events.contains("data" + fd)) {
                events.add("data" + fd);
            }
            data.get(fd).writeBytes(d);
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            events.add("pipeConnectionLost" + fd + (exc == null ? "" : ":" + exc.getClass().getSimpleName()));
            if (fd == 0) {
                stdinError = exc;
            }
        }

        @Override
        public void processExited() {
            events.add("processExited");
            exited.setResult(null);
        }

        @Override
        public void pauseWriting() {
            events.add("pauseWriting");
        }

        @Override
        public void resumeWriting() {
            events.add("resumeWriting");
        }

        @Override
        public void connectionLost(Exception exc) {
            events.add("connectionLost" + (exc == null ? "" : ":" + exc));
            completed.setResult(null);
        }

        String out(int fd) {
            return data.get(fd).toString(UTF_8);
        }
    }

    @Test
    void subprocessExecEventOrder() throws Exception {
        // test_events.test_subprocess_exec: connectionMade first, connectionLost last, after the
        // exit and every pipe
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new,
                    List.of("sh", "-c", "cat; echo err >&2"));
            Rec p = c.protocol();
            assertSame(c.transport(), p.transport);
            assertEquals(List.of("connectionMade"), p.events, "connectionMade has run when subprocessExec returns");
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.write("Python The Winner".getBytes());
            stdin.close();
            p.completed.await();
            assertEquals("Python The Winner", p.out(1));
            assertEquals("err\n", p.out(2));
            assertEquals(0, c.transport().getReturncode());
            assertEquals("connectionMade", p.events.get(0));
            assertEquals("connectionLost", p.events.get(p.events.size() - 1));
            for (String e : List.of("pipeConnectionLost0", "pipeConnectionLost1", "pipeConnectionLost2",
                    "processExited", "data1", "data2")) {
                assertTrue(p.events.contains(e), e + " in " + p.events);
            }
            assertTrue(p.events.indexOf("data1") < p.events.indexOf("pipeConnectionLost1"), p.events.toString());
            assertEquals(8, p.events.size(), p.events.toString());
        });
    }

    @Test
    void subprocessShellWithOptions() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessShell(Rec::new, "echo $X; exit 3",
                    SubprocessOptions.pipes().withStdin(Stdio.DEVNULL).withStderr(Stdio.STDOUT)
                            .withEnv(Map.of("X", "from env")));
            assertNull(c.transport().getPipeTransport(0));
            assertInstanceOf(ReadTransport.class, c.transport().getPipeTransport(1));
            assertNull(c.transport().getPipeTransport(2), "stderr goes to stdout");
            assertNull(c.transport().getPipeTransport(3));
            c.protocol().completed.await();
            assertEquals("from env\n", c.protocol().out(1));
            assertEquals(3, c.transport().getReturncode());
            // The exit and the pipe's end race (as in asyncio); the rest of the order is fixed.
            List<String> events = new ArrayList<>(c.protocol().events);
            assertTrue(events.remove("processExited"), events.toString());
            assertEquals(List.of("connectionMade", "data1", "pipeConnectionLost1", "connectionLost"), events);
        });
    }

    @Test
    void noPipesAtAll() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("true"),
                    SubprocessOptions.defaults().withStdout(Stdio.DEVNULL));
            c.protocol().completed.await();
            assertEquals(List.of("connectionMade", "processExited", "connectionLost"), c.protocol().events);
            assertEquals(0, c.transport().getReturncode());
        });
    }

    @Test
    void returncodeIsNullUntilTheExitIsProcessed() throws Exception {
        // test_subprocess.test_proc_exited
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c", "sleep 0.2; exit 6"));
            assertNull(c.transport().getReturncode());
            c.protocol().exited.await();
            assertEquals(6, c.transport().getReturncode());
            c.protocol().completed.await();
            assertFalse(c.transport().isClosing());
            assertThrows(ProcessLookupError.class, () -> c.transport().sendSignal(Signal.SIGTERM));
            assertThrows(ProcessLookupError.class, c.transport()::terminate);
            assertThrows(ProcessLookupError.class, c.transport()::kill);
            c.transport().close();
            assertTrue(c.transport().isClosing());
        });
    }

    @Test
    void closeKillsARunningChild() throws Exception {
        // test_subprocess.test_close_kill_running, with the debug-mode warning
        try (var log = new LogCapture()) {
            Asyncio.run(() -> {
                getRunningLoop().setDebug(true);
                SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sleep", "100"));
                assertNull(c.transport().getReturncode());
                c.transport().close();
                assertTrue(c.transport().isClosing());
                c.protocol().completed.await();
                assertEquals(-9, c.transport().getReturncode());
                assertTrue(c.protocol().events.contains("processExited"));
            });
            assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("Close running child process: kill "
                    + "<ProcessTransport closed pid=")), log.messages().toString());
        }
    }

    @Test
    void closeDoesNotKillAFinishedChild() throws Exception {
        // test_subprocess.test_close_dont_kill_finished: the child exited, the loop was not told yet
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c", "sleep 0.2; exit 5"),
                    SubprocessOptions.defaults());
            java.lang.Process proc = (java.lang.Process) c.transport().getExtraInfo("subprocess");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (proc.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // spins without yielding: the loop cannot process the exit yet
            }
            assertNull(c.transport().getReturncode());
            c.transport().close();
            c.protocol().completed.await();
            assertEquals(5, c.transport().getReturncode(), "not killed: its own status");
        });
    }

    @Test
    void stdinFlowControlPausesAndResumesTheProtocol() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c",
                    "sleep 0.3; cat > /dev/null"));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            assertArrayEquals(new int[] {16 * 1024, 64 * 1024}, stdin.getWriteBufferLimits());
            stdin.write(new byte[1024 * 1024]);
            assertEquals(1024 * 1024, stdin.getWriteBufferSize());
            assertEquals(List.of("connectionMade", "pauseWriting"), c.protocol().events);
            while (stdin.getWriteBufferSize() > 0) {
                sleep(0.01);
            }
            assertTrue(c.protocol().events.contains("resumeWriting"), c.protocol().events.toString());
            stdin.setWriteBufferLimits(-1, 100);
            assertArrayEquals(new int[] {100, 400}, stdin.getWriteBufferLimits());
            assertThrows(IllegalArgumentException.class, () -> stdin.setWriteBufferLimits(1, 2));
            stdin.writeEof();
            assertTrue(stdin.isClosing());
            assertTrue(stdin.canWriteEof());
            assertThrows(IllegalStateException.class, () -> stdin.write("x".getBytes()));
            c.protocol().completed.await();
            assertEquals(0, c.transport().getReturncode());
        });
    }

    @Test
    void stdinWritesOfEveryShape() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("cat"));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.write("a".getBytes());
            stdin.write("xbcx".getBytes(), 1, 2);
            stdin.write(java.nio.ByteBuffer.wrap("d".getBytes()));
            stdin.writelines(List.of("e".getBytes(), "f".getBytes()));
            stdin.write(new byte[0]);
            assertThrows(IndexOutOfBoundsException.class, () -> stdin.write(new byte[2], 1, 5));
            stdin.close();
            assertThrows(IllegalStateException.class, () -> stdin.write("x".getBytes()), "write after close");
            c.protocol().completed.await();
            assertEquals("abcdef", c.protocol().out(1));
        });
    }

    @Test
    void abortDropsWhatIsBuffered() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c",
                    "sleep 0.2; wc -c"));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.write(new byte[1024 * 1024]);
            stdin.abort();
            assertEquals(0, stdin.getWriteBufferSize());
            assertThrows(IllegalStateException.class, () -> stdin.write("x".getBytes()));
            c.protocol().completed.await();
            int counted = Integer.parseInt(c.protocol().out(1).strip());
            assertTrue(counted < 1024 * 1024, "the child read less than was written: " + counted);
        });
    }

    @Test
    void stdinBrokenWhileTheChildDoesNotRead() throws Exception {
        // The child exits with bytes still queued for it: pipeConnectionLost(0, BrokenPipeError)
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sleep", "0.2"),
                    SubprocessOptions.defaults().withStdin(Stdio.PIPE));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.write(new byte[4 * 1024 * 1024]);
            c.protocol().completed.await();
            assertInstanceOf(BrokenPipeError.class, c.protocol().stdinError);
            assertTrue(c.protocol().events.contains("pipeConnectionLost0:BrokenPipeError"), c.protocol().events.toString());
            for (int i = 0; i < 7; i++) {
                stdin.write("dropped".getBytes()); // after the loss: dropped, as asyncio does
            }
        });
    }

    @Test
    void pauseReadingStopsTheChildsOutput() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c",
                    "head -c 1000000 /dev/zero; echo done >&2"));
            ReadTransport out = (ReadTransport) c.transport().getPipeTransport(1);
            assertTrue(out.isReading());
            out.pauseReading();
            out.pauseReading();
            assertFalse(out.isReading());
            sleep(0.5);
            int seen = c.protocol().data.get(1).size();
            assertTrue(seen < 1000000, "paused: " + seen);
            assertNull(c.transport().getReturncode(), "the child is blocked in its write");
            sleep(0.2);
            assertEquals(seen, c.protocol().data.get(1).size(), "nothing more while paused");
            out.resumeReading();
            out.resumeReading();
            assertTrue(out.isReading());
            c.protocol().completed.await();
            assertEquals(1000000, c.protocol().data.get(1).size());
            assertEquals("done\n", c.protocol().out(2));
        });
    }

    @Test
    void closingAReadPipeStopsItsData() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c",
                    "echo first; sleep 0.3; yes"));
            ReadTransport out = (ReadTransport) c.transport().getPipeTransport(1);
            while (c.protocol().data.get(1).size() == 0) {
                sleep(0.01);
            }
            out.close();
            assertTrue(out.isClosing());
            assertFalse(out.isReading());
            sleep(0);
            assertTrue(c.protocol().events.contains("pipeConnectionLost1"));
            int seen = c.protocol().data.get(1).size();
            // yes gets SIGPIPE on its next write: close() closed the pipe
            c.protocol().completed.await();
            assertEquals(seen, c.protocol().data.get(1).size(), "no data after close");
            assertNotEquals(0, c.transport().getReturncode());
        });
    }

    @Test
    void protocolErrorsGoToTheExceptionHandler() throws Exception {
        Asyncio.run(() -> {
            TestLoops.Collector handler = new TestLoops.Collector();
            getRunningLoop().setExceptionHandler(handler);
            final class Failing implements SubprocessProtocol {
                final Future<Void> done = getRunningLoop().createFuture();

                @Override
                public void pipeDataReceived(int fd, byte[] data) {
                    throw new IllegalStateException("boom");
                }

                @Override
                public void connectionLost(Exception exc) {
                    done.setResult(null);
                }
            }
            // the child writes its second line only once the first failure was reported: a pipe
            // read returns whatever the pipe holds, so two quick lines could come as one chunk
            SubprocessConnection<Failing> c = getRunningLoop().subprocessExec(Failing::new,
                    List.of("sh", "-c", "echo a; read x; echo b"), SubprocessOptions.pipes());
            while (handler.messages().isEmpty()) {
                sleep(0.01);
            }
            ((WriteTransport) c.transport().getPipeTransport(0)).write("\n".getBytes(UTF_8));
            c.protocol().done.await();
            assertEquals(0, c.transport().getReturncode(), "the process went on");
            assertEquals(2, handler.messages().size(), handler.messages().toString());
            assertEquals("Exception in Failing.pipeDataReceived()", handler.messages().get(0));
            assertEquals("boom", handler.contexts().get(0).exception().getMessage());
        });
    }

    @Test
    void sendSignalDeliversTheSignal() throws Exception {
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sh", "-c",
                    "trap 'echo got USR1; exit 0' USR1; echo ready; while true; do sleep 0.05; done"));
            while (!c.protocol().out(1).contains("ready")) {
                sleep(0.01);
            }
            c.transport().sendSignal(Signal.SIGUSR1);
            c.protocol().completed.await();
            assertEquals("ready\ngot USR1\n", c.protocol().out(1));
            assertEquals(0, c.transport().getReturncode());
        });
    }

    @Test
    void extraInfoProtocolsAndToString() throws Exception {
        // test_subprocess.test_subprocess_repr
        Asyncio.run(() -> {
            SubprocessConnection<Rec> c = getRunningLoop().subprocessExec(Rec::new, List.of("sleep", "100"));
            SubprocessTransport t = c.transport();
            java.lang.Process proc = (java.lang.Process) t.getExtraInfo("subprocess");
            assertEquals(t.getPid(), proc.pid());
            assertNull(t.getExtraInfo("peername"));
            assertEquals("x", t.getExtraInfo("nothing", "x"));
            assertNull(t.getPipeTransport(0).getExtraInfo("anything"));
            assertSame(c.protocol(), t.getProtocol());
            assertSame(c.protocol(), t.getPipeTransport(1).getProtocol());
            assertThrows(IllegalArgumentException.class, () -> t.setProtocol(new Protocol() { }));
            assertThrows(IllegalArgumentException.class, () -> t.getPipeTransport(1).setProtocol(c.protocol()));
            assertTrue(t.toString().startsWith("<ProcessTransport pid=" + t.getPid() + " running stdin=<WritePipeTransport"),
                    t.toString());
            Rec other = new Rec();
            t.setProtocol(other);
            assertSame(other, t.getProtocol());
            t.close();
            other.completed.await();
            assertEquals("<ProcessTransport closed pid=" + t.getPid() + " returncode=-9 stdin=<WritePipeTransport pid="
                    + t.getPid() + " fd=0 closed> stdout=<ReadPipeTransport pid=" + t.getPid() + " fd=1 closed> "
                    + "stderr=<ReadPipeTransport pid=" + t.getPid() + " fd=2 closed>>", t.toString());
        });
    }

    @Test
    void outsideATaskIsRefused() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> loop.subprocessExec(Rec::new, List.of("true")));
            assertTrue(e.getMessage().startsWith("subprocessExec() can only be called inside a task"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> loop.subprocessShell(Rec::new, "true"));
        }
    }

    @Test
    void aFactoryThatFailsStartsNothing() throws Exception {
        Asyncio.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> getRunningLoop()
                    .subprocessExec(() -> {
                        throw new IllegalStateException("no protocol");
                    }, List.of("sleep", "1006")));
            assertEquals("no protocol", e.getMessage());
            assertThrows(NullPointerException.class, () -> getRunningLoop().subprocessExec(() -> null,
                    List.of("sleep", "1006")));
            assertEquals(0, ProcessHandle.current().children().filter(h -> h.info().commandLine().orElse("")
                    .contains("sleep 1006")).count(), "the factory runs before the child starts");
        });
    }
}
