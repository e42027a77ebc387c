package org.jasyncio.examples.net;

import static org.jasyncio.Asyncio.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;

import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.group.Balancing;
import org.jasyncio.group.LoopGroup;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.BufferedProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.ServerOptions;
import org.jasyncio.transports.SslContexts;
import org.jasyncio.transports.Transport;

/**
 * {@code echo-server}: a TCP echo server, asyncio's
 * <a href="https://docs.python.org/3/library/asyncio-stream.html">TCP echo server using
 * streams</a> and its protocol twin.
 *
 * <pre>
 * ./run-example.sh echo-server [--host H] [--port P] [--protocol | --buffered] [--tls [--cert F --key F]]
 *                               [--loops N] [--work-us U]
 * </pre>
 *
 * <p>It listens on 127.0.0.1:8888 by default and echoes every byte back. When a client
 * half-closes (sends end of file), the server finishes echoing what it received and then
 * closes its side. Modes:
 * <ul>
 * <li>streams (default): {@link Streams#startServer}, one task per client:
 *     {@code read}, {@code write}, {@code drain} in a loop;</li>
 * <li>{@code --protocol}: a {@link Protocol} whose {@code dataReceived} writes back, run
 *     inline by the loop with no task; it pauses reading while its writes are paused, so a
 *     client that does not read cannot make it buffer without bound;</li>
 * <li>{@code --buffered}: a {@link BufferedProtocol} that reads into one reused direct buffer
 *     and writes straight from it;</li>
 * <li>{@code --tls}: any mode over TLS, with a self-signed certificate made at start (its
 *     PEM path is printed, for {@code echo-client --tls --cafile}) or the given PEM files.</li>
 * <li>{@code --loops N}: a {@link LoopGroup} of N loops, each on its own thread, serving
 *     one port (SO_REUSEPORT where the platform has it, else one acceptor); every
 *     connection lives on one loop;</li>
 * <li>{@code --work-us U}: U microseconds of CPU work (a busy loop) per request (each read)
 *     before the echo, to model a real handler; 0 by default.</li>
 * </ul>
 * It is also the server of the echo benchmark (and, with {@code --loops} and
 * {@code --work-us}, of its many-loops group).
 */
public final class EchoServer {
    private EchoServer() {}

    /** How the server echoes. */
    public enum Mode {
        /** StreamReader/StreamWriter, a task per client. */
        STREAMS,
        /** A Protocol's dataReceived. */
        PROTOCOL,
        /** A BufferedProtocol reading into a reused buffer. */
        BUFFERED
    }

    /**
     * The command line.
     *
     * @param host the address to listen on
     * @param port the port; 0 lets the system choose
     * @param mode how to echo
     * @param tls whether to run TLS
     * @param cert the certificate chain PEM, or {@code null} for a self-signed one
     * @param key the PKCS#8 key PEM, or {@code null}
     * @param loops the loops of a {@link LoopGroup}, or 0 for one loop run by {@code run()}
     * @param workUs microseconds of CPU work per request, 0 or more
     */
    public record Options(String host, int port, Mode mode, boolean tls, Path cert, Path key, int loops, int workUs) {
        /** The usage line. */
        public static final String USAGE = "usage: echo-server [--host H] [--port P] [--protocol | --buffered]"
                + " [--tls [--cert FILE --key FILE]] [--loops N] [--work-us U]";

        /**
         * The options of one loop and no work per request.
         *
         * @param host the address to listen on
         * @param port the port; 0 lets the system choose
         * @param mode how to echo
         * @param tls whether to run TLS
         * @param cert the certificate chain PEM, or {@code null} for a self-signed one
         * @param key the PKCS#8 key PEM, or {@code null}
         */
        public Options(String host, int port, Mode mode, boolean tls, Path cert, Path key) {
            this(host, port, mode, tls, cert, key, 0, 0);
        }

