package org.jasyncio.internal.net;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;
import java.util.function.Supplier;

import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.internal.IoLoop;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.Protocol;
import org.jasyncio.transports.ReadPipeConnection;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.transports.WritePipeConnection;
import org.jasyncio.transports.WriteTransport;

/**
 * {@code connectReadPipe} and {@code connectWritePipe} for a pipe the loop's selector can watch
 * (a {@link java.nio.channels.Pipe}'s channels, a socket): asyncio's {@code connect_read_pipe}
 * and {@code connect_write_pipe} on its selector loop, with no thread of their own. The other
 * kinds of pipe go through the pump threads of {@code org.jasyncio.internal.subprocess.Pipes}.
 */
public final class SelectorPipes {
    private SelectorPipes() {}

    /**
     * Connects a new protocol to the selectable read end {@code ch}; call it in a task of the
     * loop. The channel is put in non-blocking mode.
     *
     * @param <P> the protocol type
     * @param loop the loop
     * @param factory makes the protocol
     * @param ch the read end, a {@link java.nio.channels.ReadableByteChannel}
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the channel cannot be registered
     */
    public static <P extends Protocol> ReadPipeConnection<P> connectRead(EventLoop loop,
            Supplier<? extends P> factory, SelectableChannel ch) throws IOException {
        IoLoop io = IoLoop.of(loop);
        Future<Void> waiter = loop.createFuture();
        P protocol;
        SelectorReadPipeTransport transport;
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            transport = new SelectorReadPipeTransport(io, ch, protocol, waiter, ch);
        } catch (Throwable t) {
            Connector.closeQuietly(ch);
            throw t;
        }
        await(waiter, transport);
        return new ReadPipeConnection<>((ReadTransport) transport, protocol);
    }

    /**
     * Connects a new protocol to the selectable write end {@code ch}; call it in a task of the
     * loop. The channel is put in non-blocking mode.
     *
     * @param <P> the protocol type
     * @param loop the loop
     * @param factory makes the protocol
     * @param ch the write end, a {@link java.nio.channels.WritableByteChannel}
     * @param name names the pipe in a {@code BrokenPipeError}
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the channel cannot be registered
     */
    public static <P extends BaseProtocol> WritePipeConnection<P> connectWrite(EventLoop loop,
            Supplier<? extends P> factory, SelectableChannel ch, String name) throws IOException {
        IoLoop io = IoLoop.of(loop);
        Future<Void> waiter = loop.createFuture();
        P protocol;
        SelectorWritePipeTransport transport;
        try {
            protocol = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            transport = new SelectorWritePipeTransport(io, ch, protocol, waiter, ch, name);
        } catch (Throwable t) {
            Connector.closeQuietly(ch);
            throw t;
        }
        await(waiter, transport);
        return new WritePipeConnection<>((WriteTransport) transport, protocol);
    }

    /** A caller cancelled while connecting closes the transport, as asyncio's connect_*_pipe. */
    private static void await(Future<Void> waiter, SelectorTransport transport) throws IOException {
        try {
            SockOps.awaitIo(waiter);
        } catch (Throwable t) {
            if (!transport.isClosing()) {
                transport.close();
            }
            throw t;
        }
    }
}
