package org.jasyncio.examples.bench;

import static org.jasyncio.Asyncio.toThread;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import javax.management.ObjectName;

import org.jasyncio.Asyncio;
import org.jasyncio.examples.net.EchoServer;
import org.jasyncio.transports.Server;

/**
 * Heap held per idle connection by an echo server, plain and over TLS: what a server with many
 * quiet clients (chat, push, keep-alive) pays for each.
 *
 * <p>The server runs here; the clients run in a CPython child ({@code /usr/bin/python3}), so
 * only the server's memory is counted. Each client connects, sends 1 KiB, reads the echo back and
 * then stays connected and silent. The figure is the heap in use after a full collection with
 * every client connected and idle, minus the same before they connected, divided by the number
 * of clients. The TLS figure minus the plain one is what TLS costs per idle connection (the
 * engine's session state and any buffers the connection still holds).
 *
 * <pre>
 * ./run-example.sh idle-memory [--connections N] [--streams] [--histogram]
 * </pre>
 *
 * Prints {@code idle_plain_bytes} and {@code idle_tls_bytes} (per connection), and with
 * {@code --histogram} the top of the heap's class histogram with the TLS clients connected.
 */
public final class IdleConnectionMemory {
    private IdleConnectionMemory() {}

    /** Opens N connections (TLS or not), echoes 1 KiB on each, says "ready", waits for stdin to close. */
    private static final String CLIENT = """
            import asyncio, ssl, sys
            async def main(port, n, tls):
                ctx = None
                if tls:
                    ctx = ssl.create_default_context()
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                conns = []
                for i in range(n):
                    r, w = await asyncio.open_connection('127.0.0.1', port, ssl=ctx)
                    w.write(b'x' * 1024)
                    await r.readexactly(1024)
                    conns.append((r, w))
                print('ready', flush=True)
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, sys.stdin.read)
                for r, w in conns:
                    w.transport.abort()
            asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == 'tls'))
            """;

    /**
     * Runs the measurement.
     *
     * @param args {@code --connections N} (default 1000), {@code --streams} (the streams echo
     *        instead of the protocol echo), {@code --histogram}
     * @throws Exception if the server or the client fails
     */
    public static void main(String[] args) throws Exception {
        int n = 1000;
        boolean streams = false;
        boolean histogram = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> n = Integer.parseInt(args[++i]);
                case "--streams" -> streams = true;
                case "--histogram" -> histogram = true;
                default -> throw new IllegalArgumentException(
                        "usage: idle-memory [--connections N] [--streams] [--histogram]");
            }
        }
        int conns = n;
        boolean st = streams;
        boolean hist = histogram;
        Asyncio.run(() -> {
            print("idle_plain_bytes", measure(conns, st, false, false));
            print("idle_tls_bytes", measure(conns, st, true, hist));
        });
    }

    private static double measure(int n, boolean streams, boolean tls, boolean histogram) throws Exception {
        EchoServer.Mode mode = streams ? EchoServer.Mode.STREAMS : EchoServer.Mode.PROTOCOL;
        EchoServer.Running r = EchoServer.start(new EchoServer.Options("127.0.0.1", 0, mode, tls, null, null));
        try (Server server = r.server()) {
            int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
            MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
            long before = usedAfterGc(mem);
            Process client = new ProcessBuilder(List.of("/usr/bin/python3", "-c", CLIENT, String.valueOf(port),
                    String.valueOf(n), tls ? "tls" : "plain")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                // The client's line comes from another process: read it off the loop.
                String line = toThread(out::readLine);
                if (!"ready".equals(line)) {
                    throw new IOException("the client did not get ready: " + line);
                }
                long after = usedAfterGcOffLoop(mem);
                if (histogram) {
                    printHistogram();
                }
                return (double) (after - before) / n;
            } finally {
                try (OutputStream in = client.getOutputStream()) {
                    in.flush(); // closing stdin lets the client go
                }
                toThread(client::waitFor);
            }
        }
    }

    /**
     * The collection must not run while the loop serves: the clients' last bytes may still be in
     * flight. Sleep a moment on the loop, so the server takes them, then measure.
     */
    private static long usedAfterGcOffLoop(MemoryMXBean mem) throws Exception {
        Asyncio.sleep(0.5);
        return usedAfterGc(mem);
    }

    private static long usedAfterGc(MemoryMXBean mem) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void printHistogram() throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] lines = out.toString().split("\n");
        for (int i = 0; i < Math.min(lines.length, 25); i++) {
            System.err.println(lines[i]);
        }
    }

    private static void print(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "%s %.0f", name, value));
    }
}
