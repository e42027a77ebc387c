package org.jasyncio.cpython;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.jasyncio.Asyncio.getRunningLoop;
import static org.jasyncio.cpython.SubprocessPrograms.ECHO;
import static org.jasyncio.cpython.SubprocessPrograms.ECHO2;
import static org.jasyncio.cpython.SubprocessPrograms.ECHO3;
import static org.jasyncio.cpython.SubprocessPrograms.python;
import static org.jasyncio.subprocess.Subprocess.STDOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Signal;
import org.jasyncio.locks.Event;
import org.jasyncio.subprocess.SubprocessOptions;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.transports.SubprocessConnection;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.SubprocessTransport;
import org.jasyncio.transports.WriteTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subprocess tests of CPython's test_asyncio/test_events.py ({@code SubprocessTestsMixin},
 * run there once per event loop class, ported once): the loop's {@code subprocessExec} and
 * {@code subprocessShell} with a protocol that checks the order of its callbacks
 * ({@code MySubprocessProtocol}). The children are python3 running CPython's echo.py, echo2.py
 * and echo3.py (given with {@code -c}), and sh.
 *
 * <p>As in CPython, the test drives its loop step by step with {@code runUntilComplete}; the
 * clock is real, since the children answer from other threads (see {@link TestSubprocess}).
 */
class TestEventsSubprocess {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /**
     * CPython's MySubprocessProtocol: a state machine INITIAL, CONNECTED, CLOSED that fails on a
     * callback out of order, and futures and events the tests wait on.
     */
    static final class MySubprocessProtocol implements SubprocessProtocol {
        String state = "INITIAL";
        SubprocessTransport transport;
        final Future<Void> connected;
        final Future<Void> completed;
        final Map<Integer, Future<Void>> disconnects;
        final Map<Integer, ByteArrayOutputStream> data = Map.of(1, new ByteArrayOutputStream(),
                2, new ByteArrayOutputStream());
        Integer returncode;
        final Map<Integer, Event> gotData = Map.of(1, new Event(), 2, new Event());

        MySubprocessProtocol(EventLoop loop) {
            connected = loop.createFuture();
            completed = loop.createFuture();
            disconnects = Map.of(0, loop.createFuture(), 1, loop.createFuture(), 2, loop.createFuture());
        }

        private void assertState(String expected) {
            if (!state.equals(expected)) {
                throw new AssertionError("state: '" + state + "', expected: '" + expected + "'");
            }
        }

        String data(int fd) {
            return data.get(fd).toString(US_ASCII);
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            this.transport = (SubprocessTransport) transport;
            assertState("INITIAL");
            state = "CONNECTED";
            connected.setResult(null);
        }

        @Override
        public void connectionLost(Exception exc) {
            assertState("CONNECTED");
            state = "CLOSED";
            completed.setResult(null);
        }

        @Override
        public void pipeDataReceived(int fd, byte[] bytes) {
            assertState("CONNECTED");
            data.get(fd).writeBytes(bytes);
            gotData.get(fd).set();
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            assertState("CONNECTED");
            if (exc != null) {
                disconnects.get(fd).setException(exc);
            } else {
                disconnects.get(fd).setResult(null);
            }
        }

        @Override
        public void processExited() {
            assertState("CONNECTED");
            returncode = transport.getReturncode();
        }
    }

    private static void checkTerminated(Integer returncode) {
        assertEquals(-Signal.SIGTERM.number(), returncode);
    }

    private static void checkKilled(Integer returncode) {
        assertEquals(-Signal.SIGKILL.number(), returncode);
    }

    /** {@code loop.subprocess_exec(MySubprocessProtocol, *command)}: three pipes. */
    private SubprocessConnection<MySubprocessProtocol> exec(List<String> command) throws Exception {
        return loop.runUntilComplete(() -> getRunningLoop().subprocessExec(() -> new MySubprocessProtocol(loop),
                command));
    }

    private SubprocessConnection<MySubprocessProtocol> exec(List<String> command, SubprocessOptions options)
            throws Exception {
        return loop.runUntilComplete(() -> getRunningLoop().subprocessExec(() -> new MySubprocessProtocol(loop),
                command, options));
    }

    private SubprocessConnection<MySubprocessProtocol> shell(String cmd, SubprocessOptions options) throws Exception {
        return loop.runUntilComplete(() -> getRunningLoop().subprocessShell(() -> new MySubprocessProtocol(loop),
                cmd, options));
    }

    private void awaitEvent(Event event) throws Exception {
        loop.runUntilComplete(event::await);
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_exec
    @Test
    void testSubprocessExec() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);
        assertEquals("CONNECTED", proto.state);

