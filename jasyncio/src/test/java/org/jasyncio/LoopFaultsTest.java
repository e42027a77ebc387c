package org.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jasyncio.internal.Faults;
import org.jasyncio.internal.IoHandler;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Test;

/**
 * No fault stops the loop: a callback, a done-callback or an I/O handler whose failure cannot
 * even be reported (its description throws, the logger throws) is contained, and the loop
 * runs what comes next.
 */
class LoopFaultsTest {

    /** A callback that fails, and whose description fails too: the report cannot be built. */
    static final class Undescribable implements Runnable, Consumer<Future<?>> {
        @Override
        public void run() {
            throw new IllegalStateException("the callback failed");
        }

        @Override
        public void accept(Future<?> f) {
            run();
        }

        @Override
        public String toString() {
            throw new OutOfMemoryError("simulated: no memory left to describe the callback");
        }
    }

    /** A log handler that fails the way a full heap or a process out of descriptors makes it fail. */
    static final class FailingLog extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("org.jasyncio");

        FailingLog() {
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            throw new NoClassDefFoundError("simulated: the log record's classes cannot be loaded");
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    /** Captures what {@link Faults#unreported} writes to stderr. */
    static final class Stderr implements AutoCloseable {
        private final PrintStream saved = System.err;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Stderr() {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            System.setErr(saved);
        }
    }

    @Test
    void aLoopPreloadsItsErrorPath() {
        EventLoop loop = TestLoops.virtualTimeLoop();
        loop.close();
        assertTrue(Faults.preloaded());
    }

    @Test
    void callbackWhoseReportCannotBeBuiltDoesNotStopTheLoop() {
        EventLoop loop = TestLoops.virtualTimeLoop();
        AtomicBoolean next = new AtomicBoolean();
        try (Stderr err = new Stderr()) {
            loop.callSoon(new Undescribable());
            loop.callSoon(() -> next.set(true));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertTrue(next.get(), "the callback after the failing one ran");
            assertTrue(err.text().contains("the callback failed"), err.text());
            assertTrue(err.text().contains("simulated: no memory left"), err.text());
        } finally {
            loop.close();
        }
    }

    @Test
    void doneCallbackWhoseReportCannotBeBuiltDoesNotStopTheLoop() {
        EventLoop loop = TestLoops.virtualTimeLoop();
        AtomicBoolean next = new AtomicBoolean();
        try (Stderr err = new Stderr()) {
            Future<String> f = loop.createFuture();
            f.addDoneCallback(new Undescribable());
            f.addDoneCallback(x -> next.set(true));
            f.setResult("done");
            loop.callSoon(() -> loop.callSoon(loop::stop));
            loop.runForever();
            assertTrue(next.get(), "the done-callback after the failing one ran");
            assertTrue(err.text().contains("the callback failed"), err.text());
        } finally {
            loop.close();
        }
    }

    @Test
    void failingLoggerDoesNotStopTheLoop() throws Exception {
        EventLoop loop = TestLoops.virtualTimeLoop();
        List<String> ran = new ArrayList<>();
        try (Stderr err = new Stderr(); FailingLog log = new FailingLog()) {
            loop.callSoon(() -> {
                throw new IllegalStateException("first failure");
            });
            loop.callSoon(() -> ran.add("second"));
            loop.callSoon(() -> {
                throw new IllegalStateException("third failure");
            });
            loop.callSoon(() -> ran.add("fourth"));
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(List.of("second", "fourth"), ran);
            assertTrue(err.text().contains("first failure"), err.text());
            assertTrue(err.text().contains("third failure"), err.text());
            // the loop still runs tasks afterwards
            assertEquals("ok", loop.runUntilComplete(() -> {
                Asyncio.sleep(0.1);
                return "ok";
            }));
        } finally {
            loop.close();
        }
    }

    @Test
    void failingExceptionHandlerAndLoggerDoNotStopTheLoop() throws Exception {
        EventLoop loop = TestLoops.virtualTimeLoop();
        loop.setExceptionHandler((l, c) -> {
            throw new StackOverflowError("simulated: the handler overflowed");
        });
        try (Stderr err = new Stderr(); FailingLog log = new FailingLog()) {
            Task<String> t = loop.createTask(() -> {
                Asyncio.getRunningLoop().callSoon(() -> {
                    throw new IllegalArgumentException("a callback failed");
                });
                Asyncio.sleep(1);
                return "survived";
            });
            assertEquals("survived", loop.runUntilComplete(t));
            assertTrue(err.text().contains("a callback failed"), err.text());
        } finally {
            loop.close();
        }
    }

    @Test
    void ioHandlerThatThrowsIsReleasedAndReportedOnce() throws Exception {
        EventLoop loop = TestLoops.virtualTimeLoop();
        TestLoops.Collector handler = new TestLoops.Collector();
        loop.setExceptionHandler(handler);
        Pipe pipe = Pipe.open();
        List<Throwable> released = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("the handler failed");
        try {
            pipe.source().configureBlocking(false);
            SelectionKey key = IoLoop.of(loop).register(pipe.source(), SelectionKey.OP_READ, new IoHandler() {
                @Override
                public void ready(SelectionKey k) {
                    throw boom;
                }

                @Override
                public void failed(Throwable error) {
                    released.add(error);
                    try {
                        pipe.source().close(); // what a transport does: no descriptor outlives the failure
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            String r = loop.runUntilComplete(() -> {
                for (int i = 0; i < 10 && released.isEmpty(); i++) {
                    Asyncio.sleep(0);
                }
                Asyncio.sleep(0.5); // the channel is closed: no further readiness, no further report
                return "went on";
            });
            assertEquals("went on", r);
            assertEquals(List.of(boom), released);
            assertFalse(key.isValid());
            List<ExceptionContext> reports = handler.contexts();
            assertEquals(1, reports.size(), reports.toString());
            assertSame(boom, reports.get(0).exception());
            assertTrue(reports.get(0).message().startsWith("Exception in I/O handler"), reports.get(0).message());
        } finally {
            loop.close();
            pipe.sink().close();
            pipe.source().close();
        }
    }

    /** Echoes, but fails on data starting with 'x'. */
    static final class FailsOnX implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] data) {
            if (data[0] == 'x') {
                throw new IllegalStateException("the protocol failed");
            }
            transport.write(data);
        }
    }

    @Test
    void protocolFailureWhoseReportFailsStillClosesTheConnection() throws Exception {
        try (Stderr err = new Stderr(); FailingLog log = new FailingLog()) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                loop.setExceptionHandler((l, c) -> {
                    throw new OutOfMemoryError("simulated: the handler ran out of memory");
                });
                try (Server s = loop.createServer(FailsOnX::new, "127.0.0.1", 0)) {
                    int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                    StreamPair bad = Streams.openConnection("127.0.0.1", port);
                    bad.writer().write("x".getBytes(StandardCharsets.UTF_8));
                    assertEquals(0, Asyncio.waitFor((Coroutine<byte[]>) () -> bad.reader().read(), 5).length,
                            "the failing connection is closed");
                    bad.writer().close();
                    StreamPair good = Streams.openConnection("127.0.0.1", port);
                    good.writer().write("hello".getBytes(StandardCharsets.UTF_8));
                    byte[] echoed = Asyncio.waitFor((Coroutine<byte[]>) () -> good.reader().readExactly(5), 5);
                    assertEquals("hello", new String(echoed, StandardCharsets.UTF_8), "a new client is served");
                    good.writer().close();
                    for (int i = 0; i < 100 && s.activeConnections() > 0; i++) {
                        Asyncio.sleep(0.01);
                    }
                    assertEquals(0, s.activeConnections());
                }
            });
            assertTrue(err.text().contains("the protocol failed"), err.text());
        }
    }
}
