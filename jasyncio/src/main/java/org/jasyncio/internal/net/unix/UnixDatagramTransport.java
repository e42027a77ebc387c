package org.jasyncio.internal.net.unix;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;

import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.internal.WriteFlow;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.DatagramTransport;

/**
 * A Unix datagram endpoint; CPython's {@code _SelectorDatagramTransport} on an
 * {@code AF_UNIX} socket. The socket is a libc descriptor ({@link UnixDatagramSocket});
 * readiness comes from the JVM's {@link UnixPoller} thread, through this loop's inbox, and the
 * loop does every read and write itself, without blocking ({@code MSG_DONTWAIT}). Datagrams the
 * kernel refuses (its buffer is full) are queued (copies) and sent when the socket is writable,
 * with high/low-water flow control; send and receive errors go to the protocol's
 * {@code errorReceived}, as in asyncio.
 *
 * <p>Cost, next to a UDP endpoint on the selector: one inbox post and loop wake-up per
 * readiness event (a burst is drained in one, up to 16 datagrams), and the JVM-wide poller
 * thread.
 *
 * <p>Loop-affine.
 */
final class UnixDatagramTransport implements DatagramTransport {
    private static final Logger LOG = System.getLogger("org.jasyncio.transports");
    private static final int MAX_READS_PER_EVENT = 16;

    private record Pending(byte[] data, Path address) {}

    private final IoLoop io;
    private final EventLoop loop;
    private final UnixDatagramSocket sock;
    private final UnixPoller poller;
    private final long token;
    private final Path local;
    private final Path remote;
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private long bufferSize;
    private DatagramProtocol protocol;
    private boolean protocolConnected;
    private boolean closing;
    private boolean closedByUser;
    private int connLost;
    private boolean armed;
    private int armedEvents;
    private final WriteFlow flow;

    UnixDatagramTransport(IoLoop io, UnixDatagramSocket sock, DatagramProtocol protocol, Path local, Path remote,
            Future<Void> waiter) throws IOException {
        this.io = io;
        this.loop = io.eventLoop();
        this.sock = sock;
        this.protocol = protocol;
        this.local = local;
        this.remote = remote;
        this.flow = WriteFlow.reportingTo(loop, this, () -> this.protocol);
        this.poller = UnixPoller.get();
        this.token = poller.add(sock.fd(), bits -> loop.callSoonThreadsafe(() -> onEvent(bits)));
        LoopUnixEndpoints.add(loop, this);
        io.callSoonInternal(() -> start(waiter));
    }

