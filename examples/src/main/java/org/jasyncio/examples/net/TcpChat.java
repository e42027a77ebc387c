package org.jasyncio.examples.net;

import static org.jasyncio.Asyncio.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jasyncio.Task;
import org.jasyncio.streams.LimitOverrunError;
import org.jasyncio.streams.StreamPair;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.streams.Streams;
import org.jasyncio.transports.Server;
import org.jasyncio.transports.WriteTransport;

/**
 * {@code tcp-chat}: a line-based chat server that broadcasts each client's lines to the
 * others, with streams.
 *
 * <pre>
 * ./run-example.sh tcp-chat [--host H] [--port P]     then, in other terminals: nc 127.0.0.1 8889
 * ./run-example.sh tcp-chat --demo                    three bots chat and the transcript is printed
 * </pre>
 *
 * <p>A client's first line is its name. Broadcasting never waits for a slow client:
 * {@code write} only buffers, and a client whose buffer passes 1 MiB (it does not read) is
 * disconnected, so one stuck client cannot stall the room or exhaust memory. A line longer
 * than the reader's limit (64 KiB) is refused, as asyncio's {@code readline} refuses it.
 */
public final class TcpChat {
    /** The buffer above which a client that does not read is dropped. */
    static final long MAX_BACKLOG = 1 << 20;

    private final Map<StreamWriter, String> members = new LinkedHashMap<>();

    private TcpChat() {}

    /**
     * Runs the chat server, or the demo.
     *
     * @param args {@code [--host H] [--port P]} or {@code --demo}
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        String usage = "usage: tcp-chat [--host H] [--port P] | --demo";
        String host = "127.0.0.1";
        int port = 8889;
        boolean demo = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Args.port(args[++i], usage);
                    case "--demo" -> demo = true;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + usage);
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            System.err.println("missing value\n" + usage);
            System.exit(2);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        if (demo) {
            run(() -> {
                demo().forEach(System.out::println);
            });
            return;
        }
        String h = host;
        int p = port;
        run(() -> {
            try (Server server = start(h, p)) {
                System.out.println("Chat on " + server.addresses() + ": connect with nc; the first line is your name");
                server.serveForever();
            }
        });
    }

    /**
     * Starts a chat server; call it inside a task.
     *
     * @param host the address to listen on
     * @param port the port, 0 for any
     * @return the server
     * @throws IOException if binding fails
     */
    public static Server start(String host, int port) throws IOException {
        TcpChat room = new TcpChat();
        return Streams.startServer(room::member, host, port);
    }

    private void member(StreamReader reader, StreamWriter writer) throws IOException {
        writer.write("name? ".getBytes(StandardCharsets.UTF_8));
        byte[] first = reader.readline();
        String name = new String(first, StandardCharsets.UTF_8).strip();
        if (name.isEmpty()) {
            writer.close();
            return;
        }
        broadcast(null, "* " + name + " joined");
        members.put(writer, name);
        try {
            while (true) {
                byte[] line;
                try {
                    line = reader.readline();
                } catch (LimitOverrunError tooLong) {
                    writer.write("* line too long, dropped\n".getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                if (line.length == 0) {
                    break;
                }
                broadcast(writer, "[" + name + "] " + new String(line, StandardCharsets.UTF_8).stripTrailing());
            }
        } catch (IOException gone) {
            // the connection broke: leave below
        } finally {
            members.remove(writer);
            writer.close();
            broadcast(null, "* " + name + " left");
        }
    }

    /** Sends a line to everyone but {@code from}; never waits. */
    private void broadcast(StreamWriter from, String text) {
        byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        for (StreamWriter w : List.copyOf(members.keySet())) {
            if (w == from || w.isClosing()) {
                continue;
            }
            w.write(line);
            WriteTransport t = (WriteTransport) w.transport();
            if (t.getWriteBufferSize() > MAX_BACKLOG) {
                members.remove(w);
                t.abort(); // it does not read: drop it (and its backlog) rather than buffer without bound
            }
        }
    }

    /**
     * Three bots join, greet, and leave; returns what each saw. Call it inside a task.
     *
     * @return the transcript, one line per message seen, prefixed by who saw it
     * @throws Exception if the demo fails
     */
    public static List<String> demo() throws Exception {
        List<String> transcript = new ArrayList<>();
        try (Server server = start("127.0.0.1", 0)) {
            int port = ((java.net.InetSocketAddress) server.addresses().get(0)).getPort();
            List<String> names = List.of("alice", "bob", "carol");
            List<StreamPair> bots = new ArrayList<>();
            for (String n : names) {
                StreamPair s = Streams.openConnection("127.0.0.1", port);
                s.reader().readExactly("name? ".length());
                s.writer().write((n + "\n").getBytes(StandardCharsets.UTF_8));
                bots.add(s);
                sleep(0.05); // join in order, so the transcript is stable
            }
            for (int i = 0; i < bots.size(); i++) {
                bots.get(i).writer().write(("hello from " + names.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
                sleep(0.05);
            }
            for (StreamPair b : bots) {
                b.writer().writeEof();
            }
            List<Task<List<String>>> readers = new ArrayList<>();
            for (int i = 0; i < bots.size(); i++) {
                StreamPair b = bots.get(i);
                String who = names.get(i);
                readers.add(createTask(() -> {
                    List<String> seen = new ArrayList<>();
                    for (byte[] l : b.reader()) {
                        seen.add(who + " saw: " + new String(l, StandardCharsets.UTF_8).stripTrailing());
                    }
                    return seen;
                }));
            }
            for (Task<List<String>> t : readers) {
                transcript.addAll(t.await());
            }
            for (StreamPair b : bots) {
                b.close();
            }
        }
        return transcript;
    }
}
