package org.jasyncio.streams;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;
import org.jasyncio.transports.WriteTransport;
import org.junit.jupiter.api.Test;

/** StreamWriter's surface over a real connection (CPython test_streams StreamWriter tests). */
class StreamWriterTest {

    @Test
    void writerSurface() throws Exception {
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                StreamPair s = Streams.openConnection("127.0.0.1", port);
                StreamWriter w = s.writer();
                w.write("abc".getBytes(), 1, 2);
                w.writelines(List.of("d".getBytes(), "\n".getBytes()));
                assertEquals("bcd\n", new String(s.reader().readline()));
                assertEquals("fallback", w.getExtraInfo("no such thing", "fallback"));
                assertNotNull(w.getExtraInfo("sockname"));
                assertTrue(w.transport() instanceof Transport);
                assertTrue(w.toString().contains("StreamWriter"));
                assertEquals(65536, ((WriteTransport) w.transport()).getWriteBufferLimits()[1]);
                w.close();
                w.close(); // twice does nothing
                w.waitClosed();
                assertTrue(w.isClosing());
            }
        });
    }

    @Test
    void aReaderExceptionIsRaisedByDrain() throws Exception {
        // test_streams.test_drain_raises: drain() reports the reader's exception
        Asyncio.run(() -> {
            try (Server server = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                StreamPair s = Streams.openConnection("127.0.0.1", port);
                s.reader().setException(new IOException("broken on purpose"));
                assertEquals("broken on purpose", assertThrows(IOException.class, s.writer()::drain).getMessage());
                s.close();
            }
        });
    }

    @Test
    void startTlsNeedsAStreamReaderProtocol() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server server = Streams.startServer(StreamsTest::echoLines, "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                StreamPair s = Streams.openConnection("127.0.0.1", port);
                StreamWriter bare = new StreamWriter(s.writer().transport(), new FlowControl(), null);
                assertThrows(IllegalStateException.class,
                        () -> bare.startTls(TlsOptions.of(javax.net.ssl.SSLContext.getDefault())));
                bare.drain(); // not paused: returns at once
                s.close();
                assertNotNull(loop);
            }
        });
    }
}
