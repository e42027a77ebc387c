package org.jasyncio.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadTransport;

/**
 * The read end of a selectable pipe ({@link java.nio.channels.Pipe.SourceChannel}, or a socket
 * used as one) watched by the loop's selector; CPython's {@code _UnixReadPipeTransport}.
 *
 * <p>A readable event reads into the loop's shared buffer, up to 16 times while reads fill it,
 * and hands a copy to {@code dataReceived}. At the end of the pipe it stops reading and calls
 * {@code eofReceived} then {@code connectionLost(null)} on the next iterations, and closes the
 * channel, as asyncio's does. A protocol callback that throws goes to the loop's exception
 * handler and the pipe stays open, as under asyncio, where the exception leaves the reader
 * callback.
 *
 * <p>Loop-affine.
 */
final class SelectorReadPipeTransport extends SelectorTransport implements ReadTransport {
    private final ReadableByteChannel ch;
    private boolean paused;

    SelectorReadPipeTransport(IoLoop io, SelectableChannel ch, Protocol protocol, Future<Void> waiter, Object pipe)
            throws IOException {
        super(io, ch, protocol, null);
        this.ch = (ReadableByteChannel) ch;
        extra.put("pipe", pipe);
        ch.configureBlocking(false);
        register();
        io.callSoonInternal(() -> start(waiter));
    }

    /** asyncio's order: connection_made, then the reader is added, then the waiter is done. */
    private void start(Future<Void> waiter) {
        protocolConnected = true;
        // as asyncio, where connection_made is a callback of its own: a failure is reported and
        // the pipe goes on
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            reportCallback("connectionMade", t);
        }
        if (!closing && !paused) {
            setInterest(SelectionKey.OP_READ, true);
        }
        waiter.trySetResult(null);
    }

    @Override
    public void ready(SelectionKey k) {
        if (!k.isValid() || (k.readyOps() & SelectionKey.OP_READ) == 0) {
            return;
        }
        for (int i = 0; i < MAX_READS_PER_EVENT && !closing && !paused; i++) {
            ByteBuffer buf = io.readBuffer();
            int n;
            try {
                n = ch.read(buf);
            } catch (IOException e) {
                fatalError(e, "Fatal read error on pipe transport");
                return;
            }
            if (n < 0) {
                onEof();
                return;
            }
            if (n == 0) {
                return;
            }
            byte[] data = new byte[n];
            buf.flip().get(data);
            call("dataReceived", () -> ((Protocol) protocol).dataReceived(data));
            if (n < buf.capacity()) {
                return;
            }
        }
    }

    /** asyncio: closing, reader removed, then eof_received and connection_lost(None) are scheduled. */
    private void onEof() {
        if (io.debug()) {
            LOG.log(System.Logger.Level.INFO, this + " was closed by peer");
        }
        closing = true;
        setInterest(SelectionKey.OP_READ, false);
        connLost++;
        io.callSoonInternal(() -> call("eofReceived", () -> ((Protocol) protocol).eofReceived()));
        io.callSoonInternal(() -> callConnectionLost(null));
    }

    private void call(String what, Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            reportCallback(what, t);
        }
    }

    @Override
    public boolean isReading() {
        return !closing && !paused;
    }

    @Override
    public void pauseReading() {
        checkThread("ReadTransport.pauseReading()");
        if (closing || paused) {
            return;
        }
        paused = true;
        setInterest(SelectionKey.OP_READ, false);
    }

    @Override
    public void resumeReading() {
        checkThread("ReadTransport.resumeReading()");
        if (closing || !paused) {
            return;
        }
        paused = false;
        if (protocolConnected) {
            setInterest(SelectionKey.OP_READ, true);
        }
    }

    @Override
    long bufferSize() {
        return 0;
    }

    @Override
    void clearBuffer() {
        // nothing is buffered on the read side
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        checkThread("Transport.setProtocol()");
        Objects.requireNonNull(protocol, "protocol");
        if (!(protocol instanceof Protocol)) {
            throw new IllegalArgumentException("a read pipe needs a Protocol, got " + protocol.getClass().getName());
        }
        this.protocol = protocol;
    }
}
