package org.jasyncio.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jasyncio.Asyncio;
import org.jasyncio.TestLoops;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CPython's asyncio as client of a jasyncio server and as server for a jasyncio client, plain and TLS. */
class PythonInteropTest {

    @BeforeAll
    static void python() {
        Peers.assumePython();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void cpythonClientAgainstJasyncioServer(boolean tls) throws Exception {
        TestCerts certs = tls ? TestCerts.get() : null;
        TestLoops.Collector errors = new TestLoops.Collector();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler(errors);
            ServerOptions so = tls ? ServerOptions.defaults().withSsl(certs.serverContext()) : ServerOptions.defaults();
            try (Server server = Streams.startServer(Peers::echo, "127.0.0.1", 0, so)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON, Peers.script().toString(), "client",
                        "127.0.0.1", Integer.toString(port)));
                if (tls) {
                    cmd.addAll(List.of("--cafile", certs.cert.toString()));
                }
                Process p = Peers.start(cmd);
                try {
                    int code = Peers.waitFor(p, 60);
                    String out = Peers.all(p.getInputStream());
                    String err = Peers.all(p.getErrorStream());
                    assertEquals(0, code, "python client failed:\n" + out + err);
                    assertTrue(out.startsWith("OK 1065637"), out);
                    if (tls) {
                        assertTrue(out.contains("TLSv1."), out);
                    }
                    assertEquals("", err, "CPython logged nothing");
                } finally {
                    Peers.stop(p);
                }
                server.close();
                server.waitClosed();
            }
        });
        assertEquals(List.of(), errors.messages());
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void jasyncioClientAgainstCpythonServer(boolean tls) throws Exception {
        TestCerts certs = tls ? TestCerts.get() : null;
        byte[] data = new byte[2 << 20];
        new Random(17).nextBytes(data);
        Asyncio.run(() -> {
            List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON, Peers.script().toString(), "server"));
            if (tls) {
                cmd.addAll(List.of("--cert", certs.cert.toString(), "--key", certs.key.toString()));
            }
            Path errFile = Files.createTempFile("python-server", ".err");
            Process p = Peers.start(cmd, errFile);
            try {
                BufferedReader out = Peers.stdout(p);
                String first = Peers.readLine(out);
                assertNotNull(first, () -> "python server did not start: " + read(errFile));
                assertTrue(first.startsWith("PORT "), first);
                int port = Integer.parseInt(first.substring(5).trim());
                ConnectionOptions co = tls ? ConnectionOptions.defaults().withSsl(certs.clientContext())
                        : ConnectionOptions.defaults();
                StreamPair s = Streams.openConnection("localhost", port, co);
                var reading = Asyncio.createTask(() -> s.reader().readExactly(data.length));
                for (int off = 0; off < data.length; off += 65536) {
                    s.writer().write(data, off, 65536);
                    s.writer().drain();
                }
                assertArrayEquals(data, reading.await());
                if (tls) {
                    assertEquals("TLSv1.3", s.writer().getExtraInfo("tls_version"));
                    s.writer().close();
                    s.writer().waitClosed();
                } else {
                    s.writer().writeEof();
                    assertEquals(0, s.reader().read().length, "the CPython server closes after our EOF");
                    s.close();
                }
                Asyncio.sleep(0.2); // let CPython log anything it has to say about the close
            } finally {
                Peers.stop(p);
            }
            String err = read(errFile);
            Files.deleteIfExists(errFile);
            assertFalse(err.contains("Traceback") || err.contains("Error"), "CPython complained:\n" + err);
        });
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
