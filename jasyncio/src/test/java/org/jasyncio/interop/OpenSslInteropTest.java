package org.jasyncio.interop;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.jasyncio.transports.TlsOptions;
import org.jasyncio.transports.Transport;
import org.junit.jupiter.api.Test;

/** openssl s_client against the jasyncio TLS server: verification, SNI, ALPN, data both ways, close_notify. */
class OpenSslInteropTest {

    @Test
    void sClientTalksToTheJasyncioTlsServer() throws Exception {
        Peers.assumeOnPath("openssl", "openssl");
        TestCerts certs = TestCerts.get();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<String> received = loop.createFuture();
            Future<String> ended = loop.createFuture();
            StringBuilder got = new StringBuilder();
            ServerOptions so = ServerOptions.defaults()
                    .withTls(TlsOptions.of(certs.serverContext()).withAlpnProtocols("x-jasyncio"));
            try (Server server = loop.createServer(() -> new Protocol() {
                Transport t;

                @Override
                public void connectionMade(BaseTransport transport) {
                    t = (Transport) transport;
                    t.write(("greetings over " + t.getExtraInfo("tls_version") + " alpn="
                            + t.getExtraInfo("alpn_protocol") + "\n").getBytes());
                }

                @Override
                public void dataReceived(byte[] data) {
                    got.append(new String(data));
                    if (got.indexOf("\n") >= 0) {
                        received.trySetResult(got.toString());
                    }
                }

                @Override
                public boolean eofReceived() {
                    ended.trySetResult("eof");
                    return false;
                }

                @Override
                public void connectionLost(Exception exc) {
                    ended.trySetResult("lost:" + exc);
                }
            }, "127.0.0.1", 0, so)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                Process p = Peers.start(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                        "-servername", "localhost", "-CAfile", certs.cert.toString(), "-verify_return_error",
                        "-verify_hostname", "localhost", "-alpn", "x-jasyncio", "-brief"));
                try {
                    OutputStream in = p.getOutputStream();
                    Asyncio.toThread(() -> {
                        in.write("hello from s_client\n".getBytes());
                        in.flush();
                        return null;
                    });
                    assertEquals("hello from s_client\n", Asyncio.waitFor(received, 30));
                    Asyncio.sleep(0.2); // let s_client print the greeting
                    Asyncio.toThread(() -> {
                        in.close(); // end of stdin: s_client sends close_notify and exits
                        return null;
                    });
                    assertEquals("eof", Asyncio.waitFor(ended, 30), "close_notify is the end of file");
                    int code = Peers.waitFor(p, 30);
                    String out = Peers.all(p.getInputStream());
                    String err = Peers.all(p.getErrorStream());
                    assertEquals(0, code, out + err);
                    assertTrue(out.contains("greetings over TLSv1.3 alpn=x-jasyncio"), out + err); // ALPN agreed
                    assertTrue(err.contains("Verification: OK"), err);
                } finally {
                    Peers.stop(p);
                }
            }
        });
    }
}
