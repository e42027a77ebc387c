package org.jasyncio.internal.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Objects;

import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.DatagramProtocol;
import org.jasyncio.transports.DatagramTransport;

/**
 * A UDP transport; CPython's {@code _SelectorDatagramTransport}. Datagrams the kernel
 * refuses are queued (copies) and sent when the socket is writable; send and receive errors
 * go to the protocol's {@code errorReceived}.
 *
 * <p>Loop-affine.
 */
final class DatagramSocketTransport extends SelectorTransport implements DatagramTransport {
    private record Pending(ByteBuffer data, SocketAddress address) {}

    private final DatagramChannel ch;
    private final SocketAddress remote;
    /** Connected to {@link #remote}; a broadcast endpoint is not, and sends to it with send(). */
    private final boolean connected;
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private long bufferSize;

    DatagramSocketTransport(IoLoop io, DatagramChannel ch, DatagramProtocol protocol, SocketAddress remote,
            Future<Void> waiter) throws IOException {
        super(io, ch, protocol, null);
        this.ch = ch;
        this.remote = remote;
        this.connected = ch.isConnected();
        extra.put("socket", ch);
        extra.put("sockname", ch.getLocalAddress());
        if (remote != null && connected) {
            extra.put("peername", remote);
        }
        register();
        io.callSoonInternal(() -> start(waiter));
    }

    private void start(Future<Void> waiter) {
        protocolConnected = true;
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.connectionMade() call failed.");
            waiter.trySetException(t);
            return;
        }
        if (!closing) {
            setInterest(SelectionKey.OP_READ, true);
        }
        if (!waiter.cancelled()) {
            waiter.trySetResult(null);
        }
    }

    private DatagramProtocol dp() {
        return (DatagramProtocol) protocol;
    }

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        int ops = k.readyOps();
        if ((ops & SelectionKey.OP_READ) != 0 && connLost == 0 && hasInterest(SelectionKey.OP_READ)) {
            readReady();
        }
        if ((ops & SelectionKey.OP_WRITE) != 0 && k.isValid() && hasInterest(SelectionKey.OP_WRITE)) {
            writeReady();
        }
    }

    private void readReady() {
        for (int i = 0; i < MAX_READS_PER_EVENT && connLost == 0 && !closing; i++) {
            ByteBuffer buf = io.readBuffer();
            SocketAddress from;
            try {
                from = ch.receive(buf);
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
            if (from == null) {
                return;
            }
            byte[] data = new byte[buf.position()];
            buf.flip().get(data);
            try {
                dp().datagramReceived(data, from);
            } catch (Throwable t) {
                fatalError(t, "Fatal error: protocol.datagramReceived() call failed.");
                return;
            }
        }
    }

    private void errorReceived(IOException e) {
        try {
            dp().errorReceived(e);
        } catch (Throwable t) {
            fatalError(t, "Fatal error: protocol.errorReceived() call failed.");
        }
    }

    @Override
    public void sendto(byte[] data, SocketAddress address) {
        Objects.requireNonNull(data, "data");
        checkThread("DatagramTransport.sendto()");
        if (remote != null) {
            if (address != null && !address.equals(remote)) {
                throw new IllegalArgumentException("Invalid address: must be null or " + remote + ", got " + address);
            }
            address = connected ? null : remote;
        } else if (address == null) {
            throw new IllegalArgumentException("this endpoint has no remote address: give the destination");
        }
        if (connLost > 0) {
            droppedWrite();
            return;
        }
        if (buffer.isEmpty()) {
            try {
                int n = address == null ? ch.write(ByteBuffer.wrap(data)) : ch.send(ByteBuffer.wrap(data), address);
                if (n > 0 || data.length == 0) {
                    return;
                }
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
        }
        buffer.addLast(new Pending(ByteBuffer.wrap(data.clone()), address));
        bufferSize += data.length;
        setInterest(SelectionKey.OP_WRITE, true);
        maybePauseProtocol();
    }

    private void writeReady() {
        while (!buffer.isEmpty()) {
            Pending p = buffer.peekFirst();
            int n;
            try {
                n = p.address == null ? ch.write(p.data) : ch.send(p.data, p.address);
            } catch (IOException e) {
                buffer.pollFirst();
                bufferSize -= p.data.capacity();
                errorReceived(e);
                if (connLost > 0) {
                    return;
                }
                continue;
            }
            if (n == 0 && p.data.capacity() > 0) {
                break;
            }
            buffer.pollFirst();
            bufferSize -= p.data.capacity();
        }
        maybeResumeProtocol();
        if (buffer.isEmpty()) {
            setInterest(SelectionKey.OP_WRITE, false);
            if (closing && connLost == 0) {
                connLost++;
                callConnectionLost(null);
            }
        }
    }

    @Override
    long bufferSize() {
        return bufferSize;
    }

    @Override
    void clearBuffer() {
        buffer.clear();
        bufferSize = 0;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        checkThread("Transport.setProtocol()");
        if (!(protocol instanceof DatagramProtocol)) {
            throw new IllegalArgumentException("a datagram transport needs a DatagramProtocol, got " + protocol);
        }
        this.protocol = protocol;
        protocolConnected = true;
    }
}
