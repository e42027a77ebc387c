package org.jasyncio.examples.net;

import static org.jasyncio.Asyncio.*;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.EventLoop;
import org.jasyncio.Task;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.Connection;
import org.jasyncio.transports.ConnectionOptions;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.Transport;

/**
 * {@code prebuilt-sockets}: sockets made outside jasyncio, and a happy-eyeballs client.
 *
 * <pre>
 * ./run-example.sh prebuilt-sockets
 * </pre>
 *
 * <ol>
 * <li>asyncio's {@code start_server(cb, sock=s)}: the listening channel is bound before the
 *     loop sees it, as systemd's socket activation or a parent process would hand one over.
 * <li>asyncio's {@code open_connection(host, port, happy_eyeballs_delay=0.25)}: the client races
 *     the addresses "localhost" resolves to.
 * <li>asyncio's {@code connect_accepted_socket}: a plain blocking {@code accept()} on another
 *     thread, the accepted channel then driven by a protocol on the loop.
 * </ol>
 */
public final class PrebuiltSockets {
    private PrebuiltSockets() {}

    /** Answers each line with "echo: " and the line. */
    static final class EchoLines implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(("echo: " + new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Runs the three steps and prints what each client reads.
     *
     * @param args ignored
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        for (String line : run(PrebuiltSockets::demo)) {
            System.out.println(line);
        }
    }

    /**
     * The three steps, inside a task of a running loop.
     *
     * @return what the clients read, a line per step
     * @throws Exception if a step fails
     */
    static List<String> demo() throws Exception {
        EventLoop loop = getRunningLoop();
        List<String> out = new ArrayList<>();
        // 1. A channel bound by someone else, served by jasyncio.
        ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
        try (Server server = Streams.startServer((reader, writer) -> {
            writer.write("hello from a server on a pre-bound channel\n".getBytes(StandardCharsets.UTF_8));
            writer.close();
        }, listening)) {
            // 2. Happy eyeballs to "localhost" (one address or several, as the resolver says).
            StreamPair c = Streams.openConnection("localhost", port,
                    ConnectionOptions.defaults().withHappyEyeballsDelay(0.25));
            out.add("1+2. " + new String(c.reader().readline(), StandardCharsets.UTF_8).strip()
                    + " (localhost is " + loop.getaddrinfo("localhost", port) + ")");
            c.writer().close();
        }
        // 3. Accepted outside the loop, then handed to it.
        try (ServerSocketChannel plain = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Task<SocketChannel> accepting = createTask(() -> toThread(plain::accept));
            StreamPair client = Streams.openConnection("127.0.0.1",
                    ((InetSocketAddress) plain.getLocalAddress()).getPort());
            Connection<EchoLines> accepted = loop.connectAcceptedSocket(EchoLines::new, accepting.await());
            client.writer().write("ping\n".getBytes(StandardCharsets.UTF_8));
            out.add("3.   " + new String(client.reader().readline(), StandardCharsets.UTF_8).strip());
            client.writer().close();
            accepted.transport().close();
        }
        return out;
    }
}