        WriteTransport stdin = (WriteTransport) transp.getPipeTransport(0);
        stdin.write("Python The Winner".getBytes(US_ASCII));
        awaitEvent(proto.gotData.get(1));
        transp.close();
        loop.runUntilComplete(proto.completed);
        checkKilled(proto.returncode);
        assertEquals("Python The Winner", proto.data(1));
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_interactive
    @Test
    void testSubprocessInteractive() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);
        assertEquals("CONNECTED", proto.state);

        WriteTransport stdin = (WriteTransport) transp.getPipeTransport(0);
        stdin.write("Python ".getBytes(US_ASCII));
        awaitEvent(proto.gotData.get(1));
        proto.gotData.get(1).clear();
        assertEquals("Python ", proto.data(1));

        stdin.write("The Winner".getBytes(US_ASCII));
        awaitEvent(proto.gotData.get(1));
        assertEquals("Python The Winner", proto.data(1));

        transp.close();
        loop.runUntilComplete(proto.completed);
        checkKilled(proto.returncode);
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_shell
    @Test
    void testSubprocessShell() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = shell("echo Python", SubprocessOptions.pipes());
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        transp.getPipeTransport(0).close();
        loop.runUntilComplete(proto.completed);
        assertEquals(0, proto.returncode);
        assertTrue(proto.disconnects.values().stream().allMatch(Future::done));
        assertEquals("Python", proto.data(1).replaceAll("[\r\n]+$", ""));
        assertEquals("", proto.data(2));
        transp.close();
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_exitcode
    @Test
    void testSubprocessExitcode() throws Exception {
        // stdin=None, stdout=None, stderr=None: inherited
        SubprocessConnection<MySubprocessProtocol> c = shell("exit 7", SubprocessOptions.defaults());
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.completed);
        assertEquals(7, proto.returncode);
        transp.close();
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_close_after_finish
    @Test
    void testSubprocessCloseAfterFinish() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = shell("exit 7", SubprocessOptions.defaults());
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        assertNull(transp.getPipeTransport(0));
        assertNull(transp.getPipeTransport(1));
        assertNull(transp.getPipeTransport(2));
        loop.runUntilComplete(proto.completed);
        assertEquals(7, proto.returncode);
        // Deviation: close() is void in Java; CPython asserts it returns None.
        transp.close();
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_kill
    @Test
    void testSubprocessKill() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        transp.kill();
        loop.runUntilComplete(proto.completed);
        checkKilled(proto.returncode);
        transp.close();
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_terminate
    @Test
    void testSubprocessTerminate() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        transp.terminate();
        loop.runUntilComplete(proto.completed);
        checkTerminated(proto.returncode);
        transp.close();
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_send_signal
    @Test
    void testSubprocessSendSignal() throws Exception {
        // CPython first resets SIGHUP to SIG_DFL in the parent, whose disposition the child would
        // inherit; the JVM handles SIGHUP (handled signals are reset by exec), so there is
        // nothing to reset.
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        transp.sendSignal(Signal.SIGHUP);
        loop.runUntilComplete(proto.completed);
        assertEquals(-Signal.SIGHUP.number(), proto.returncode);
        transp.close();
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_stderr
    @Test
    void testSubprocessStderr() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO2));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        WriteTransport stdin = (WriteTransport) transp.getPipeTransport(0);
        stdin.write("test".getBytes(US_ASCII));

        loop.runUntilComplete(proto.completed);

        transp.close();
        assertEquals("OUT:test", proto.data(1));
        assertTrue(proto.data(2).startsWith("ERR:test"), proto.data(2));
        assertEquals(0, proto.returncode);
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_stderr_redirect_to_stdout
    @Test
    void testSubprocessStderrRedirectToStdout() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO2),
                SubprocessOptions.pipes().withStderr(STDOUT));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        WriteTransport stdin = (WriteTransport) transp.getPipeTransport(0);
        assertNotNull(transp.getPipeTransport(1));
        assertNull(transp.getPipeTransport(2));

        stdin.write("test".getBytes(US_ASCII));
        loop.runUntilComplete(proto.completed);
        assertTrue(proto.data(1).startsWith("OUT:testERR:test"), proto.data(1));
        assertEquals("", proto.data(2));

        transp.close();
        assertEquals(0, proto.returncode);
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_close_client_stream
    @Test
    void testSubprocessCloseClientStream() throws Exception {
        SubprocessConnection<MySubprocessProtocol> c = exec(python(ECHO3));
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.connected);

        WriteTransport stdin = (WriteTransport) transp.getPipeTransport(0);
        ReadTransport stdout = (ReadTransport) transp.getPipeTransport(1);
        stdin.write("test".getBytes(US_ASCII));
        awaitEvent(proto.gotData.get(1));
        assertEquals("OUT:test", proto.data(1));

        stdout.close();
        loop.runUntilComplete(proto.disconnects.get(1));
        stdin.write("xxx".getBytes(US_ASCII));
        awaitEvent(proto.gotData.get(2));
        assertEquals("ERR:BrokenPipeError", proto.data(2));
        transp.close();
        loop.runUntilComplete(proto.completed);
        checkKilled(proto.returncode);
    }

    // CPython: test_events.py::SubprocessTestsMixin::test_subprocess_wait_no_same_group
    @Test
    void testSubprocessWaitNoSameGroup() throws Exception {
        // start the new process in a new session
        // Deviation: ProcessBuilder has no start_new_session; setsid(1) puts the child in a new
        // session from inside (dash replaces itself with setsid, which calls setsid() and runs
        // the command in the same process).
        SubprocessConnection<MySubprocessProtocol> c = shell("setsid sh -c 'exit 7'", SubprocessOptions.defaults());
        SubprocessTransport transp = c.transport();
        MySubprocessProtocol proto = c.protocol();
        assertInstanceOf(MySubprocessProtocol.class, proto);
        loop.runUntilComplete(proto.completed);
        assertEquals(7, proto.returncode);
        transp.close();
    }
}
