package org.jasyncio.interop;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * A small, neutral echo load generator for sanity measurements (not a test): one thread,
 * plain NIO, N connections each sending a message and waiting for the whole echo before
 * sending the next. Prints requests per second and latency percentiles.
 *
 * <pre>
 * java -cp jasyncio/target/test-classes org.jasyncio.interop.EchoLoadClient HOST PORT [CONNS] [SIZE] [SECONDS] [WARMUP]
 * </pre>
 *
 * The project's echo benchmark proper uses a C epoll client (benchmarks module); this one
 * only checks that the echo servers are in the right league.
 */
public final class EchoLoadClient {
    private EchoLoadClient() {}

    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer out;
        final ByteBuffer in;
        long sentAt;

        Conn(SocketChannel ch, int size) {
            this.ch = ch;
            this.out = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                out.put((byte) ('a' + i % 26));
            }
            out.flip();
            this.in = ByteBuffer.allocateDirect(size);
        }
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int conns = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 10;
        double warmup = args.length > 5 ? Double.parseDouble(args[5]) : 3;
        Selector sel = Selector.open();
        Conn[] all = new Conn[conns];
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(host, port));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            Conn c = new Conn(ch, size);
            all[i] = c;
            ch.register(sel, SelectionKey.OP_READ, c);
        }
        long[] lat = new long[1 << 22];
        int nlat = 0;
        long count = 0;
        long total = 0;
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        boolean measuring = false;
        for (Conn c : all) {
            c.sentAt = System.nanoTime();
            send(c);
        }
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (!measuring && now >= measureFrom) {
                measuring = true;
                count = 0;
                nlat = 0;
            }
            sel.select(100);
            var it = sel.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                Conn c = (Conn) k.attachment();
                int n = c.ch.read(c.in);
                if (n < 0) {
                    throw new IllegalStateException("server closed a connection");
                }
                if (!c.in.hasRemaining()) {
                    long t = System.nanoTime();
                    count++;
                    total++;
                    if (nlat < lat.length) {
                        lat[nlat++] = t - c.sentAt;
                    }
                    c.in.clear();
                    c.sentAt = t;
                    send(c);
                }
            }
        }
        double rate = count / seconds;
        Arrays.sort(lat, 0, nlat);
        System.out.printf("%d connections, %d B: %.0f req/s, p50 %.0f us, p99 %.0f us, total %d%n", conns, size, rate,
                nlat == 0 ? 0 : lat[nlat / 2] / 1e3, nlat == 0 ? 0 : lat[(int) (nlat * 0.99)] / 1e3, total);
        for (Conn c : all) {
            c.ch.close();
        }
    }

    private static void send(Conn c) throws java.io.IOException {
        c.out.rewind();
        while (c.out.hasRemaining()) {
            c.ch.write(c.out);
        }
    }
}
