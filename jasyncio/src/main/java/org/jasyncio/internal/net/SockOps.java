package org.jasyncio.internal.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.Datagram;
import org.jasyncio.transports.NameInfo;

/**
 * asyncio's {@code sock_*} coroutines and name resolution (CPython's
 * {@code selector_events.BaseSelectorEventLoop.sock_*} and {@code base_events.getaddrinfo}):
 * try the non-blocking operation; if it would block, wait for readiness with
 * {@code addReader}/{@code addWriter} and a future, then retry. Called by the loop, in a
 * task of that loop.
 */
public final class SockOps {
    private SockOps() {}

    static void checkNonBlocking(SelectableChannel ch) {
        Objects.requireNonNull(ch, "sock");
        if (ch.isBlocking()) {
            throw new IllegalArgumentException("the socket must be non-blocking (call configureBlocking(false)): " + ch);
        }
    }

    /** Waits until {@code op} returns non-null, retrying it each time the channel is ready. */
    private static <T> T await(EventLoop loop, SelectableChannel ch, boolean write, IoCall<T> op) throws IOException {
        T first = op.call();
        if (first != null) {
            return first;
        }
        Future<T> fut = loop.createFuture();
        Runnable retry = () -> {
            if (fut.done()) {
                return;
            }
            try {
                T r = op.call();
                if (r != null) {
                    fut.setResult(r);
                }
            } catch (Throwable t) {
                fut.setException(t);
            }
        };
        if (write) {
            loop.addWriter(ch, retry);
        } else {
            loop.addReader(ch, retry);
        }
        try {
            return awaitIo(fut);
        } finally {
            if (ch.isOpen()) {
                if (write) {
                    loop.removeWriter(ch);
                } else {
                    loop.removeReader(ch);
                }
            }
        }
    }

    /** Awaits a future whose failures are I/O errors (or unchecked). */
    static <T> T awaitIo(Future<T> fut) throws IOException {
        try {
            return fut.await();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** A non-blocking attempt: a result, or null when it would block. */
    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * asyncio's {@code sock_connect}.
     *
     * @param loop the loop
     * @param sock the socket
     * @param address where to connect
     * @throws IOException if connecting fails
     */
    public static void connect(EventLoop loop, SocketChannel sock, SocketAddress address) throws IOException {
        checkNonBlocking(sock);
        Objects.requireNonNull(address, "address");
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            address = getaddrinfo(loop, isa.getHostString(), isa.getPort()).get(0);
        }
        if (sock.connect(address)) {
            return;
        }
        await(loop, sock, true, () -> sock.finishConnect() ? Boolean.TRUE : null);
    }

    /**
     * asyncio's {@code sock_accept}.
     *
     * @param loop the loop
     * @param sock the listening socket
     * @return the accepted socket, non-blocking
     * @throws IOException if accepting fails
     */
    public static SocketChannel accept(EventLoop loop, ServerSocketChannel sock) throws IOException {
        checkNonBlocking(sock);
        SocketChannel ch = await(loop, sock, false, sock::accept);
        ch.configureBlocking(false);
        return ch;
    }

    /**
     * asyncio's {@code sock_recv}.
     *
     * @param loop the loop
     * @param sock the socket
     * @param nbytes the most to receive
     * @return the bytes, empty at end of stream
     * @throws IOException if reading fails
     */
    public static byte[] recv(EventLoop loop, SocketChannel sock, int nbytes) throws IOException {
        checkNonBlocking(sock);
        if (nbytes < 1) {
            throw new IllegalArgumentException("nbytes must be at least 1, got " + nbytes);
        }
        ByteBuffer buf = ByteBuffer.allocate(nbytes);
        int n = recvInto(loop, sock, buf);
        return n == nbytes ? buf.array() : Arrays.copyOf(buf.array(), n);
    }

    /**
     * asyncio's {@code sock_recv_into}.
     *
     * @param loop the loop
     * @param sock the socket
     * @param buffer where to put the bytes
     * @return the count, 0 at end of stream
     * @throws IOException if reading fails
     */
    public static int recvInto(EventLoop loop, SocketChannel sock, ByteBuffer buffer) throws IOException {
        checkNonBlocking(sock);
        if (!buffer.hasRemaining()) {
            throw new IllegalArgumentException("the buffer has no room: " + buffer);
        }
        return await(loop, sock, false, () -> {
            int n = sock.read(buffer);
            return n == 0 ? null : Math.max(n, 0);
        });
    }

    /**
     * asyncio's {@code sock_sendall}.
     *
     * @param loop the loop
     * @param sock the socket
     * @param data the bytes
     * @throws IOException if writing fails
     */
    public static void sendall(EventLoop loop, SocketChannel sock, ByteBuffer data) throws IOException {
        checkNonBlocking(sock);
        Objects.requireNonNull(data, "data");
        await(loop, sock, true, () -> {
            while (data.hasRemaining()) {
                if (sock.write(data) == 0) {
                    return null;
                }
            }
            return Boolean.TRUE;
        });
    }

    /**
     * asyncio's {@code sock_recvfrom}.
     *
     * @param loop the loop
     * @param sock the socket
     * @param bufsize the largest payload kept
     * @return the datagram
     * @throws IOException if receiving fails
     */
    public static Datagram recvfrom(EventLoop loop, DatagramChannel sock, int bufsize) throws IOException {
        checkNonBlocking(sock);
        if (bufsize < 1) {
            throw new IllegalArgumentException("bufsize must be at least 1, got " + bufsize);
        }
        ByteBuffer buf = ByteBuffer.allocate(bufsize);
        return await(loop, sock, false, () -> {
            SocketAddress from = sock.receive(buf);
            if (from == null) {
                return null;
            }
            return new Datagram(Arrays.copyOf(buf.array(), buf.position()), from);
        });
    }

    /**
     * asyncio's {@code sock_sendto}.
     *
     * @param loop the loop
     * @param sock the socket
     * @param data the payload
     * @param address the destination, or null when connected
     * @return the bytes sent
     * @throws IOException if sending fails
     */
    public static int sendto(EventLoop loop, DatagramChannel sock, byte[] data, SocketAddress address)
            throws IOException {
        checkNonBlocking(sock);
        Objects.requireNonNull(data, "data");
        ByteBuffer buf = ByteBuffer.wrap(data);
        return await(loop, sock, true, () -> {
            int n = address == null ? sock.write(buf) : sock.send(buf, address);
            return n == 0 && data.length > 0 ? null : n;
        });
    }

    // ---- names ------------------------------------------------------------------------

    /**
     * asyncio's {@code getaddrinfo}: IP literals at once, names in the default executor.
     *
     * @param loop the loop
     * @param host the name or literal; null for loopback
     * @param port the port
     * @return the addresses
     * @throws UnknownHostException if the name does not resolve
     */
    public static List<InetSocketAddress> getaddrinfo(EventLoop loop, String host, int port)
            throws UnknownHostException {
        checkPort(port);
        InetAddress literal = literal(host);
        if (literal != null) {
            return List.of(new InetSocketAddress(literal, port));
        }
        InetAddress[] all = inExecutor(loop, () -> InetAddress.getAllByName(host), UnknownHostException.class);
        List<InetSocketAddress> r = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            r.add(new InetSocketAddress(a, port));
        }
        return List.copyOf(r);
    }

