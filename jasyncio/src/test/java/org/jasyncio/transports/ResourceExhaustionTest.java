package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.jasyncio.Asyncio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server out of heap or out of file descriptors, in a forked JVM ({@link FaultServer}): the
 * loop survives, the failing connection is closed, the exception handler hears of the fault a
 * few times rather than thousands, and a new client is served afterwards.
 */
class ResourceExhaustionTest {
    /** Clients the fd test opens: more than the child's 64 descriptors can hold. */
    private static final int CLIENTS = 90;

    @Test
    void outOfHeapWhileBufferingWritesClosesThatConnectionAndTheLoopGoesOn() throws Exception {
        try (Child child = Child.start(List.of("-Xmx64m"), classPath(), false)) {
            int port = child.port();
            try (Socket flood = connect(port)) {
                send(flood, "flood");
                // The client never reads: the server's write buffer grows until the heap is
                // full; then that transport must be closed and its buffer dropped.
                child.awaitLine(l -> l.contains("OutOfMemoryError"), 45);
                // Still without reading: the buffer is let go, so the heap has room again.
                assertEquals("allocated 40 MiB", ask(port, "alloc"), "the flood's buffer is still held:\n"
                        + child.output());
                assertTrue(drainToEof(flood), "the flooding connection was not closed:\n" + child.output());
            }
            assertEquals("echo:after", ask(port, "after"), "a new client is served:\n" + child.output());
            child.quit(port);
        }
    }

    @Test
    void outOfDescriptorsAcceptBacksOffAndRecoversFromAClassesDirectory() throws Exception {
        outOfDescriptors(classPath(), false);
    }

    @Test
    void outOfDescriptorsAcceptBacksOffAndRecoversInDebugMode() throws Exception {
        outOfDescriptors(classPath(), true);
    }

    @Test
    void outOfDescriptorsAcceptBacksOffAndRecoversFromAJar(@TempDir Path dir) throws Exception {
        outOfDescriptors(jarOfClasses(dir).toString(), false);
    }

    private static void outOfDescriptors(String classPath, boolean debug) throws Exception {
        try (Child child = Child.start(List.of("-Xmx256m"), classPath, true, debug)) {
            int port = child.port();
            assertEquals("echo:first", ask(port, "first"));
            Thread.sleep(300); // the server sees that client go (its close path runs once) before descriptors run out
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    idle.add(connect(port)); // the kernel completes them; the server accepts what it can
                }
                child.awaitLine(l -> l.contains("socket.accept() out of system resource"), 20);
                Duration cpu0 = child.cpu();
                long t0 = System.nanoTime();
                Thread.sleep(3000);
                double cpu = (child.cpu().minus(cpu0).toNanos()) / (double) (System.nanoTime() - t0);
                long reports = child.count("socket.accept() out of system resource");
                assertTrue(reports <= 6, reports + " reports in about 3 s: the listener does not back off:\n"
                        + child.tail());
                assertTrue(cpu < 0.5, "the server used " + cpu + " of a core while out of descriptors:\n" + child.tail());
                assertTrue(child.alive(), "the server died:\n" + child.tail());
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
            // Descriptors come back as the server sees its clients go; it accepts again after
            // its back-off, and the connections that waited in the backlog are closed by now.
            String reply = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (reply == null && System.nanoTime() < deadline) {
                try {
                    reply = ask(port, "again");
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            assertEquals("echo:again", reply, "the server did not recover:\n" + child.tail());
            child.quit(port);
        }
    }

    // ---- the forked JVM ----------------------------------------------------------------------

    /** The test's own class path: classes directories, as run-example.sh runs programs. */
    private static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** jasyncio's and the tests' classes in one jar, for the jar launch mode. */
    private static Path jarOfClasses(Path dir) throws Exception {
        Path jar = dir.resolve("fault-server.jar");
        Path main = Path.of(Asyncio.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(FaultServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            List<String> seen = new ArrayList<>();
            for (Path root : List.of(main, tests)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        String name = root.relativize(f).toString().replace('\\', '/');
                        if (name.equals("module-info.class") || seen.contains(name)) {
                            continue;
                        }
                        seen.add(name);
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    private static final class Child implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            });
        }

        static Child start(List<String> jvmFlags, String classPath, boolean fewDescriptors) throws IOException {
            return start(jvmFlags, classPath, fewDescriptors, false);
        }

        static Child start(List<String> jvmFlags, String classPath, boolean fewDescriptors, boolean debug)
                throws IOException {
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> cmd = new ArrayList<>();
            if (fewDescriptors) {
                cmd.addAll(List.of("sh", "-c", "ulimit -n 64 && exec \"$0\" \"$@\""));
            }
            cmd.add(java);
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.trackAllThreads=false",
                    "-Djasyncio.debug=" + debug, "-cp", classPath, FaultServer.class.getName()));
            return new Child(new ProcessBuilder(cmd).redirectErrorStream(true).start());
        }

        int port() throws InterruptedException {
            String ready = awaitLine(l -> l.startsWith("READY "), 30);
            return Integer.parseInt(ready.substring("READY ".length()).strip());
        }

        String awaitLine(Predicate<String> p, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                int seen = 0;
                while (true) {
                    for (; seen < lines.size(); seen++) {
                        if (p.test(lines.get(seen))) {
                            return lines.get(seen);
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                        fail("the expected line did not come; the child printed:\n" + tail());
                    }
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        long count(String text) {
            synchronized (lines) {
                return lines.stream().filter(l -> l.contains(text)).count();
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        String tail() {
            synchronized (lines) {
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            }
        }

        Duration cpu() {
            return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Asks the server to stop and checks that its loop returned normally. */
        void quit(int port) throws Exception {
            try (Socket s = connect(port)) {
                send(s, "quit");
            }
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not stop:\n" + tail());
            assertEquals(0, process.exitValue(), "the server's loop did not return normally:\n" + tail());
            awaitLine(l -> l.equals("BYE"), 5);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    // ---- clients -------------------------------------------------------------------------------

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(15_000);
        return s;
    }

    private static void send(Socket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends one line on a new connection and returns the reply line. */
    private static String ask(int port, String line) throws IOException {
        try (Socket s = connect(port)) {
            send(s, line);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String reply = r.readLine();
            if (reply == null) {
                throw new IOException("closed without a reply");
            }
            return reply;
        }
    }

    /** Reads until the end of the stream; false if it did not come within the socket's timeout. */
    private static boolean drainToEof(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        try {
            while (in.read(buf) >= 0) {
                // discard what was sent before the connection was closed
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // closed with a reset: closed all the same
        }
    }
}
