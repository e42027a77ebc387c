package org.jasyncio.cpython;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.TestLoops;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadPipeConnection;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.transports.WritePipeConnection;
import org.jasyncio.transports.WriteTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipe tests of CPython's test_events.py ({@code EventLoopTestsMixin}): connect_read_pipe and
 * connect_write_pipe over a real {@link Pipe} (asyncio's {@code os.pipe()}), driven from the test
 * thread with {@code runUntilComplete} and {@code runUntil} as in CPython. The pty tests have no
 * Java counterpart (the JDK cannot open a pseudo-terminal).
 */
class TestEventsPipes {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        if (!loop.isClosed()) {
            TestLoops.runOnce(loop);
            loop.close();
        }
    }

    private void runUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 10 s");
            }
            TestLoops.runOnce(loop);
        }
    }

    /** test_events.MyReadPipeProto: checks the order of the calls as it goes. */
    static final class MyReadPipeProto implements Protocol {
        final List<String> state = new ArrayList<>(List.of("INITIAL"));
        int nbytes;
        BaseTransport transport;
        final Future<Void> done;

        MyReadPipeProto(EventLoop loop) {
            done = loop == null ? null : loop.createFuture();
        }

        private void assertState(String... expected) {
            assertEquals(List.of(expected), state);
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = t;
            assertState("INITIAL");
            state.add("CONNECTED");
        }

        @Override
        public void dataReceived(byte[] data) {
            assertState("INITIAL", "CONNECTED");
            nbytes += data.length;
        }

        @Override
        public boolean eofReceived() {
            assertState("INITIAL", "CONNECTED");
            state.add("EOF");
            return false;
        }

        @Override
        public void connectionLost(Exception exc) {
            if (!state.contains("EOF")) {
                state.add("EOF"); // it is okay if EOF is missed
            }
            assertState("INITIAL", "CONNECTED", "EOF");
            state.add("CLOSED");
            if (done != null) {
                done.setResult(null);
            }
        }
    }

    /** test_events.MyWritePipeProto. */
    static final class MyWritePipeProto implements BaseProtocol {
        String state = "INITIAL";
        BaseTransport transport;
        Exception lostWith;
        final Future<Void> done;

        MyWritePipeProto(EventLoop loop) {
            done = loop == null ? null : loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = t;
            assertEquals("INITIAL", state);
            state = "CONNECTED";
        }

        @Override
        public void connectionLost(Exception exc) {
            assertEquals("CONNECTED", state);
            state = "CLOSED";
            lostWith = exc;
            if (done != null) {
                done.setResult(null);
            }
        }
    }

    // CPython: test_events.py::EventLoopTestsMixin::test_read_pipe
    @Test
    void testReadPipe() throws Exception {
        MyReadPipeProto proto = new MyReadPipeProto(loop);
        Pipe pipe = Pipe.open();
        loop.runUntilComplete(() -> {
            ReadPipeConnection<MyReadPipeProto> c = loop.connectReadPipe(() -> proto, pipe.source());
            assertSame(proto, c.protocol());
            assertSame(c.transport(), proto.transport);
            assertEquals(List.of("INITIAL", "CONNECTED"), proto.state);
            assertEquals(0, proto.nbytes);
            return null;
        });

        pipe.sink().write(ByteBuffer.wrap(new byte[] {'1'}));
        runUntil(() -> proto.nbytes >= 1);
        assertEquals(1, proto.nbytes);

        pipe.sink().write(ByteBuffer.wrap("2345".getBytes()));
        runUntil(() -> proto.nbytes >= 5);
        assertEquals(List.of("INITIAL", "CONNECTED"), proto.state);
        assertEquals(5, proto.nbytes);

        pipe.sink().close();
        loop.runUntilComplete(proto.done);
        assertEquals(List.of("INITIAL", "CONNECTED", "EOF", "CLOSED"), proto.state);
        // extra info is available
        assertSame(pipe.source(), proto.transport.getExtraInfo("pipe"));
        assertFalse(pipe.source().isOpen(), "the transport closed the pipe at its end");
    }

    // CPython: test_events.py::EventLoopTestsMixin::test_unclosed_pipe_transport
    @Test
    void testUnclosedPipeTransport() throws Exception {
        // Issue #314 on GitHub: repr() of pipe transports left open by a closed loop
        EventLoop other = Asyncio.newEventLoop();
        MyReadPipeProto readProto = new MyReadPipeProto(other);
        MyWritePipeProto writeProto = new MyWritePipeProto(other);
        Pipe pipe = Pipe.open();
        BaseTransport[] t = other.runUntilComplete(() -> new BaseTransport[] {
            other.connectReadPipe(() -> readProto, pipe.source()).transport(),
            other.connectWritePipe(() -> writeProto, pipe.sink()).transport()});
        other.close();

        // toString() works; the loop's close stopped the pumps and told no protocol
        assertTrue(t[0].toString().contains("ReadPipeTransport"), t[0].toString());
        assertTrue(t[1].toString().contains("WritePipeTransport"), t[1].toString());
        assertEquals(List.of("INITIAL", "CONNECTED"), readProto.state);
        assertEquals("CONNECTED", writeProto.state);
        assertFalse(pipe.source().isOpen(), "loop close released the read end");
        pipe.sink().close();
    }

    // CPython: test_events.py::EventLoopTestsMixin::test_write_pipe
    @Test
    void testWritePipe() throws Exception {
        Pipe pipe = Pipe.open();
        MyWritePipeProto proto = new MyWritePipeProto(loop);
        WritePipeConnection<MyWritePipeProto> c = loop.runUntilComplete(
                () -> loop.connectWritePipe(() -> proto, pipe.sink()));
        WriteTransport transport = c.transport();
        assertSame(proto, c.protocol());
        assertSame(transport, proto.transport);
        assertEquals("CONNECTED", proto.state);

        transport.write(new byte[] {'1'});
        // os.read(rpipe) in CPython: a blocking read, here in a thread while the loop runs
        StringBuilder data = new StringBuilder();
        readAtLeast(pipe, data, 1);
        assertEquals("1", data.toString());

        transport.write("2345".getBytes());
        readAtLeast(pipe, data, 5);
        assertEquals("12345", data.toString());
        assertEquals("CONNECTED", proto.state);

        pipe.source().close();

        // extra info is available
        assertSame(pipe.sink(), proto.transport.getExtraInfo("pipe"));

        // close connection
        proto.transport.close();
        loop.runUntilComplete(proto.done);
        assertEquals("CLOSED", proto.state);
        assertNull(proto.lostWith, "nothing was pending: a clean close");
    }

    private void readAtLeast(Pipe pipe, StringBuilder data, int n) throws Exception {
        loop.runUntilComplete(() -> Asyncio.toThread(() -> {
            ByteBuffer b = ByteBuffer.allocate(1024);
            while (data.length() < n) {
                b.clear();
                int r = pipe.source().read(b);
                data.append(new String(b.array(), 0, r));
            }
            return null;
        }));
    }

    // CPython: test_events.py::EventLoopTestsMixin::test_write_pipe_disconnect_on_close
    @Test
    void testWritePipeDisconnectOnClose(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s");
        SocketChannel rsock;
        SocketChannel wsock;
        try (ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            l.bind(UnixDomainSocketAddress.of(path));
            wsock = SocketChannel.open(UnixDomainSocketAddress.of(path));
            rsock = l.accept();
        }
        Files.delete(path);
        MyWritePipeProto proto = new MyWritePipeProto(loop);
        WritePipeConnection<MyWritePipeProto> c = loop.runUntilComplete(
                () -> loop.connectWritePipe(() -> proto, wsock));
        assertSame(proto, c.protocol());
        assertSame(c.transport(), proto.transport);
        assertEquals("CONNECTED", proto.state);

        c.transport().write(new byte[] {'1'});
        ByteBuffer b = ByteBuffer.allocate(1024);
        loop.runUntilComplete(() -> Asyncio.toThread(() -> rsock.read(b)));
        assertEquals(1, b.position());
        assertEquals('1', b.get(0));

        rsock.close();

        // the selector sees the write end readable: the reader is gone
        loop.runUntilComplete(proto.done);
        assertEquals("CLOSED", proto.state);
        assertNull(proto.lostWith, "nothing was pending");
        assertFalse(wsock.isOpen());
    }

    @Test
    void readTransportIsAReadTransportAndWriteAWriteTransport() throws Exception {
        Pipe pipe = Pipe.open();
        loop.runUntilComplete(() -> {
            ReadTransport r = loop.connectReadPipe(() -> new MyReadPipeProto(null), pipe.source()).transport();
            WriteTransport w = loop.connectWritePipe(() -> new MyWritePipeProto(null), pipe.sink()).transport();
            assertTrue(r.isReading());
            assertTrue(w.canWriteEof());
            r.close();
            w.close();
            return null;
        });
    }
}
