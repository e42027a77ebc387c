package org.jasyncio.examples.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.jasyncio.Asyncio;
import org.jasyncio.Task;
import org.jasyncio.examples.net.SelfSignedCertificate;
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
 * What a burst of TLS handshakes costs the other clients of a server: a TLS echo server on
 * one loop; a probe client, connected beforehand, timing 32-byte round trips every 2 ms from a
 * platform thread of its own; and a burst of handshakes (500 by default) from a second loop on
 * another thread, each connection echoing one byte and closing. Each round reports the probe's
 * worst and 99th-percentile round trip during the burst, and the burst's wall time and slowest
 * handshake. Rounds alternate the server's {@link TlsOptions#withDelegatedTasksOffLoop} off
 * and on, after one warm-up round that is not reported; the clients of the burst run their
 * delegated tasks on their own loop in every round, so only the server side changes.
 *
 * <pre>
 * ./run-example.sh tls-burst [--handshakes N] [--rounds N]
 * </pre>
 */
public final class TlsHandshakeBurst {
    private TlsHandshakeBurst() {}

    /** What one round measured. */
    private record Round(boolean offLoop, int handshakes, int failed, double burstSeconds, double slowestHandshake,
            double probeWorst, double probeP99, int probeTrips) {}

    /**
     * Runs the rounds and prints one line per round.
     *
     * @param args {@code [--handshakes N] [--rounds N]}
     * @throws Exception if the server or a client cannot start
     */
    public static void main(String[] args) throws Exception {
        int handshakes = 500;
        int rounds = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--handshakes" -> handshakes = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: tls-burst [--handshakes N] [--rounds N]");
                    System.exit(2);
                }
            }
        }
        SelfSignedCertificate cert = SelfSignedCertificate.create();
        SSLContext serverContext = cert.serverContext();
        SSLContext clientContext = SslContexts.client(cert.certificatePem());
        round(serverContext, clientContext, true, Math.min(100, handshakes)); // warm-up, not reported
        System.out.println("server delegated tasks | handshakes ok/failed | burst s | slowest handshake s"
                + " | probe worst ms | probe p99 ms | probe round trips");
        for (int r = 0; r < rounds; r++) {
            for (boolean offLoop : new boolean[] {false, true}) {
                print(round(serverContext, clientContext, offLoop, handshakes));
            }
        }
    }

    private static void print(Round r) {
        System.out.println(String.format(Locale.ROOT, "%-22s | %4d/%-4d | %7.2f | %6.2f | %8.1f | %6.1f | %d",
                r.offLoop() ? "off the loop" : "on the loop", r.handshakes() - r.failed(), r.failed(),
                r.burstSeconds(), r.slowestHandshake(), r.probeWorst() * 1e3, r.probeP99() * 1e3, r.probeTrips()));
    }

    private static Round round(SSLContext serverContext, SSLContext clientContext, boolean offLoop, int handshakes)
            throws Exception {
        TlsOptions serverTls = TlsOptions.of(serverContext).withDelegatedTasksOffLoop(offLoop);
        return Asyncio.run(() -> {
            ServerOptions so = ServerOptions.defaults().withTls(serverTls).withBacklog(Math.max(128, handshakes * 2));
            try (Server server = Streams.startServer(TlsHandshakeBurst::echo, "127.0.0.1", 0, so)) {
                int port = ((InetSocketAddress) server.addresses().get(0)).getPort();
                // The probe and the burst block their own threads: wait for them off the loop.
                return Asyncio.toThread(() -> measure(port, clientContext, offLoop, handshakes));
            }
        });
    }

    private static void echo(StreamReader reader, StreamWriter writer) throws Exception {
        try {
            while (true) {
                byte[] b = reader.read(4096);
                if (b.length == 0) {
                    break;
                }
                writer.write(b);
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }

    /** On a platform thread: the probe runs while another thread's loop makes the burst. */
    private static Round measure(int port, SSLContext clientContext, boolean offLoop, int handshakes)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> trips = Collections.synchronizedList(new ArrayList<>());
        Thread probe;
        try (SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] msg = new byte[32];
            byte[] back = new byte[32];
            for (int i = 0; i < 50; i++) {
                roundTrip(out, in, msg, back); // warm the probe's path before the burst
            }
            probe = Thread.ofPlatform().name("probe").start(() -> {
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        roundTrip(out, in, msg, back);
                        trips.add(System.nanoTime() - t0);
                        Thread.sleep(2);
                    }
                } catch (Exception e) {
                    System.err.println("probe failed: " + e);
                }
            });
            Round burst = burst(port, clientContext, handshakes);
            stop.set(true);
            probe.join();
            List<Long> sorted = new ArrayList<>(trips);
            Collections.sort(sorted);
            double worst = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e9;
            double p99 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * 0.99)) / 1e9;
            return new Round(offLoop, handshakes, burst.failed(), burst.burstSeconds(), burst.slowestHandshake(),
                    worst, p99, sorted.size());
        }
    }

    private static void roundTrip(OutputStream out, InputStream in, byte[] msg, byte[] back) throws Exception {
        out.write(msg);
        out.flush();
        int got = 0;
        while (got < back.length) {
            int n = in.read(back, got, back.length - got);
            if (n < 0) {
                throw new IllegalStateException("the server closed the probe's connection");
            }
            got += n;
        }
    }

    /** The burst, from a loop of its own: every handshake at once, each echoing one byte. */
    private static Round burst(int port, SSLContext clientContext, int handshakes) throws Exception {
        TlsOptions tls = TlsOptions.of(clientContext).withDelegatedTasksOffLoop(false);
        ConnectionOptions co = ConnectionOptions.defaults().withTls(tls);
        return Asyncio.run(() -> {
            long t0 = System.nanoTime();
            List<Task<Double>> tasks = new ArrayList<>();
            for (int i = 0; i < handshakes; i++) {
                tasks.add(Asyncio.createTask(() -> {
                    long start = System.nanoTime();
                    try (StreamPair p = Streams.openConnection("127.0.0.1", port, co)) {
                        p.writer().write(new byte[] {1});
                        p.reader().readExactly(1);
                    }
                    return (System.nanoTime() - start) / 1e9;
                }));
            }
            int failed = 0;
            double slowest = 0;
            for (Task<Double> t : tasks) {
                try {
                    slowest = Math.max(slowest, t.await());
                } catch (Exception e) {
                    failed++;
                }
            }
            return new Round(true, handshakes, failed, (System.nanoTime() - t0) / 1e9, slowest, 0, 0, 0);
        });
    }
}
