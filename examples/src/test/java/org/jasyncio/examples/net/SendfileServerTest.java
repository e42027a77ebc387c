package org.jasyncio.examples.net;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.jasyncio.Asyncio;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sendfile: a file is served whole with its length; names outside the directory get 404. */
class SendfileServerTest {
    @TempDir
    Path dir;

    private static byte[] get(int port, String target) throws Exception {
        StreamPair c = Streams.openConnection("127.0.0.1", port);
        c.writer().write(("GET " + target + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] all = c.reader().read();
        c.writer().close();
        return all;
    }

    @Test
    void servesAFileAndRefusesPathsOutsideTheDirectory() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(5).nextBytes(data);
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.write(root.resolve("f.bin"), data);
        Files.writeString(dir.resolve("secret"), "outside");
        Asyncio.run(() -> {
            try (Server s = SendfileServer.start(root, 0, null)) {
                int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                byte[] ok = get(port, "/f.bin");
                String head = "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + data.length + "\r\n\r\n";
                assertEquals(head, new String(ok, 0, head.length(), StandardCharsets.US_ASCII));
                assertArrayEquals(data, java.util.Arrays.copyOfRange(ok, head.length(), ok.length));
                assertTrue(new String(get(port, "/../secret"), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 404"));
                assertTrue(new String(get(port, "/missing"), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 404"));
            }
        });
    }
}
