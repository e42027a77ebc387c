package org.jasyncio.examples.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jasyncio.Asyncio;
import org.jasyncio.Task;
import org.jasyncio.group.LoopGroup;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.SslContexts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** echo-server in each mode: echoes every byte, and after a half-close finishes echoing, then closes. */
class EchoServerTest {

    @ParameterizedTest
    @CsvSource({"STREAMS,false", "PROTOCOL,false", "BUFFERED,false", "STREAMS,true", "PROTOCOL,true", "BUFFERED,true"})
    void echoesEverythingThenClosesAfterTheClientsEof(EchoServer.Mode mode, boolean tls) throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(9).nextBytes(data);
        Asyncio.run(() -> {
            EchoServer.Running r = EchoServer.start(new EchoServer.Options("127.0.0.1", 0, mode, tls, null, null));
            try (var server = r.server()) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                ConnectionOptions co = tls ? ConnectionOptions.defaults().withSsl(SslContexts.client(r.certificatePem()))
                        : ConnectionOptions.defaults();
                StreamPair s = Streams.openConnection("127.0.0.1", port, co);
                var reading = Asyncio.createTask(() -> s.reader().read());
                for (int off = 0; off < data.length; off += 100_000) {
                    s.writer().write(data, off, Math.min(100_000, data.length - off));
                    s.writer().drain();
                }
                if (tls) {
                    // TLS cannot half-close: read back everything, then close
                    byte[] back = s.reader().readExactly(data.length);
                    assertArrayEquals(data, back);
                    s.writer().close();
                    reading.cancel();
                } else {
                    s.writer().writeEof();
                    assertArrayEquals(data, reading.await(), "everything echoed, then end of file from the server");
                    assertTrue(s.reader().atEof());
                    s.close();
                }
            }
        });
    }

    /** --buffered shares one buffer among a loop's connections: concurrent clients get their own bytes back. */
    @ParameterizedTest
    @CsvSource({"false", "true"})
    @Timeout(60)
    void theSharedBufferMixesNoConnections(boolean tls) throws Exception {
        Asyncio.run(() -> {
            EchoServer.Running r = EchoServer.start(
                    new EchoServer.Options("127.0.0.1", 0, EchoServer.Mode.BUFFERED, tls, null, null));
            try (var server = r.server()) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                ConnectionOptions co = tls ? ConnectionOptions.defaults().withSsl(SslContexts.client(r.certificatePem()))
                        : ConnectionOptions.defaults();
                List<Task<Void>> clients = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    byte[] data = new byte[300_000];
                    new Random(c).nextBytes(data);
                    clients.add(Asyncio.createTask(() -> {
                        StreamPair s = Streams.openConnection("127.0.0.1", port, co);
                        var reading = Asyncio.createTask(() -> s.reader().readExactly(data.length));
                        for (int off = 0; off < data.length; off += 30_000) {
                            s.writer().write(data, off, 30_000);
                            s.writer().drain();
                        }
                        assertArrayEquals(data, reading.await());
                        s.writer().close();
                        return null;
                    }));
                }
                Asyncio.gather(clients).await();
            }
        });
    }

    /** --loops: every mode serves on every loop of the group, with the per-request work in place. */
    @ParameterizedTest
    @CsvSource({"STREAMS,false", "PROTOCOL,false", "BUFFERED,false", "PROTOCOL,true"})
    void servesOnEveryLoopOfAGroup(EchoServer.Mode mode, boolean tls) throws Exception {
        try (LoopGroup group = new LoopGroup(2)) {
            EchoServer.Running r = EchoServer.startOnGroup(group,
                    new EchoServer.Options("127.0.0.1", 0, mode, tls, null, null, 2, 20));
            int port = ((InetSocketAddress) r.server().addresses().get(0)).getPort();
            for (int c = 0; c < 8; c++) {
                int id = c;
                Asyncio.run(() -> {
                    ConnectionOptions co = tls
                            ? ConnectionOptions.defaults().withSsl(SslContexts.client(r.certificatePem()))
                            : ConnectionOptions.defaults();
                    StreamPair s = Streams.openConnection("127.0.0.1", port, co);
                    byte[] msg = ("client " + id).getBytes();
                    for (int k = 0; k < 20; k++) {
                        s.writer().write(msg);
                        s.writer().drain();
                        assertArrayEquals(msg, s.reader().readExactly(msg.length));
                    }
                    s.writer().close();
                });
            }
            assertTrue(group.statistics().stream().allMatch(st -> st.running()));
            r.server().close();
        }
    }

    @Test
    void options() {
        EchoServer.Options d = EchoServer.Options.parse();
        assertEquals(new EchoServer.Options("127.0.0.1", 8888, EchoServer.Mode.STREAMS, false, null, null), d);
        EchoServer.Options o = EchoServer.Options.parse("--host", "0.0.0.0", "--port", "9000", "--protocol", "--tls");
        assertEquals("0.0.0.0", o.host());
        assertEquals(9000, o.port());
        assertEquals(EchoServer.Mode.PROTOCOL, o.mode());
        assertTrue(o.tls());
        assertEquals(EchoServer.Mode.BUFFERED, EchoServer.Options.parse("--buffered").mode());
        EchoServer.Options g = EchoServer.Options.parse("--loops", "2", "--work-us", "50");
        assertEquals(2, g.loops());
        assertEquals(50, g.workUs());
        assertEquals(0, d.loops());
        assertEquals(0, d.workUs());
        for (List<String> bad : List.of(List.of("--port", "x"), List.of("--port", "70000"), List.of("--nope"),
                List.of("--host"), List.of("--cert", "a"), List.of("--cert", "a", "--key", "b"),
                List.of("--loops", "0"), List.of("--loops", "x"), List.of("--work-us", "-1"), List.of("--loops"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EchoServer.Options.parse(bad.toArray(new String[0])), bad.toString());
            assertTrue(e.getMessage().contains("usage: echo-server"), e.getMessage());
        }
    }
}
