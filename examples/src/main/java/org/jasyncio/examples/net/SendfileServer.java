package org.jasyncio.examples.net;

import static org.jasyncio.Asyncio.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import javax.net.ssl.SSLContext;

import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.SslContexts;
import org.jasyncio.transports.TlsOptions;

/**
 * {@code sendfile}: a static file server that answers {@code GET /name} with
 * {@code loop.sendfile(writer.transport(), file)}, asyncio's {@code loop.sendfile}.
 *
 * <pre>
 * ./run-example.sh sendfile                       # demo: a 256 MiB file served and downloaded, plain then TLS
 * ./run-example.sh sendfile --serve DIR [--port P]  # serves DIR on 127.0.0.1:8890 (curl -O http://127.0.0.1:8890/NAME)
 * </pre>
 *
 * <p>On a plain connection the file goes from the page cache to the socket with
 * {@code FileChannel.transferTo} ({@code sendfile(2)}): no byte is copied through the JVM. Over
 * TLS the bytes must be encrypted, so jasyncio reads the file in chunks off the loop and writes
 * them through the transport, waiting whenever the transport has paused writing. The demo
 * downloads the file in the same loop while a ticker task runs, and prints the throughput, the
 * ticker's count (the loop never stalled) and whether the SHA-256 of what arrived matches.
 */
public final class SendfileServer {
    private static final String USAGE = "usage: ./run-example.sh sendfile [--serve DIR] [--port P]";

    private SendfileServer() {}

    public static void main(String[] args) throws Exception {
        Path serve = null;
        int port = 8890;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve" -> serve = Path.of(args[++i]);
                case "--port" -> port = Args.port(args[++i], USAGE);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        if (serve != null) {
            Path root = serve.toAbsolutePath().normalize();
            int p = port;
            run(() -> {
                try (Server s = start(root, p, null)) {
                    System.out.println("serving " + root + " on " + s.addresses() + " (Ctrl-C stops)");
                    s.serveForever();
                }
            });
            return;
        }
        demo();
    }

    /** Serves the regular files of {@code root}. */
    static Server start(Path root, int port, SSLContext tls) throws IOException {
        ServerOptions so = tls == null ? ServerOptions.defaults() : ServerOptions.defaults().withSsl(tls);
        return Streams.startServer((reader, writer) -> handle(root, reader, writer), "127.0.0.1", port, so);
    }

    private static void handle(Path root, StreamReader reader, StreamWriter writer) throws IOException {
        try {
            String request = new String(reader.readline(), StandardCharsets.US_ASCII).trim();
            while (reader.readline().length > 2) {
                // skip the headers
            }
            String[] parts = request.split(" ");
            Path file = parts.length >= 2 ? root.resolve(parts[1].replaceFirst("^/+", "")).normalize() : root;
            if (!parts[0].equals("GET") || !file.startsWith(root) || !Files.isRegularFile(file)) {
                writer.write("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                writer.write(("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + ch.size() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                getRunningLoop().sendfile(writer.transport(), ch);
            }
        } finally {
            writer.close();
        }
    }

    private static void demo() throws Exception {
        Path dir = Files.createTempDirectory("jasyncio-sendfile");
        Path big = dir.resolve("big.bin");
        long size = 256L << 20;
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(size); // sparse, with random blocks: made in milliseconds
            Random r = new Random(1);
            byte[] block = new byte[64 * 1024];
            for (long at = 0; at < size; at += 1 << 20) {
                r.nextBytes(block);
                raf.seek(at);
                raf.write(block);
            }
        }
        String expected;
        try (FileChannel ch = FileChannel.open(big)) {
            expected = sha256(ch, size);
        }
        SelfSignedCertificate cert = SelfSignedCertificate.create();
        try {
            run(() -> {
                System.out.println("A 256 MiB file, served with loop.sendfile() and downloaded in the same loop:");
                download(dir, null, null, size, expected);
                download(dir, cert.serverContext(), SslContexts.client(cert.certificatePem()), size, expected);
            });
        } finally {
            Files.deleteIfExists(big);
            Files.deleteIfExists(dir);
        }
    }

    private static void download(Path dir, SSLContext server, SSLContext client, long size, String expected)
            throws Exception {
        EventLoop loop = getRunningLoop();
        try (Server s = start(dir, 0, server)) {
            int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
            long[] ticks = {0};
            Task<Void> ticker = loop.createTask(() -> {
                while (true) {
                    sleep(0.01);
                    ticks[0]++;
                }
            });
            ConnectionOptions co = client == null ? ConnectionOptions.defaults()
                    : ConnectionOptions.defaults().withTls(TlsOptions.of(client).withServerHostname("localhost"));
            long t0 = System.nanoTime();
            StreamPair c = Streams.openConnection("127.0.0.1", port, co);
            c.writer().write("GET /big.bin HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            while (c.reader().readline().length > 2) {
                // the response's headers
            }
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long got = 0;
            byte[] chunk;
            while ((chunk = c.reader().read(1 << 20)).length > 0) {
                md.update(chunk);
                got += chunk.length;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            ticker.cancel();
            c.writer().close();
            boolean ok = got == size && HexFormat.of().formatHex(md.digest()).equals(expected);
            System.out.printf("  %-5s %d bytes in %.2f s (%.0f MiB/s), %d ticks of a 10 ms ticker meanwhile, "
                    + "SHA-256 %s%n", client == null ? "plain" : "TLS", got, secs, got / secs / (1 << 20), ticks[0],
                    ok ? "matches" : "DIFFERS");
        }
    }

    private static String sha256(FileChannel ch, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
            md.update(buf.flip());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
