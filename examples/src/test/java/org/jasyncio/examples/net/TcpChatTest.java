package org.jasyncio.examples.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.WriteTransport;
import org.junit.jupiter.api.Test;

/** tcp-chat: broadcast between streams, and a client that does not read is dropped. */
class TcpChatTest {

    @Test
    void theDemoBotsHearEachOther() throws Exception {
        List<String> t = Asyncio.run(TcpChat::demo);
        assertTrue(t.contains("alice saw: * bob joined"), t.toString());
        assertTrue(t.contains("alice saw: [bob] hello from bob"), t.toString());
        assertTrue(t.contains("alice saw: [carol] hello from carol"), t.toString());
        assertTrue(t.contains("bob saw: [alice] hello from alice"), t.toString());
        assertTrue(t.contains("carol saw: [bob] hello from bob"), t.toString());
        assertFalse(t.contains("alice saw: [alice] hello from alice"), "no echo to the sender");
    }

    @Test
    void aClientThatDoesNotReadIsDropped() throws Exception {
        Asyncio.run(() -> {
            try (Server server = TcpChat.start("127.0.0.1", 0)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                StreamPair sleeper = Streams.openConnection("127.0.0.1", port);
                sleeper.writer().write("sleeper\n".getBytes());
                ((org.jasyncio.transports.Transport) sleeper.writer().transport()).pauseReading();
                StreamPair talker = Streams.openConnection("127.0.0.1", port);
                talker.reader().readExactly(6);
                talker.writer().write("talker\n".getBytes());
                byte[] line = new byte[60_000];
                java.util.Arrays.fill(line, (byte) 'x');
                line[line.length - 1] = '\n';
                for (int i = 0; i < 400 && server.activeConnections() == 2; i++) {
                    talker.writer().write(line);
                    talker.writer().drain();
                    Asyncio.sleep(0.001);
                }
                assertEquals(1, server.activeConnections(), "the sleeper was dropped, the talker remains");
                assertFalse(talker.writer().isClosing());
                assertTrue(((WriteTransport) talker.writer().transport()).getWriteBufferSize() < TcpChat.MAX_BACKLOG);
                sleeper.close();
                talker.close();
            }
        });
    }
}
