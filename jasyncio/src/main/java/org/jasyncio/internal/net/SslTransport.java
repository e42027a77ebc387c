package org.jasyncio.internal.net;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.jasyncio.internal.WaterMarks;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Transport;

/**
 * The application's side of a TLS connection; CPython's {@code _SSLProtocolTransport}.
 * Writes are encrypted by its {@link SslProtocol}; TLS cannot half-close, so
 * {@link #writeEof()} is not supported.
 *
 * <p>Loop-affine.
 */
final class SslTransport implements Transport {
    private final SslProtocol ssl;
    private boolean closed;

    SslTransport(SslProtocol ssl) {
        this.ssl = ssl;
    }

    /** The TLS state machine under this transport. */
    SslProtocol protocol() {
        return ssl;
    }

    void markClosed() {
        closed = true;
    }

    /** Whether the protocol was told to pause writing (asyncio's {@code _protocol_paused}). */
    boolean protocolPaused() {
        return ssl.appWritingPaused();
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        Objects.requireNonNull(name, "name");
        return ssl.extraInfo(name, defaultValue);
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public void close() {
        ssl.checkThread("Transport.close()");
        if (!closed) {
            closed = true;
            ssl.startShutdown();
        }
    }

    @Override
    public void abort() {
        ssl.checkThread("Transport.abort()");
        closed = true;
        ssl.abort();
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        ssl.checkThread("Transport.setProtocol()");
        ssl.setAppProtocol(Objects.requireNonNull(protocol, "protocol"));
    }

    @Override
    public BaseProtocol getProtocol() {
        return ssl.appProtocol();
    }

    @Override
    public boolean isReading() {
        return !closed && !ssl.appReadingPaused();
    }

    @Override
    public void pauseReading() {
        ssl.checkThread("Transport.pauseReading()");
        if (!closed) {
            ssl.pauseAppReading();
        }
    }

    @Override
    public void resumeReading() {
        ssl.checkThread("Transport.resumeReading()");
        if (!closed) {
            ssl.resumeAppReading();
        }
    }

    private void checkWrite() {
        ssl.checkThread("Transport.write()");
    }

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        checkWrite();
        ssl.writeAppData(ByteBuffer.wrap(data, off, len));
    }

    @Override
    public void write(ByteBuffer data) {
        checkWrite();
        ssl.writeAppData(data);
    }

    @Override
    public void writelines(Iterable<byte[]> data) {
        Objects.requireNonNull(data, "data");
        checkWrite();
        for (byte[] d : data) {
            ssl.writeAppData(ByteBuffer.wrap(Objects.requireNonNull(d, "data element")));
        }
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("TLS does not support half-closes: writeEof() cannot be used on a "
                + "TLS transport (canWriteEof() is false)");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        SocketTransport l = ssl.lower();
        if (l == null) {
            throw new IllegalStateException("the TLS transport is not connected yet");
        }
        l.setWriteBufferLimits(high, low);
    }

    @Override
    public int[] getWriteBufferLimits() {
        SocketTransport l = ssl.lower();
        return l == null ? new int[] {WaterMarks.DEFAULT.low(), WaterMarks.DEFAULT.high()}
                : l.getWriteBufferLimits();
    }

    @Override
    public long getWriteBufferSize() {
        return ssl.writeBufferSize();
    }

    @Override
    public String toString() {
        return "<SslTransport " + (closed ? "closed " : "") + ssl + ">";
    }
}
