package org.jasyncio.cpython;

import static org.junit.jupiter.api.Assertions.*;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code AF_UNIX} datagram tests of CPython's test_base_events.py
 * ({@code BaseEventLoopWithSelectorTests}), on {@code createUnixDatagramEndpoint}.
 */
class TestBaseEventsUnixDatagram {
    @TempDir
    Path dir;
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = Asyncio.newEventLoop();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }

    /** CPython's MyDatagramProto(create_future=True). */
    static final class MyDatagramProto implements DatagramProtocol {
        String state = "INITIAL";
        final Future<Void> done;

        MyDatagramProto(EventLoop loop) {
            this.done = loop.createFuture();
        }

        @Override
        public void connectionMade(BaseTransport transport) {
            state = "INITIALIZED";
        }

        @Override
        public void connectionLost(Exception exc) {
            state = "CLOSED";
            done.trySetResult(null);
        }
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_sock_unix
    @Test
    void testCreateDatagramEndpointSockUnix() throws Exception {
        loop.runUntilComplete(() -> {
            DatagramEndpoint<MyDatagramProto> e = loop.createUnixDatagramEndpoint(() -> new MyDatagramProto(loop),
                    null, null);
            assertEquals("INITIALIZED", e.protocol().state);
            assertNull(e.transport().getExtraInfo("sockname"), "an unbound Unix socket");
            e.transport().close();
            e.protocol().done.await();
            assertEquals("CLOSED", e.protocol().state);
        });
    }

    // CPython: test_base_events.py::BaseEventLoopWithSelectorTests::test_create_datagram_endpoint_existing_sock_unix
    @Test
    void testCreateDatagramEndpointExistingSockUnix() throws Exception {
        Path path = dir.resolve("existing.sock");
        try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            sock.bind(UnixDomainSocketAddress.of(path)); // closing leaves the socket file
        }
        assertTrue(Files.exists(path));
        loop.runUntilComplete(() -> {
            DatagramEndpoint<MyDatagramProto> e = loop.createUnixDatagramEndpoint(() -> new MyDatagramProto(loop),
                    path, null);
            e.transport().close();
            e.protocol().done.await();
        });
    }
}