    private void start(Future<Void> waiter) {
        if (connLost > 0) {
            waiter.trySetException(new IllegalStateException("the endpoint was closed before it started: " + this));
            return;
        }
        protocolConnected = true;
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.connectionMade() call failed.");
            waiter.trySetException(t);
            return;
        }
        rearm();
        if (!waiter.cancelled()) {
            waiter.trySetResult(null);
        }
    }

    // ---- readiness ----------------------------------------------------------------------

    /** The poller saw the socket ready; the one-shot registration is spent. */
    private void onEvent(int bits) {
        if (connLost > 0) {
            return;
        }
        armed = false;
        try {
            if ((bits & (Libc.EPOLLIN | Libc.EPOLLERR | Libc.EPOLLHUP)) != 0 && !closing) {
                readReady();
            }
            if (connLost == 0 && !buffer.isEmpty()) {
                writeReady();
            }
            rearm();
        } catch (Throwable t) {
            // an endpoint left disarmed would stall without a word: close it and report
            fatalError(t, "Fatal error on a Unix datagram endpoint");
        }
    }

    /** Arms the socket for what the transport waits for now: datagrams unless closing, writability if buffered. */
    private void rearm() {
        if (connLost > 0 || !sock.isOpen()) {
            return;
        }
        int events = (closing ? 0 : Libc.EPOLLIN) | (buffer.isEmpty() ? 0 : Libc.EPOLLOUT);
        if (armed && events == armedEvents) {
            return;
        }
        try {
            poller.arm(sock.fd(), token, events);
            armed = true;
            armedEvents = events;
        } catch (IOException e) {
            fatalError(e, "Fatal error: the Unix datagram socket cannot be watched");
        }
    }

    private void readReady() {
        for (int i = 0; i < MAX_READS_PER_EVENT && connLost == 0 && !closing; i++) {
            UnixDatagramSocket.Received r;
            try {
                r = sock.tryReceive();
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
            if (r == null) {
                return;
            }
            try {
                protocol.datagramReceived(r.data(), r.from() == null ? null : UnixDomainSocketAddress.of(r.from()));
            } catch (Throwable t) {
                fatalError(t, "Fatal error: protocol.datagramReceived() call failed.");
                return;
            }
        }
    }

    private void errorReceived(IOException e) {
        try {
            protocol.errorReceived(e);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.errorReceived() call failed.");
        }
    }

    // ---- sending ------------------------------------------------------------------------

    @Override
    public void sendto(byte[] data, SocketAddress address) {
        Objects.requireNonNull(data, "data");
        io.checkLoopThread("DatagramTransport.sendto()");
        Path to;
        if (remote != null) {
            if (address != null && !address.equals(UnixDomainSocketAddress.of(remote))) {
                throw new IllegalArgumentException("Invalid address: must be null or " + remote + ", got " + address);
            }
            to = null;
        } else if (address instanceof UnixDomainSocketAddress u) {
            to = u.getPath();
        } else if (address == null) {
            throw new IllegalArgumentException("this endpoint has no remote path: give the destination");
        } else {
            throw new IllegalArgumentException("a Unix datagram endpoint sends to a UnixDomainSocketAddress, got "
                    + address);
        }
        if (closedByUser) {
            throw new IllegalStateException("sendto() on a transport that was closed: " + this);
        }
        if (connLost > 0) {
            if (connLost >= 5) {
                LOG.log(Level.WARNING, "socket.send() raised exception: " + this + " is closed; the datagram was "
                        + "dropped (" + connLost + " sends)");
            }
            connLost++;
            return;
        }
        if (buffer.isEmpty()) {
            try {
                if (sock.trySend(data, to, remote)) {
                    return;
                }
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
        }
        buffer.addLast(new Pending(data.clone(), to));
        bufferSize += data.length;
        rearm();
        flow.maybePause(bufferSize);
    }

    private void writeReady() {
        while (!buffer.isEmpty() && connLost == 0) {
            Pending p = buffer.peekFirst();
            boolean sent;
            try {
                sent = sock.trySend(p.data, p.address, remote);
            } catch (IOException e) {
                buffer.pollFirst();
                bufferSize -= p.data.length;
                errorReceived(e);
                continue;
            }
            if (!sent) {
                break;
            }
            buffer.pollFirst();
            bufferSize -= p.data.length;
        }
        flow.maybeResume(bufferSize);
        if (buffer.isEmpty() && closing && connLost == 0) {
            connLost++;
            callConnectionLost(null);
        }
    }

    // ---- closing ------------------------------------------------------------------------

    @Override
    public void close() {
        io.checkLoopThread("Transport.close()");
        closedByUser = true;
        if (closing) {
            return;
        }
        closing = true;
        if (buffer.isEmpty()) {
            connLost++;
            io.callSoonInternal(() -> callConnectionLost(null));
        } else {
            rearm();
        }
    }

    @Override
    public void abort() {
        io.checkLoopThread("Transport.abort()");
        closedByUser = true;
        forceClose(null);
    }

    private void forceClose(Exception exc) {
        if (connLost > 0) {
            return;
        }
        buffer.clear();
        bufferSize = 0;
        closing = true;
        connLost++;
        io.callSoonInternal(() -> callConnectionLost(exc));
    }

    private void callConnectionLost(Exception exc) {
        try {
            if (protocolConnected) {
                protocolConnected = false;
                protocol.connectionLost(exc);
            }
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.builder("Exception in connectionLost()").exception(t)
                    .put("transport", this).put("protocol", protocol).build());
        } finally {
            closeSocket();
        }
    }

    /** Stops watching the socket, closes it, forgets it; idempotent. */
    void closeSocket() {
        if (!sock.isOpen()) {
            return;
        }
        poller.remove(sock.fd(), token);
        sock.close();
        LoopUnixEndpoints.remove(loop, this);
    }

    /** The loop closes: the socket goes with it (no descriptor outlives its loop). */
    void loopClosing() {
        buffer.clear();
        bufferSize = 0;
        closing = true;
        connLost = Math.max(connLost, 1);
        if (sock.isOpen()) {
            poller.remove(sock.fd(), token);
            sock.close();
        }
    }

    private void fatalError(Throwable exc, String message) {
        forceClose(exc instanceof Exception e ? e : new RuntimeException(exc));
        if (exc instanceof IOException) {
            LOG.log(Level.DEBUG, this + ": " + message, exc);
        } else {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc).put("transport", this)
                    .put("protocol", protocol).build());
        }
    }

    // ---- flow control and the rest of the interface -----------------------------------------

    @Override
    public void setWriteBufferLimits(int high, int low) {
        io.checkLoopThread("Transport.setWriteBufferLimits()");
        flow.setLimits(high, low, bufferSize);
    }

    @Override
    public long getWriteBufferSize() {
        return bufferSize;
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return switch (name) {
            case "sockname" -> local == null ? defaultValue : UnixDomainSocketAddress.of(local);
            case "peername" -> remote == null ? defaultValue : UnixDomainSocketAddress.of(remote);
            default -> defaultValue;
        };
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        io.checkLoopThread("Transport.setProtocol()");
        if (!(protocol instanceof DatagramProtocol dp)) {
            throw new IllegalArgumentException("a datagram transport needs a DatagramProtocol, got " + protocol);
        }
        this.protocol = dp;
        protocolConnected = true;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return "<UnixDatagramTransport " + (connLost > 0 && !sock.isOpen() ? "closed " : closing ? "closing " : "")
                + "local=" + local + " remote=" + remote + (bufferSize > 0 ? " buffered=" + bufferSize : "") + ">";
    }
}
