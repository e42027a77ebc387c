package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix domain stream sockets (CPython test_unix_events: create_unix_server / create_unix_connection). */
class UnixSocketTest {
    @TempDir
    Path dir;

    @Test
    void echoOverAUnixSocket() throws Exception {
        Path path = dir.resolve("echo.sock");
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createUnixServer(SocketTransportTest.Echo::new, path)) {
                assertEquals(List.of(UnixDomainSocketAddress.of(path)), s.addresses());
                Connection<Recorder> c = loop.createUnixConnection(Recorder::new, path);
                assertEquals(UnixDomainSocketAddress.of(path), c.transport().getExtraInfo("peername"));
                c.transport().write("over unix".getBytes());
                c.transport().writeEof();
                c.protocol().awaitLost();
                assertEquals("over unix", c.protocol().received.toString());
                assertEquals(List.of("made", "eof", "lost"), c.protocol().events);
                // the SocketAddress form reaches the same server
                Connection<Recorder> c2 = loop.createConnection(Recorder::new, UnixDomainSocketAddress.of(path),
                        ConnectionOptions.defaults());
                c2.transport().close();
            }
            assertFalse(Files.exists(path), "the socket file is removed when the server closes");
        });
    }

    @Test
    void aStaleSocketFileIsReplacedButOtherFilesAreNot() throws Exception {
        // test_unix_events.test_create_unix_server_existing_path_sock / _nonsock
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        Path regular = Files.writeString(dir.resolve("regular"), "keep me");
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            try (Server s = loop.createUnixServer(Recorder::new, stale)) {
                loop.createUnixConnection(Recorder::new, stale).transport().close();
            }
            assertThrows(FileAlreadyExistsException.class, () -> loop.createUnixServer(Recorder::new, regular));
            assertEquals("keep me", Files.readString(regular));
        });
    }

    @Test
    void connectingToNothingFails() throws Exception {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertThrows(java.io.IOException.class, () -> loop.createUnixConnection(Recorder::new, dir.resolve("none")));
            assertThrows(IllegalArgumentException.class, () -> loop.createUnixConnection(Recorder::new,
                    dir.resolve("x"), ConnectionOptions.defaults().withSsl(javax.net.ssl.SSLContext.getDefault())),
                    "TLS over a Unix socket needs a server host name");
        });
    }
}
