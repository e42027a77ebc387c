package org.jasyncio.transports;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.jasyncio.Asyncio;
import org.jasyncio.Future;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.streams.Streams;

/**
 * The server that {@link ResourceExhaustionTest} runs in a forked JVM with a small heap or
 * few file descriptors. It prints {@code READY <port>}, then serves one line per connection:
 * {@code flood} writes 1 MiB chunks without ever draining, to a client that never reads, until
 * the heap runs out; {@code alloc} allocates 40 MiB (which fits a 64 MiB heap only when no
 * flood's buffer is held) and answers {@code allocated 40 MiB}; {@code quit} stops the server, and the program exits with status 0 once
 * its loop has returned; any other line is echoed back, prefixed with {@code echo:}. Errors go
 * to the loop's default exception handler, which logs them to stderr.
 */
public final class FaultServer {
    private FaultServer() {}

    /**
     * Runs the server until a client sends {@code quit}.
     *
     * @param args none
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        Asyncio.run(() -> {
            Future<Void> quit = Asyncio.getRunningLoop().createFuture();
            try (Server server = Streams.startServer((r, w) -> serve(r, w, quit), "127.0.0.1", 0)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                System.out.println("READY " + port);
                System.out.flush();
                quit.await();
            }
            System.out.println("BYE");
            System.out.flush();
        });
    }

    private static void serve(StreamReader reader, StreamWriter writer, Future<Void> quit) throws Exception {
        String line = new String(reader.readline(), StandardCharsets.UTF_8).strip();
        switch (line) {
            case "flood" -> {
                byte[] chunk = new byte[1 << 20];
                while (true) {
                    writer.write(chunk); // never drains: the write buffer grows until the heap is full
                    Asyncio.sleep(0);
                }
            }
            case "alloc" -> {
                // Needs most of the heap: it fits only if the flood's buffer was let go.
                byte[][] held = new byte[160][];
                for (int i = 0; i < held.length; i++) {
                    held[i] = new byte[256 * 1024]; // small pieces: no region-sized (humongous) arrays
                }
                writer.write(("allocated " + held.length / 4 + " MiB\n").getBytes(StandardCharsets.UTF_8));
                writer.drain();
                writer.close();
            }
            case "quit" -> {
                quit.trySetResult(null);
                writer.close();
            }
            default -> {
                writer.write(("echo:" + line + "\n").getBytes(StandardCharsets.UTF_8));
                writer.drain();
                // keep echoing until the client closes, so that idle clients hold their descriptor
                while (true) {
                    byte[] more = reader.readline();
                    if (more.length == 0) {
                        break;
                    }
                    writer.write(more);
                    writer.drain();
                }
                writer.close();
            }
        }
    }
}
