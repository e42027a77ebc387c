package org.jasyncio.internal.subprocess;

import java.lang.System.Logger.Level;
import java.util.Objects;

import org.jasyncio.Context;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Protocol;

/**
 * A pipe of its own, not a child's: what {@code connectReadPipe} and {@code connectWritePipe}
 * build (asyncio's {@code _UnixReadPipeTransport} and {@code _UnixWritePipeTransport} with the
 * user's protocol). It owns one {@link ReadPipeTransport} or {@link WritePipeTransport}, whose
 * pump posts to the loop in the context of the call that made it, and hands their events to the
 * protocol; a protocol callback that throws goes to the loop's exception handler, and the pipe
 * stays as it was, as asyncio's would.
 *
 * <p>Until the pipe is lost the loop counts it as work in flight (a virtual clock does not jump
 * while bytes may still arrive), and closing the loop stops its pump.
 *
 * <p>Loop-affine, except {@link #post}.
 */
final class LonePipe implements PipeOwner {
    private final EventLoop loop;
    private final Context context;
    private final boolean debug;
    private final Object pipe;
    private final String label;
    private final boolean reads;
    private BaseProtocol protocol;
    private PipeTransport transport;
    private boolean lost;

    LonePipe(EventLoop loop, BaseProtocol protocol, Object pipe, String label, boolean reads) {
        this.loop = loop;
        this.context = Context.copyContext();
        this.debug = loop.getDebug();
        this.protocol = protocol;
        this.pipe = pipe;
        this.label = label;
        this.reads = reads;
    }

    /** Sets the transport and tracks the pipe on its loop; loop thread. */
    void attach(PipeTransport t) {
        transport = t;
        LoopChildren.addPipe(loop, this);
    }

    /** Tells the protocol, then starts reading; on the loop thread, as asyncio's first callbacks. */
    void connect() {
        try {
            protocol.connectionMade(transport);
        } catch (Throwable t) {
            reportCallback("connectionMade", t);
        }
        if (transport instanceof ReadPipeTransport r) {
            r.start();
        }
    }

    /** The loop is closing: stop the pump, tell nobody. */
    void loopClosing() {
        lost = true;
        if (transport instanceof ReadPipeTransport r) {
            r.loopClosing();
        } else if (transport instanceof WritePipeTransport w) {
            w.loopClosing();
        }
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public boolean debug() {
        return debug;
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public String pipeLabel(int fd) {
        return label;
    }

    @Override
    public String pipeThreadName(int fd) {
        return label.replace(' ', '-');
    }

    @Override
    public void pipeDataReceived(int fd, byte[] data) {
        try {
            ((Protocol) protocol).dataReceived(data);
        } catch (Throwable t) {
            reportCallback("dataReceived", t);
        }
    }

    @Override
    public void pipeEofReceived(int fd) {
        // asyncio calls eof_received and ignores what it returns: a pipe has no other direction
        try {
            ((Protocol) protocol).eofReceived();
        } catch (Throwable t) {
            reportCallback("eofReceived", t);
        }
    }

    @Override
    public void pipeConnectionLost(int fd, Exception exc) {
        if (lost) {
            return;
        }
        lost = true;
        LoopChildren.removePipe(loop, this);
        try {
            protocol.connectionLost(exc);
        } catch (Throwable t) {
            reportCallback("connectionLost", t);
        }
    }

    @Override
    public boolean refusesWritesAfterClose() {
        return false;
    }

    @Override
    public String brokenPipeReason() {
        return "the reading end of " + label + " was closed";
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void setPipeProtocol(BaseProtocol p) {
        Objects.requireNonNull(p, "protocol");
        if (reads && !(p instanceof Protocol)) {
            throw new IllegalArgumentException("a read pipe needs a Protocol, got " + p.getClass().getName());
        }
        protocol = p;
    }

    @Override
    public Object pipeExtraInfo(String name, Object defaultValue) {
        return "pipe".equals(Objects.requireNonNull(name, "name")) ? pipe : defaultValue;
    }

    @Override
    public void reportCallback(String callback, Throwable t) {
        if (debug) {
            ProcessTransport.LOG.log(Level.DEBUG, transport + ": " + callback + " failed", t);
        }
        String who = protocol.getClass().getSimpleName();
        loop.callExceptionHandler(ExceptionContext.builder("Exception in "
                + (who.isEmpty() ? protocol.getClass().getName() : who) + "." + callback + "()").exception(t)
                .put("transport", transport).put("protocol", protocol).build());
    }

    @Override
    public String toString() {
        return "<LonePipe " + label + (lost ? " lost" : "") + ">";
    }
}
