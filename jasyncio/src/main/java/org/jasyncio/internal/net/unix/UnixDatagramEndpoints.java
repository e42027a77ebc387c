package org.jasyncio.internal.net.unix;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.DatagramEndpoint;
import org.jasyncio.transports.DatagramProtocol;

/**
 * asyncio's {@code create_datagram_endpoint(family=socket.AF_UNIX, local_addr=path,
 * remote_addr=path)}: a socket file left at the local path is removed first, as asyncio does
 * (another file there is left alone, and binding then fails with "Address already in use");
 * closing the endpoint leaves its socket file in place, as asyncio does.
 */
public final class UnixDatagramEndpoints {
    private static final Logger LOG = System.getLogger("org.jasyncio.transports");
    /** S_IFMT and S_IFSOCK of st_mode. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixDatagramEndpoints() {}

    /**
     * Opens the endpoint, in a task of the loop.
     *
     * @param <P> the protocol type
     * @param io the loop's I/O side
     * @param factory makes the protocol
     * @param local the path to bind, or null
     * @param remote the path to connect to, or null
     * @return the transport and the protocol
     * @throws IOException if binding or connecting fails
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> create(IoLoop io, Supplier<? extends P> factory,
            Path local, Path remote) throws IOException {
        Objects.requireNonNull(factory, "protocolFactory");
        EventLoop loop = io.eventLoop();
        if (local != null) {
            removeStaleSocket(local);
        }
        UnixDatagramSocket sock = UnixDatagramSocket.open();
        P protocol;
        UnixDatagramTransport transport;
        Future<Void> waiter = loop.createFuture();
        try {
            if (local != null) {
                sock.bind(local);
            }
            if (remote != null) {
                sock.connect(remote);
            }
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            transport = new UnixDatagramTransport(io, sock, protocol, local, remote, waiter);
        } catch (Throwable t) {
            sock.close();
            throw t;
        }
        try {
            waiter.await();
        } catch (IOException | RuntimeException | Error e) {
            transport.close();
            throw e;
        } catch (Exception e) {
            transport.close();
            throw new IOException(e);
        }
        return new DatagramEndpoint<>(transport, protocol);
    }

    /**
     * Tells whether {@code loop} has an open Unix datagram endpoint: a datagram may arrive
     * from outside, as on a selector key with interest (a virtual clock then waits before it
     * jumps). Loop thread.
     *
     * @param loop the loop
     * @return {@code true} if one is open
     */
    public static boolean anyOpen(EventLoop loop) {
        return LoopUnixEndpoints.anyOpen(loop);
    }

    /** asyncio removes a socket file left at the local path (by an endpoint that did not unlink it). */
    private static void removeStaleSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            if ((mode & S_IFMT) == S_IFSOCK) {
                Files.delete(path);
            }
        } catch (NoSuchFileException absent) {
            // nothing to remove
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // the directory may only allow creating the socket
            LOG.log(Level.ERROR, "Unable to check or remove stale UNIX socket " + path + ": " + e);
        }
    }
}
