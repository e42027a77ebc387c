package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jasyncio's sendfile beyond CPython's tests: a 1 GiB file to a CPython asyncio receiver that
 * checksums it, the loop kept running meanwhile; the TLS fallback's memory bounded by flow
 * control under a stalled reader; cancellation and a local abort in the middle of a transfer
 * (the peer then sees exactly the bytes the file's position accounts for); bad arguments.
 */
class SendfileTest {
    @TempDir
    Path dir;

    /** A server protocol that reads {@code pauseAfter} bytes, then pauses reading until told. */
    static final class Sink implements Protocol {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final Future<Void> paused;
        final Future<Exception> lost;
        final int pauseAfter;
        Transport t;

        Sink(EventLoop loop, int pauseAfter) {
            this.paused = loop.createFuture();
            this.lost = loop.createFuture();
            this.pauseAfter = pauseAfter;
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            t = (Transport) transport;
            if (pauseAfter == 0) {
                t.pauseReading();
                paused.trySetResult(null);
            }
        }

        @Override
        public void dataReceived(byte[] d) {
            data.writeBytes(d);
            if (pauseAfter > 0 && data.size() >= pauseAfter && !paused.done()) {
                t.pauseReading();
                paused.trySetResult(null);
            }
        }

        @Override
        public boolean eofReceived() {
            return false;
        }

        @Override
        public void connectionLost(Exception exc) {
            lost.trySetResult(exc);
        }
    }

    private static Path randomFile(Path dir, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve("data-" + size + ".bin"), b);
    }

    private static byte[] sha256(FileChannel ch, long offset, long count) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long pos = offset;
        long end = offset + count;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
            md.update(buf.flip());
        }
        return md.digest();
    }

    /** The CPython asyncio receiver: prints its port, then "<bytes> <sha256>" back to the sender. */
    private static final String RECEIVER = """
            import asyncio, hashlib, sys
            async def main():
                done = asyncio.get_running_loop().create_future()
                async def handle(reader, writer):
                    h = hashlib.sha256(); n = 0
                    while True:
                        chunk = await reader.read(1 << 20)
                        if not chunk:
                            break
                        h.update(chunk); n += len(chunk)
                    writer.write(f"{n} {h.hexdigest()}\\n".encode())
                    await writer.drain()
                    writer.close()
                    await writer.wait_closed()
                    done.set_result(None)
                srv = await asyncio.start_server(handle, '127.0.0.1', 0)
                print(srv.sockets[0].getsockname()[1], flush=True)
                await done
            asyncio.run(main())
            """;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aGibibyteGoesToCPythonIntactWhileTheLoopKeepsRunning() throws Exception {
        long size = 1L << 30;
        Path big = dir.resolve("gibibyte.bin");
        // sparse, with 4 KiB of random bytes every MiB so that any offset mistake changes the digest
        try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(size);
            Random r = new Random(42);
            byte[] block = new byte[4096];
            for (long at = 0; at < size; at += 1 << 20) {
                r.nextBytes(block);
                raf.seek(at + r.nextInt((1 << 20) - block.length));
                raf.write(block);
            }
        }
        Path script = Files.writeString(dir.resolve("receiver.py"), RECEIVER);
        Process py = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
        try (FileChannel file = FileChannel.open(big, StandardOpenOption.READ)) {
            String expected = HexFormat.of().formatHex(sha256(file, 0, size));
            int port = Integer.parseInt(new String(py.getInputStream().readNBytes(6), StandardCharsets.US_ASCII)
                    .lines().findFirst().orElseThrow().trim());
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", port);
                long[] ticks = {0};
                long[] maxBuffered = {0};
                Task<Void> ticker = loop.createTask(() -> {
                    while (true) {
                        Asyncio.sleep(0.005);
                        ticks[0]++;
                        maxBuffered[0] = Math.max(maxBuffered[0], c.transport().getWriteBufferSize());
                    }
                });
                long t0 = System.nanoTime();
                long sent = loop.sendfile(c.transport(), file);
                System.out.println("sendfile of 1 GiB: " + (System.nanoTime() - t0) / 1_000_000 + " ms, " + ticks[0]
                        + " ticks of the 5 ms ticker meanwhile");
                ticker.cancel();
                assertEquals(size, sent);
                assertEquals(size, file.position());
                assertTrue(ticks[0] > 0, "the loop ran other tasks during the transfer");
                assertEquals(0, maxBuffered[0], "the zero-copy path buffers nothing in the transport");
                c.transport().writeEof();
                long t1 = System.nanoTime();
                assertNull(Asyncio.waitFor(c.protocol().lost, 60));
                System.out.println("sendfile of 1 GiB: the receiver finished " + (System.nanoTime() - t1) / 1_000_000
                        + " ms after the sender");
                String reply = c.protocol().received.toString(StandardCharsets.US_ASCII).trim();
                assertEquals(size + " " + expected, reply);
            });
            assertTrue(py.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, py.exitValue());
        } finally {
            py.destroyForcibly();
        }
    }

    @Test
    void tlsFallbackKeepsTheWriteBufferBoundedUnderAStalledReader() throws Exception {
        TestCerts certs = TestCerts.get();
        SSLContext server = certs.serverContext();
        int size = 4 << 20;
        Path data = randomFile(dir, size, 7);
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.READ)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Sink[] sink = new Sink[1];
                try (Server s = loop.createServer(() -> sink[0] = new Sink(loop, 0), "127.0.0.1", 0,
                        ServerOptions.defaults().withSsl(server))) {
                    s.sockets().get(0).setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
                    Connection<Recorder> c = loop.createConnection(Recorder::new, "localhost", Recorder.port(s),
                            ConnectionOptions.defaults().withSsl(certs.clientContext()));
                    Transport t = c.transport();
                    ((SocketChannel) t.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                    t.setWriteBufferLimits(64 * 1024, 16 * 1024);
                    long[] max = {0};
                    Task<Long> send = loop.createTask(() -> loop.sendfile(t, file));
                    // wait until the transfer stalls: the buffer size stops changing
                    long last = -1;
                    int stable = 0;
                    for (int i = 0; i < 5000 && stable < 50; i++) {
                        Asyncio.sleep(0.002);
                        long b = t.getWriteBufferSize();
                        max[0] = Math.max(max[0], b);
                        stable = b == last ? stable + 1 : 0;
                        last = b;
                    }
                    assertEquals(50, stable, "the transfer stalled behind the paused reader");
                    assertFalse(send.done());
                    assertTrue(last > 0, "the stall is in the transport's buffer");
                    Task<Void> sampler = loop.createTask(() -> {
                        while (true) {
                            Asyncio.sleep(0.001);
                            max[0] = Math.max(max[0], t.getWriteBufferSize());
                        }
                    });
                    sink[0].t.resumeReading();
                    assertEquals(size, send.await());
                    sampler.cancel();
                    // high-water mark + one 64 KiB chunk + TLS record overhead, not the 16 MiB file
                    assertTrue(max[0] <= 64 * 1024 + 64 * 1024 + 4096, "write buffer peaked at " + max[0]);
                    assertEquals(List.of(), c.protocol().events.stream().filter(e -> !e.equals("made")).toList(),
                            "the application's protocol heard no pause/resume of the fallback's writes");
                    t.close();
                    sink[0].lost.await();
                    assertArrayEquals(Files.readAllBytes(data), sink[0].data.toByteArray());
                }
            });
        }
    }

    /** Cancels a sendfile stalled after {@code 100_000} bytes; the peer gets exactly the counted bytes. */
    private void cancelInTheMiddle(boolean tls) throws Exception {
        TestCerts certs = tls ? TestCerts.get() : null;
        int size = 16 << 20;
        Path data = randomFile(dir, size, 11);
        byte[] bytes = Files.readAllBytes(data);
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.READ)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Sink[] sink = new Sink[1];
                ServerOptions so = tls ? ServerOptions.defaults().withSsl(certs.serverContext())
                        : ServerOptions.defaults();
                try (Server s = loop.createServer(() -> sink[0] = new Sink(loop, 100_000), "127.0.0.1", 0, so)) {
                    s.sockets().get(0).setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
                    ConnectionOptions co = tls ? ConnectionOptions.defaults().withSsl(certs.clientContext())
                            : ConnectionOptions.defaults();
                    Connection<Recorder> c = loop.createConnection(Recorder::new, tls ? "localhost" : "127.0.0.1",
                            Recorder.port(s), co);
                    Transport t = c.transport();
                    ((SocketChannel) t.getExtraInfo("socket")).setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                    Task<Long> send = loop.createTask(() -> loop.sendfile(t, file, 1000, null, true));
                    while (sink[0] == null) {
                        Asyncio.sleep(0);
                    }
                    sink[0].paused.await();
                    send.cancel();
                    assertThrows(CancelledError.class, send::await);
                    long pos = file.position();
                    assertTrue(pos >= 1000 + 100_000 && pos < size, "position " + pos);
                    // the transport is whole again: writes go through, after what the file sent
                    byte[] trailer = "TRAILER".getBytes(StandardCharsets.US_ASCII);
                    t.write(trailer);
                    assertTrue(t.isReading());
                    t.close();
                    sink[0].t.resumeReading();
                    assertNull(Asyncio.waitFor(sink[0].lost, 20));
                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    expected.write(bytes, 1000, (int) (pos - 1000));
                    expected.writeBytes(trailer);
                    assertArrayEquals(expected.toByteArray(), sink[0].data.toByteArray());
                }
            });
        }
    }

    @Test
    void cancellingAZeroCopySendfileLeavesAConsistentStream() throws Exception {
        cancelInTheMiddle(false);
    }

    @Test
    void cancellingATlsFallbackSendfileLeavesAConsistentStream() throws Exception {
        cancelInTheMiddle(true);
    }

    @Test
    void abortingTheTransportEndsAZeroCopySendfileWithAnError() throws Exception {
        Path data = randomFile(dir, 16 << 20, 3);
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.READ)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Sink[] sink = new Sink[1];
                try (Server s = loop.createServer(() -> sink[0] = new Sink(loop, 100_000), "127.0.0.1", 0)) {
                    Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", Recorder.port(s));
                    Task<Long> send = loop.createTask(() -> loop.sendfile(c.transport(), file));
                    while (sink[0] == null) {
                        Asyncio.sleep(0);
                    }
                    sink[0].paused.await();
                    SocketChannel ch = (SocketChannel) c.transport().getExtraInfo("socket");
                    c.transport().abort();
                    IOException e = assertThrows(IOException.class, () -> Asyncio.waitFor(send, 10));
                    assertInstanceOf(SocketException.class, e, e.toString());
                    assertTrue(file.position() >= 100_000);
                    c.protocol().awaitLost();
                    assertFalse(ch.isOpen());
                }
            });
        }
    }

    @Test
    void aUnixStreamTransportSendsZeroCopyToo() throws Exception {
        Path data = randomFile(dir, 3 << 20, 13);
        Path sock = dir.resolve("files.sock");
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.READ)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                List<Recorder> accepted = new java.util.ArrayList<>();
                try (Server s = loop.createUnixServer(Recorder.into(accepted), sock)) {
                    Connection<Recorder> c = loop.createUnixConnection(Recorder::new, sock);
                    c.transport().write(b("head:"));
                    assertEquals(3 << 20, loop.sendfile(c.transport(), file, 0, null, false));
                    c.transport().close();
                    while (accepted.isEmpty()) {
                        Asyncio.sleep(0);
                    }
                    accepted.get(0).awaitLost();
                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    expected.writeBytes(b("head:"));
                    expected.writeBytes(Files.readAllBytes(data));
                    assertArrayEquals(expected.toByteArray(), accepted.get(0).received.toByteArray());
                }
            });
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSent() throws Exception {
        Path data = randomFile(dir, 100_000, 5);
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Recorder> accepted = new java.util.ArrayList<>();
            try (Server s = loop.createServer(Recorder.into(accepted), "127.0.0.1", 0)) {
                Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", Recorder.port(s));
                Transport t = c.transport();
                try (FileChannel writeOnly = FileChannel.open(data, StandardOpenOption.WRITE)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> loop.sendfile(t, writeOnly));
                    assertTrue(e.getMessage().contains("not open for reading"), e.getMessage());
                }
                FileChannel closed = FileChannel.open(data, StandardOpenOption.READ);
                closed.close();
                assertThrows(IllegalArgumentException.class, () -> loop.sendfile(t, closed));
                IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> loop.sendfile(t, dir));
                assertTrue(d.getMessage().contains(dir.toString()), d.getMessage());
                NoSuchFileException m = assertThrows(NoSuchFileException.class,
                        () -> loop.sendfile(t, dir.resolve("missing")));
                assertTrue(m.getMessage().contains("missing"));
                // a socket a transport owns cannot be used by sockSendfile
                try (FileChannel f = FileChannel.open(data, StandardOpenOption.READ)) {
                    IllegalStateException u = assertThrows(IllegalStateException.class,
                            () -> loop.sockSendfile((SocketChannel) t.getExtraInfo("socket"), f));
                    assertTrue(u.getMessage().contains("used by"), u.getMessage());
                    assertEquals(0, f.position());
                }
                // a count past the end sends up to the end; an offset past the end sends nothing
                try (FileChannel f = FileChannel.open(data, StandardOpenOption.READ)) {
                    assertEquals(1000, loop.sendfile(t, f, 99_000, 10_000L, true));
                    assertEquals(100_000, f.position());
                    assertEquals(0, loop.sendfile(t, f, 200_000, null, true));
                    assertEquals(100_000, f.position(), "nothing sent: the position is left alone");
                }
                // the Path form sends the whole file and closes it
                assertEquals(100_000, loop.sendfile(t, data));
                t.close();
                while (accepted.isEmpty()) {
                    Asyncio.sleep(0);
                }
                accepted.get(0).awaitLost();
                byte[] all = Files.readAllBytes(data);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.write(all, 99_000, 1000);
                expected.writeBytes(all);
                assertArrayEquals(expected.toByteArray(), accepted.get(0).received.toByteArray());
            }
        });
    }

    @Test
    void aSecondSendfileOnTheSameTransportIsRefused() throws Exception {
        Path data = randomFile(dir, 16 << 20, 9);
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.READ);
                FileChannel other = FileChannel.open(data, StandardOpenOption.READ)) {
            Asyncio.run(() -> {
                EventLoop loop = Asyncio.getRunningLoop();
                Sink[] sink = new Sink[1];
                try (Server s = loop.createServer(() -> sink[0] = new Sink(loop, 100_000), "127.0.0.1", 0)) {
                    Connection<Recorder> c = loop.createConnection(Recorder::new, "127.0.0.1", Recorder.port(s));
                    Task<Long> send = loop.createTask(() -> loop.sendfile(c.transport(), file));
                    while (sink[0] == null) {
                        Asyncio.sleep(0);
                    }
                    sink[0].paused.await();
                    IllegalStateException e = assertThrows(IllegalStateException.class,
                            () -> loop.sendfile(c.transport(), other));
                    assertTrue(e.getMessage().contains("already in progress"), e.getMessage());
                    assertEquals(0, other.position());
                    sink[0].t.resumeReading();
                    assertEquals(16 << 20, send.await());
                    c.transport().close();
                    sink[0].lost.await();
                    assertEquals(16 << 20, sink[0].data.size());
                    assertTrue(Arrays.equals(Files.readAllBytes(data), sink[0].data.toByteArray()));
                }
            });
        }
    }
}
