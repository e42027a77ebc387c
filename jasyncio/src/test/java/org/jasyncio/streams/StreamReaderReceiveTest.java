package org.jasyncio.streams;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.jasyncio.Asyncio;
import org.jasyncio.TestLoops;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.TestCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reader fed the buffered way (what a TLS transport does): bytes copied into the reader's
 * own buffer arrive whole and in order, large records land in an array borrowed from the loop
 * that goes back once everything is read, and an idle reader holds nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamReaderReceiveTest {
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    @BeforeAll
    static void certs() throws Exception {
        TestCerts certs = TestCerts.get();
        serverCtx = certs.serverContext();
        clientCtx = certs.clientContext();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Copies {@code data} into the reader as a transport would, in chunks of {@code chunk}. */
    private static void receive(StreamReader r, byte[] data, int chunk) {
        for (int off = 0; off < data.length; off += chunk) {
            int n = Math.min(chunk, data.length - off);
            ByteBuffer b = r.receiveBuffer(n);
            assertTrue(b.remaining() >= n, "room for the hinted bytes");
            b.put(data, off, n);
            r.received(n);
        }
    }

    @Test
    void aSmallRecordGetsAnArrayOfItsSizeThatTheReadHandsOver() throws Exception {
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            ByteBuffer b = r.receiveBuffer(1000);
            assertEquals(1000, b.remaining());
            byte[] msg = pattern(1000, 1);
            b.put(msg);
            r.received(1000);
            byte[] got = r.read(4096);
            assertSame(b.array(), got, "read of everything hands the array over, no copy");
            assertArrayEquals(msg, got);
        });
    }

    @Test
    void aLargeMessageInRecordsIsReadWholeInOrderAndItsArrayGoesBackToTheLoop() throws Exception {
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            byte[] msg = pattern(60_000, 2);
            receive(r, msg, 16_384);
            assertEquals(ReceiveBuffers.SIZE, r.heldBufferBytes(), "one pooled array, no regrowth");
            byte[] head = r.read(100);
            byte[] rest = r.readExactly(msg.length - 100);
            assertArrayEquals(Arrays.copyOf(msg, 100), head);
            assertArrayEquals(Arrays.copyOfRange(msg, 100, msg.length), rest);
            assertEquals(0, r.heldBufferBytes(), "an emptied reader gives its borrowed array back");

            // A second reader gets the array the first gave back.
            StreamReader r2 = new StreamReader();
            ByteBuffer first = r2.receiveBuffer(16_384);
            byte[] pooled = first.array();
            first.put(new byte[16_384]);
            r2.received(16_384);
            r2.read(16_384);
            StreamReader r3 = new StreamReader();
            assertSame(pooled, r3.receiveBuffer(20_000).array());
        });
    }

    @Test
    void a64KiBMessageInTheJdkEnginesRecordSizesFillsOnePooledArray() throws Exception {
        // The JDK's engine sends 16,367 bytes of plaintext per record here, under 16 KiB: the
        // first record must still take the pooled array, or the message regrows twice.
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            byte[] msg = pattern(65_536, 6);
            receive(r, msg, 16_367);
            assertEquals(ReceiveBuffers.SIZE, r.heldBufferBytes());
            byte[] got = r.read(65_536);
            assertArrayEquals(msg, got);
            assertEquals(0, r.heldBufferBytes(), "the full array was handed over");
        });
    }

    @Test
    void moreThanTwiceTheLimitPausesTheTransportAndReadingResumesIt() throws Exception {
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader(16_384);
            StreamReaderTest.FakeTransport t = new StreamReaderTest.FakeTransport();
            r.setTransport(t);
            byte[] msg = pattern(40_000, 3);
            receive(r, msg, 16_384);
            assertTrue(t.paused, "past twice the limit");
            assertArrayEquals(msg, r.readExactly(msg.length));
            assertFalse(t.paused);
            assertEquals(1, t.resumes);
        });
    }

    @Test
    void receivingAfterEofIsRefusedAndEofGivesTheArrayBack() throws Exception {
        TestLoops.runVirtual(() -> {
            StreamReader r = new StreamReader();
            ByteBuffer b = r.receiveBuffer(16_384);
            assertEquals(ReceiveBuffers.SIZE, b.capacity());
            r.feedEof(); // the transport read nothing into it: the end came instead
            assertEquals(0, r.heldBufferBytes());
            assertThrows(IllegalStateException.class, () -> r.receiveBuffer(10));
            assertEquals(0, r.read(100).length);
        });
    }

    @Test
    void outsideALoopTheReaderUsesAnArrayOfItsOwn() {
        StreamReader r = new StreamReader();
        ByteBuffer b = r.receiveBuffer(16_384);
        assertEquals(ReceiveBuffers.SIZE, b.remaining());
        b.put(pattern(16_384, 4));
        r.received(16_384);
        assertEquals(ReceiveBuffers.SIZE, r.heldBufferBytes());
    }

    @Test
    void tlsDeliversAFullRecordIntoAPooledArrayNotAnArrayOfItsOwn() throws Exception {
        // A TLS record of 16 KiB of plaintext: through the buffered view it lands in the reader's
        // borrowed 64 KiB array; handed over as dataReceived it would be a 16 KiB array adopted.
        Asyncio.run(() -> {
            try (Server s = Streams.startServer((reader, writer) -> {
                writer.write(pattern(16_384, 5));
                writer.drain();
                reader.read(1); // wait for the client's end
                writer.close();
            }, "localhost", 0, ServerOptions.defaults().withSsl(serverCtx))) {
                int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                StreamPair c = Streams.openConnection("localhost", port, ConnectionOptions.defaults().withSsl(clientCtx));
                byte[] first = c.reader().readExactly(1);
                assertEquals(ReceiveBuffers.SIZE, c.reader().heldBufferBytes(), "the record went into a pooled array");
                byte[] rest = c.reader().readExactly(16_383);
                byte[] msg = pattern(16_384, 5);
                assertEquals(msg[0], first[0]);
                assertArrayEquals(Arrays.copyOfRange(msg, 1, msg.length), rest);
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }

    @Test
    void streamsOverTlsCarryLargeAndSmallMessagesIntactAndIdleReadersHoldNoBuffer() throws Exception {
        Asyncio.run(() -> {
            StreamReader[] serverReader = new StreamReader[1];
            try (Server s = Streams.startServer((reader, writer) -> {
                serverReader[0] = reader;
                while (true) {
                    byte[] data = reader.read(64 * 1024);
                    if (data.length == 0) {
                        break;
                    }
                    writer.write(data);
                    writer.drain();
                }
                writer.close();
            }, "localhost", 0, ServerOptions.defaults().withSsl(serverCtx))) {
                int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
                StreamPair c = Streams.openConnection("localhost", port, ConnectionOptions.defaults().withSsl(clientCtx));
                for (int size : new int[] {1, 1000, 16_384, 65_536, 300_000}) {
                    byte[] msg = pattern(size, size);
                    c.writer().write(msg);
                    c.writer().drain();
                    assertArrayEquals(msg, c.reader().readExactly(size), size + " bytes");
                }
                assertEquals(0, c.reader().heldBufferBytes(), "the client's reader, idle after the echoes");
                assertEquals(0, serverReader[0].heldBufferBytes(), "the server's reader, idle");
                c.writer().close();
                c.writer().waitClosed();
            }
        });
    }
}
