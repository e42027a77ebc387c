package org.jasyncio.internal.net.unix;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A non-blocking {@code AF_UNIX}/{@code SOCK_DGRAM} socket: a descriptor from libc's
 * {@code socket(2)} (the JDK's {@code DatagramChannel} has no Unix family), with its native
 * buffers. Failures become the JDK's exceptions for the same {@code errno}, naming the path:
 * {@link BindException} for an address in use, {@link NoSuchFileException} for a missing
 * path, {@link AccessDeniedException}, {@link ConnectException} when nobody is bound there,
 * else {@link SocketException} with libc's message.
 *
 * <p>Loop-affine: the transport that owns it calls it from its loop (the loop thread or its
 * tasks); only {@link #fd()} is read by the poller thread, at registration.
 */
final class UnixDatagramSocket {
    /** The largest datagram received whole (asyncio reads up to 256 KiB); longer ones are cut. */
    static final int MAX_DATAGRAM = 256 * 1024;

    /** One received datagram; {@code from} is null when the sender is not bound to a path. */
    record Received(byte[] data, Path from) {}

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = Libc.callState(arena);
    private final MemorySegment addr = arena.allocate(Libc.SOCKADDR_UN_SIZE);
    private final MemorySegment addrLen = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment recvBuf = arena.allocate(MAX_DATAGRAM);
    private final MemorySegment sendBuf = arena.allocate(64 * 1024);
    private final int fd;
    private boolean closed;

    private UnixDatagramSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a socket (non-blocking, close-on-exec).
     *
     * @throws UnsupportedOperationException if this platform or JVM cannot call libc
     */
    static UnixDatagramSocket open() throws IOException {
        Libc.check();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.callState(a);
            int fd = Libc.socket(st, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int e = Libc.errno(st);
                throw new SocketException("socket(AF_UNIX, SOCK_DGRAM) failed: " + Libc.strerror(e));
            }
            return new UnixDatagramSocket(fd);
        }
    }

    int fd() {
        return fd;
    }

    boolean isOpen() {
        return !closed;
    }

    /** Writes {@code path} as a sockaddr_un into {@link #addr}; returns its length. */
    private int address(Path path) throws SocketException {
        byte[] b = path.toString().getBytes(UTF_8);
        if (b.length == 0) {
            throw new IllegalArgumentException("an empty path is not a Unix socket address");
        }
        if (b.length >= Libc.SUN_PATH_MAX) {
            throw new SocketException("AF_UNIX path too long: " + b.length + " bytes, the limit is "
                    + (Libc.SUN_PATH_MAX - 1) + ": " + path);
        }
        addr.fill((byte) 0);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(b, 0, addr, ValueLayout.JAVA_BYTE, 2, b.length);
        return 2 + b.length + 1;
    }

    void bind(Path path) throws IOException {
        int len = address(path);
        if (Libc.bind(state, fd, addr, len) != 0) {
            throw error("bind", Libc.errno(state), path);
        }
    }

    void connect(Path path) throws IOException {
        int len = address(path);
        if (Libc.connect(state, fd, addr, len) != 0) {
            throw error("connect", Libc.errno(state), path);
        }
    }

    /**
     * Sends one datagram without waiting.
     *
     * @param to the destination, or null on a connected socket
     * @param peer the connected peer, for messages
     * @return false if the socket's buffer is full (EAGAIN); nothing was sent
     */
    boolean trySend(byte[] data, Path to, Path peer) throws IOException {
        int len = to == null ? 0 : address(to);
        MemorySegment dest = to == null ? MemorySegment.NULL : addr;
        long n;
        if (data.length <= sendBuf.byteSize()) {
            MemorySegment.copy(data, 0, sendBuf, ValueLayout.JAVA_BYTE, 0, data.length);
            n = Libc.sendto(state, fd, sendBuf, data.length, Libc.MSG_DONTWAIT, dest, len);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment big = a.allocateFrom(ValueLayout.JAVA_BYTE, data);
                n = Libc.sendto(state, fd, big, data.length, Libc.MSG_DONTWAIT, dest, len);
            }
        }
        if (n >= 0) {
            return true;
        }
        int e = Libc.errno(state);
        if (e == Libc.EAGAIN || e == Libc.EINTR) {
            return false;
        }
        throw error("sendto", e, to != null ? to : peer);
    }

    /**
     * Receives one datagram without waiting.
     *
     * @return the datagram, or null if none is waiting (EAGAIN)
     */
    Received tryReceive() throws IOException {
        addrLen.set(ValueLayout.JAVA_INT, 0, Libc.SOCKADDR_UN_SIZE);
        long n = Libc.recvfrom(state, fd, recvBuf, recvBuf.byteSize(), Libc.MSG_DONTWAIT, addr, addrLen);
        if (n < 0) {
            int e = Libc.errno(state);
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                return null;
            }
            throw error("recvfrom", e, null);
        }
        byte[] data = recvBuf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        return new Received(data, fromAddress(addrLen.get(ValueLayout.JAVA_INT, 0)));
    }

    /** The sender's path; null when it is unnamed or abstract (no file system path). */
    private Path fromAddress(int len) {
        if (len <= 2 || addr.get(ValueLayout.JAVA_BYTE, 2) == 0) {
            return null;
        }
        int end = 2;
        while (end < len && end < Libc.SOCKADDR_UN_SIZE && addr.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        byte[] b = addr.asSlice(2, end - 2).toArray(ValueLayout.JAVA_BYTE);
        return Path.of(new String(b, UTF_8));
    }

    /** Closes the descriptor and frees the buffers; idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(state, fd);
        arena.close();
    }

    static IOException error(String call, int errno, Path path) {
        String what = call + "() failed: " + Libc.strerror(errno) + (path == null ? "" : ": " + path);
        String file = path == null ? null : path.toString();
        return switch (errno) {
            case Libc.EADDRINUSE -> new BindException("Address already in use: " + path);
            case Libc.ENOENT -> new NoSuchFileException(file, null, what);
            case Libc.EACCES -> new AccessDeniedException(file, null, what);
            case Libc.ECONNREFUSED -> new ConnectException("Connection refused: nobody is bound to " + path
                    + " (" + call + ")");
            default -> new SocketException(what);
        };
    }

    @Override
    public String toString() {
        return "<unix datagram socket fd=" + fd + (closed ? " closed" : "") + ">";
    }
}