        /**
         * Parses the arguments.
         *
         * @param args the command line
         * @return the options
         * @throws IllegalArgumentException with the usage line, on a bad argument
         */
        public static Options parse(String... args) {
            String host = "127.0.0.1";
            int port = 8888;
            Mode mode = Mode.STREAMS;
            boolean tls = false;
            Path cert = null;
            Path key = null;
            int loops = 0;
            int workUs = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = value(args, ++i);
                    case "--port" -> port = Args.port(value(args, ++i), USAGE);
                    case "--protocol" -> mode = Mode.PROTOCOL;
                    case "--buffered" -> mode = Mode.BUFFERED;
                    case "--tls" -> tls = true;
                    case "--cert" -> cert = Path.of(value(args, ++i));
                    case "--key" -> key = Path.of(value(args, ++i));
                    case "--loops" -> loops = count(args[i], value(args, ++i), 1);
                    case "--work-us" -> workUs = count(args[i], value(args, ++i), 0);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
                }
            }
            if ((cert == null) != (key == null) || cert != null && !tls) {
                throw new IllegalArgumentException("--cert and --key go together, with --tls\n" + USAGE);
            }
            return new Options(host, port, mode, tls, cert, key, loops, workUs);
        }

        private static int count(String flag, String v, int min) {
            try {
                int n = Integer.parseInt(v);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " needs a whole number of at least " + min + ", got " + v
                    + "\n" + USAGE);
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
            }
            return args[i];
        }
    }

    /**
     * A started server.
     *
     * @param server the server
     * @param certificatePem the self-signed certificate clients should trust, or {@code null}
     */
    public record Running(Server server, Path certificatePem) {}

    /**
     * Runs the server until interrupted.
     *
     * @param args see {@link Options#USAGE}
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (o.loops() > 0) {
            serveOnGroup(o);
            return;
        }
        run(() -> {
            Running r = start(o);
            try (Server server = r.server()) {
                System.out.println("Serving on " + server.addresses() + " (" + o.mode().name().toLowerCase()
                        + (o.tls() ? ", TLS" : "") + ")");
                if (r.certificatePem() != null) {
                    System.out.println("Self-signed certificate: " + r.certificatePem()
                            + "  (echo-client --tls --cafile " + r.certificatePem() + ")");
                }
                server.serveForever();
            }
        });
    }

    /** Serves on a group of {@code o.loops()} loops until the process is stopped. */
    private static void serveOnGroup(Options o) throws Exception {
        try (LoopGroup group = new LoopGroup(o.loops())) {
            // SIGTERM / Ctrl-C: drain the loops briefly before the JVM exits
            Runtime.getRuntime().addShutdownHook(new Thread(() -> group.shutdown(1)));
            Running r = startOnGroup(group, o);
            Server server = r.server();
            System.out.println("Serving on " + server.addresses() + " (" + o.mode().name().toLowerCase()
                    + (o.tls() ? ", TLS" : "") + ", " + o.loops() + (o.loops() == 1 ? " loop" : " loops")
                    + (LoopGroup.reusePortSupported() ? ", SO_REUSEPORT" : ", one acceptor")
                    + (o.workUs() > 0 ? ", " + o.workUs() + " us of work per request" : "") + ")");
            if (r.certificatePem() != null) {
                System.out.println("Self-signed certificate: " + r.certificatePem());
            }
            try {
                server.serveForever(); // blocks this thread until the server is closed
            } catch (CancelledError closed) {
                // closed by the shutdown hook
            }
        }
    }

    /**
     * Starts the server on every loop of {@code group}; call it from a plain thread (or a
     * task).
     *
     * @param group the loops to serve on
     * @param o the options ({@code loops} is not read: the group decides)
     * @return the server and, with a self-signed certificate, its PEM file
     * @throws Exception if binding fails or the certificate cannot be made
     */
    public static Running startOnGroup(LoopGroup group, Options o) throws Exception {
        Path[] pem = new Path[1];
        ServerOptions so = serverOptions(o, pem, false);
        long work = o.workUs() * 1_000L;
        Server server = switch (o.mode()) {
            case STREAMS -> group.startServer((r, w) -> echo(r, w, work), o.host(), o.port(), so,
                    StreamReader.DEFAULT_LIMIT, Balancing.AUTO);
            case PROTOCOL -> group.createServer(() -> new EchoProtocol(work), o.host(), o.port(), so, Balancing.AUTO);
            case BUFFERED -> group.createServer(() -> new BufferedEcho(work, o.tls()), o.host(), o.port(), so, Balancing.AUTO);
        };
        return new Running(server, pem[0]);
    }

    private static ServerOptions serverOptions(Options o, Path[] pem, boolean inTask) throws Exception {
        ServerOptions so = ServerOptions.defaults().withBacklog(1024);
        if (o.tls()) {
            SSLContext ctx;
            if (o.cert() != null) {
                ctx = SslContexts.server(o.cert(), o.key());
            } else {
                SelfSignedCertificate c = inTask ? toThread(SelfSignedCertificate::create) : SelfSignedCertificate.create();
                pem[0] = c.certificatePem();
                ctx = c.serverContext();
            }
            so = so.withSsl(ctx);
        }
        return so;
    }

    /**
     * Spins for {@code nanos} nanoseconds of CPU: the modelled work of one request.
     *
     * @param nanos how long; 0 or less does nothing
     */
    static void work(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /**
     * Starts the server; call it inside a task.
     *
     * @param o the options
     * @return the server and, with a self-signed certificate, its PEM file
     * @throws Exception if binding fails or the certificate cannot be made
     */
    public static Running start(Options o) throws Exception {
        Path[] pem = new Path[1];
        ServerOptions so = serverOptions(o, pem, true);
        long work = o.workUs() * 1_000L;
        EventLoop loop = getRunningLoop();
        Server server = switch (o.mode()) {
            case STREAMS -> Streams.startServer((r, w) -> echo(r, w, work), o.host(), o.port(), so);
            case PROTOCOL -> loop.createServer(() -> new EchoProtocol(work), o.host(), o.port(), so);
            case BUFFERED -> loop.createServer(() -> new BufferedEcho(work, o.tls()), o.host(), o.port(), so);
        };
        return new Running(server, pem[0]);
    }

    /** The streams echo: read, write, drain until end of file; then close our side. */
    static void echo(StreamReader reader, StreamWriter writer, long workNanos) throws IOException {
        try {
            while (true) {
                byte[] data = reader.read(64 * 1024);
                if (data.length == 0) {
                    break; // the client half-closed and everything was echoed
                }
                work(workNanos);
                writer.write(data);
                writer.drain();
            }
        } catch (IOException peerGone) {
            // reset by the client: nothing to answer
        } finally {
            writer.close();
        }
    }

    /** The protocol echo: dataReceived writes back; back-pressure pauses reading. */
    static final class EchoProtocol implements Protocol {
        private final long workNanos;
        private Transport transport;

        EchoProtocol(long workNanos) {
            this.workNanos = workNanos;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] data) {
            work(workNanos);
            transport.write(data);
        }

        @Override
        public boolean eofReceived() {
            transport.close(); // after the buffered echo is sent
            return true;
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }

    /**
     * The buffered-protocol echo: the transport reads into a buffer the protocol owns and the
     * echo writes that buffer back, with no copy in Java. One buffer serves every connection of a
     * loop (callbacks of one loop never overlap, and the transport copies whatever part of a write
     * the kernel does not take at once), so the kernel reads into and writes from memory that is
     * still in the CPU's cache, as Netty's pooled buffers are. Direct for plain TCP (NIO reads into
     * it and writes from it with no copy of its own); a heap array under TLS, where the bytes pass
     * through the SSLEngine, which gains nothing from direct memory.
     */
    static final class BufferedEcho implements BufferedProtocol {
        /** Per loop thread: the loops of a group each have their own. */
        private static final ThreadLocal<ByteBuffer> DIRECT =
                ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 * 1024));
        private static final ThreadLocal<ByteBuffer> HEAP =
                ThreadLocal.withInitial(() -> ByteBuffer.allocate(64 * 1024));
        private final ThreadLocal<ByteBuffer> buffers;
        private final long workNanos;
        private Transport transport;
        /** The buffer of this connection's loop, taken when the transport first asks for it. */
        private ByteBuffer buffer;

        BufferedEcho(long workNanos, boolean tls) {
            this.workNanos = workNanos;
            this.buffers = tls ? HEAP : DIRECT;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            ByteBuffer b = buffer;
            if (b == null) {
                buffer = b = buffers.get(); // on the loop thread that serves this connection
            }
            return b.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
            work(workNanos);
            transport.write(buffer.flip());
        }

        @Override
        public boolean eofReceived() {
            transport.close();
            return true;
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }
}
