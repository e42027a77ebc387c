package org.jasyncio.streams;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Task;
import org.jasyncio.internal.LoopInternals;
import org.jasyncio.internal.ReceiveViews;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.BufferedProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.transports.WriteTransport;

/**
 * The protocol between a transport and a {@link StreamReader} (and the
 * {@link FlowControl} of its {@link StreamWriter}); asyncio's
 * {@code asyncio.StreamReaderProtocol}.
 *
 * <p>Data received is fed to the reader; end of file and connection loss end it. A socket
 * transport hands over arrays of exactly the bytes read, which the reader adopts without a
 * copy; a TLS transport copies the plaintext it decrypted straight into the reader's buffer
 * (the way of a {@link BufferedProtocol}), with no array per TLS record.
 * Write-side flow control goes to {@link #flowControl()}. With a
 * {@link ClientConnectedCallback} (servers), it makes a {@link StreamWriter} when the
 * connection is made and runs the callback in a new task.
 *
 * <p>Loop-affine: the transport calls it on the loop thread.
 *
 * @since 0.1
 */
public final class StreamReaderProtocol implements Protocol {
    static {
        ReceiveViews.register(p -> p instanceof StreamReaderProtocol s ? s.view() : null);
    }

    private final StreamReader reader;
    private final ClientConnectedCallback callback;
    private final FlowControl flow = new FlowControl();
    private BaseTransport transport;
    private boolean overSsl;
    private Task<Void> task;
    /** connectionLost was called: the reader has its end. */
    private boolean lost;
    /** What a TLS transport feeds the reader through; made for TLS connections only. */
    private BufferedProtocol view;

    /**
     * Makes a protocol that feeds {@code reader}; asyncio's
     * {@code StreamReaderProtocol(reader)}.
     *
     * @param reader the reader; not {@code null}
     */
    public StreamReaderProtocol(StreamReader reader) {
        this(reader, null);
    }

    /**
     * Makes a protocol that feeds {@code reader} and, once connected, runs
     * {@code callback} in a new task with the reader and a new writer; asyncio's
     * {@code StreamReaderProtocol(reader, client_connected_cb)}.
     *
     * @param reader the reader; not {@code null}
     * @param callback the callback, or {@code null}
     */
    public StreamReaderProtocol(StreamReader reader, ClientConnectedCallback callback) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.callback = callback;
    }

    /**
     * Returns the write-side state that {@link StreamWriter#drain()} waits on.
     *
     * @return the flow control
     */
    public FlowControl flowControl() {
        return flow;
    }

    /**
     * Returns the reader.
     *
     * @return the reader
     */
    public StreamReader reader() {
        return reader;
    }

    /**
     * Tells whether this protocol serves a server's client (it has a callback).
     *
     * @return {@code true} if made with a {@link ClientConnectedCallback}
     */
    public boolean isServerSide() {
        return callback != null;
    }

    /** The transport after a startTls upgrade. */
    void replaceTransport(BaseTransport t) {
        transport = t;
        overSsl = t.getExtraInfo("sslcontext") != null;
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = t;
        if (t instanceof ReadTransport rt) {
            reader.setTransport(rt);
        }
        overSsl = t.getExtraInfo("sslcontext") != null;
        if (callback != null) {
            StreamWriter writer = new StreamWriter((WriteTransport) t, this, reader);
            EventLoop loop = LoopInternals.get().runningLoop();
            task = loop.createTask(() -> {
                callback.handle(reader, writer);
                return null;
            });
            task.addDoneCallback(f -> {
                if (f.cancelled()) {
                    t.close();
                    return;
                }
                Throwable exc = f.exception();
                if (exc != null) {
                    loop.callExceptionHandler(ExceptionContext.builder("Unhandled exception in client_connected_cb")
                            .exception(exc).put("transport", t).build());
                    t.close();
                }
            });
        }
    }

    /**
     * Ends the reader (end of file, or {@code exc}) and wakes the writer's waiters; asyncio's
     * {@code StreamReaderProtocol.connection_lost}. A second call leaves the reader as the
     * first left it, as asyncio's, which lets go of its reader after the first.
     *
     * @param exc what broke the connection, or {@code null} for a regular close
     */
    @Override
    public void connectionLost(Exception exc) {
        if (!lost) {
            lost = true;
            if (exc == null) {
                reader.feedEof();
            } else {
                reader.setException(exc);
            }
        }
        flow.connectionLost(exc);
        task = null;
    }

    @Override
    public void dataReceived(byte[] data) {
        reader.feedOwned(data);
    }

    /** The buffered view of this protocol, made on first use (on the loop thread, by a TLS transport). */
    private BufferedProtocol view() {
        BufferedProtocol v = view;
        if (v == null) {
            view = v = new BufferedProtocol() {
                @Override
                public ByteBuffer getBuffer(int sizeHint) {
                    return reader.receiveBuffer(sizeHint);
                }

                @Override
                public void bufferUpdated(int nbytes) {
                    reader.received(nbytes);
                }
            };
        }
        return v;
    }

    @Override
    public boolean eofReceived() {
        reader.feedEof();
        // Over TLS the transport closes anyway; returning false avoids a warning.
        return !overSsl;
    }

    @Override
    public void pauseWriting() {
        flow.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        flow.resumeWriting();
    }

    @Override
    public String toString() {
        return "<StreamReaderProtocol " + reader + (transport == null ? "" : " transport=" + transport) + ">";
    }
}
