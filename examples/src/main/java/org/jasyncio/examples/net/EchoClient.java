package org.jasyncio.examples.net;

import static org.jasyncio.Asyncio.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.SslContexts;
import org.jasyncio.transports.TlsOptions;

/**
 * {@code echo-client}: asyncio's
 * <a href="https://docs.python.org/3/library/asyncio-stream.html">TCP echo client using
 * streams</a>.
 *
 * <pre>
 * ./run-example.sh echo-client [--host H] [--port P] [--tls --cafile FILE] [MESSAGE...]
 * </pre>
 *
 * <p>It connects to {@code echo-server} (127.0.0.1:8888 by default), sends each message
 * (default {@code "Hello World!"}), prints what comes back, then half-closes and waits for the
 * server to close. With {@code --tls} it checks the server's certificate against
 * {@code --cafile} (the PEM file {@code echo-server --tls} prints).
 */
public final class EchoClient {
    private EchoClient() {}

    /**
     * The command line.
     *
     * @param host where to connect
     * @param port the port
     * @param tls whether to use TLS
     * @param cafile the certificate to trust with TLS, or {@code null} for the JDK's defaults
     * @param messages what to send
     */
    public record Options(String host, int port, boolean tls, Path cafile, List<String> messages) {
        /** The usage line. */
        public static final String USAGE = "usage: echo-client [--host H] [--port P] [--tls [--cafile FILE]] [MESSAGE...]";

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
            boolean tls = false;
            Path cafile = null;
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--") && i + 1 >= args.length && !a.equals("--tls")) {
                    throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
                }
                switch (a) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Args.port(args[++i], USAGE);
                    case "--tls" -> tls = true;
                    case "--cafile" -> cafile = Path.of(args[++i]);
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
                        }
                        messages.add(a);
                    }
                }
            }
            if (cafile != null && !tls) {
                throw new IllegalArgumentException("--cafile goes with --tls\n" + USAGE);
            }
            if (messages.isEmpty()) {
                messages.add("Hello World!");
            }
            return new Options(host, port, tls, cafile, List.copyOf(messages));
        }
    }

    /**
     * Sends the messages and prints the replies.
     *
     * @param args see {@link Options#USAGE}
     * @throws Exception if the connection fails
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
        run(() -> {
            talk(o, System.out::println);
        });
    }

    /**
     * Connects, sends each message, reports each reply; call it inside a task.
     *
     * @param o the options
     * @param out where the lines go
     * @return the replies, in order
     * @throws Exception if connecting or reading fails
     */
    public static List<String> talk(Options o, java.util.function.Consumer<String> out) throws Exception {
        ConnectionOptions co = ConnectionOptions.defaults();
        if (o.tls()) {
            co = co.withTls(TlsOptions.of(o.cafile() != null ? SslContexts.client(o.cafile()) : SslContexts.client()));
        }
        List<String> replies = new ArrayList<>();
        try (StreamPair s = Streams.openConnection(o.host(), o.port(), co)) {
            for (String m : o.messages()) {
                byte[] data = m.getBytes(StandardCharsets.UTF_8);
                out.accept("Send: " + m);
                s.writer().write(data);
                s.writer().drain();
                String reply = new String(s.reader().readExactly(data.length), StandardCharsets.UTF_8);
                out.accept("Received: " + reply);
                replies.add(reply);
            }
            if (s.writer().canWriteEof()) {
                s.writer().writeEof();
                byte[] rest = s.reader().read();
                if (rest.length > 0) {
                    out.accept("Received after end of file: " + rest.length + " bytes");
                }
            }
            out.accept("Close the connection");
        }
        return replies;
    }
}
