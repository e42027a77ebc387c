package org.jasyncio.examples.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;

/** echo-client against echo-server, plain and TLS. */
class EchoClientTest {

    @Test
    void talksToTheEchoServer() throws Exception {
        for (boolean tls : new boolean[] {false, true}) {
            List<String> out = new ArrayList<>();
            List<String> replies = Asyncio.run(() -> {
                EchoServer.Running r = EchoServer.start(
                        new EchoServer.Options("127.0.0.1", 0, EchoServer.Mode.STREAMS, tls, null, null));
                try (var server = r.server()) {
                    int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
                    if (tls) {
                        args.addAll(List.of("--tls", "--cafile", r.certificatePem().toString()));
                    }
                    args.addAll(List.of("Hello World!", "héllo ünïcode"));
                    return EchoClient.talk(EchoClient.Options.parse(args.toArray(new String[0])), out::add);
                }
            });
            assertEquals(List.of("Hello World!", "héllo ünïcode"), replies);
            assertEquals(List.of("Send: Hello World!", "Received: Hello World!", "Send: héllo ünïcode",
                    "Received: héllo ünïcode", "Close the connection"), out);
        }
    }

    @Test
    void options() {
        EchoClient.Options d = EchoClient.Options.parse();
        assertEquals(List.of("Hello World!"), d.messages());
        assertEquals(8888, d.port());
        assertThrows(IllegalArgumentException.class, () -> EchoClient.Options.parse("--cafile", "x"));
        assertThrows(IllegalArgumentException.class, () -> EchoClient.Options.parse("--port"));
        assertThrows(IllegalArgumentException.class, () -> EchoClient.Options.parse("--bogus", "1"));
    }
}