    /**
     * asyncio's {@code getnameinfo}, with a numeric service.
     *
     * @param loop the loop
     * @param address a resolved address
     * @return the host name and the port
     */
    public static NameInfo getnameinfo(EventLoop loop, InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("address is unresolved: " + address);
        }
        String host = inExecutor(loop, () -> address.getAddress().getHostName(), RuntimeException.class);
        return new NameInfo(host, Integer.toString(address.getPort()));
    }

    /** The address of an IP literal, or null for a name (null host: the loopback address). */
    static InetAddress literal(String host) {
        if (host == null) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }

    /**
     * The JDK's "Unix domain path too long" names neither the path nor the limit: this
     * error does. Other errors are returned as they are.
     */
    static IOException namingUnixPath(IOException e, Path path) {
        String m = e.getMessage();
        if (!(e instanceof SocketException) || m == null || !m.contains("path too long")) {
            return e;
        }
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        SocketException named = new SocketException("Unix domain path too long: " + path + " is " + bytes
                + " bytes; the limit is " + UNIX_PATH_MAX + " bytes (sun_path) including the terminating NUL");
        named.initCause(e);
        return named;
    }

    /** Linux's sizeof(sun_path). */
    static final int UNIX_PATH_MAX = 108;

    static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
    }

    /** Resolves an address that may be unresolved (through getaddrinfo), keeping the first result. */
    static InetSocketAddress resolve(EventLoop loop, InetSocketAddress a) throws UnknownHostException {
        if (!a.isUnresolved()) {
            return a;
        }
        return getaddrinfo(loop, a.getHostString(), a.getPort()).get(0);
    }

    private static <T, E extends Exception> T inExecutor(EventLoop loop, Callable<T> fn, Class<E> checked) throws E {
        Future<T> f = loop.runInExecutor(null, fn);
        try {
            return f.await();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            if (checked.isInstance(e)) {
                throw checked.cast(e);
            }
            if (e instanceof InterruptedIOException || e instanceof InterruptedException) {
                throw new IllegalStateException("name resolution interrupted", e);
            }
            throw new IllegalStateException(e);
        }
    }
}
