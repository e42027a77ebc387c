package org.jasyncio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jasyncio.internal.IoHandler;

/**
 * The readers and writers of {@code addReader}/{@code addWriter} (asyncio's
 * {@code add_reader} and friends): one {@code ChannelCallbacks} per channel, the attachment of
 * its selection key, queues its {@link Handle}s when the channel is ready, as CPython's
 * {@code _process_events} does. Loop thread only.
 */
final class ChannelWatchers {
    private final SelectorEventLoop loop;
    /** Keys of ChannelCallbacks left with no reader and no writer: cancelled at the next poll. */
    private final List<ChannelCallbacks> idleKeys = new ArrayList<>();

    ChannelWatchers(SelectorEventLoop loop) {
        this.loop = loop;
    }

    void addReader(SelectableChannel channel, Runnable callback) {
        ChannelCallbacks cb = watcher(channel, callback, "addReader()");
        if ((channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) == 0) {
            throw new IllegalArgumentException(channel + " cannot be read");
        }
        if (cb.reader != null) {
            cb.reader.cancel();
        }
        cb.reader = new Handle(loop, callback, Context.current().copy());
        cb.update();
    }

    void addWriter(SelectableChannel channel, Runnable callback) {
        ChannelCallbacks cb = watcher(channel, callback, "addWriter()");
        if ((channel.validOps() & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) == 0) {
            throw new IllegalArgumentException(channel + " cannot be written");
        }
        if (cb.writer != null) {
            cb.writer.cancel();
        }
        // The ops are recomputed after each call: a finished connection moves from
        // OP_CONNECT to OP_WRITE (a stale OP_CONNECT would make the selector spin).
        cb.writer = new Handle(loop, () -> {
            try {
                callback.run();
            } finally {
                cb.update();
            }
        }, Context.current().copy());
        cb.update();
    }

    boolean removeReader(SelectableChannel channel) {
        ChannelCallbacks cb = existingWatcher(channel, "removeReader()");
        if (cb == null || cb.reader == null) {
            return false;
        }
        cb.reader.cancel();
        cb.reader = null;
        cb.update();
        return true;
    }

    boolean removeWriter(SelectableChannel channel) {
        ChannelCallbacks cb = existingWatcher(channel, "removeWriter()");
        if (cb == null || cb.writer == null) {
            return false;
        }
        cb.writer.cancel();
        cb.writer = null;
        cb.update();
        return true;
    }

    private ChannelCallbacks watcher(SelectableChannel channel, Runnable callback, String what) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(callback, "callback");
        loop.checkClosed();
        loop.checkThread(what);
        if (!channel.isOpen()) {
            throw new IllegalArgumentException(what + ": the channel is closed: " + channel);
        }
        if (channel.isBlocking()) {
            throw new IllegalArgumentException(what + ": the channel must be in non-blocking mode "
                    + "(call configureBlocking(false)): " + channel);
        }
        ChannelCallbacks cb = existingWatcher(channel, what);
        if (cb != null) {
            return cb;
        }
        cb = new ChannelCallbacks(channel);
        try {
            cb.key = loop.register(channel, 0, cb);
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException(what + ": the channel is closed: " + channel, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cb;
    }

    private ChannelCallbacks existingWatcher(SelectableChannel channel, String what) {
        Objects.requireNonNull(channel, "channel");
        loop.checkThread(what);
        SelectionKey key = channel.keyFor(loop.selector());
        if (key == null || !key.isValid()) {
            return null;
        }
        if (key.attachment() instanceof ChannelCallbacks cb) {
            return cb;
        }
        throw new IllegalStateException(what + ": the channel is used by " + key.attachment()
                + "; it cannot be watched by add/removeReader or add/removeWriter too");
    }

    /** Before each poll: keys left with no reader and no writer are cancelled. */
    void cancelIdleKeys() {
        if (idleKeys.isEmpty()) {
            return;
        }
        for (ChannelCallbacks cb : idleKeys) {
            cb.idleQueued = false;
            if (cb.reader == null && cb.writer == null) {
                cb.key.cancel();
            }
        }
        idleKeys.clear();
    }

    /** The reader and writer set on one channel by addReader/addWriter; the key's attachment. */
    private final class ChannelCallbacks implements IoHandler, NioPoller.Immediate {
        final SelectableChannel channel;
        SelectionKey key;
        Handle reader;
        Handle writer;
        boolean idleQueued;

        ChannelCallbacks(SelectableChannel channel) {
            this.channel = channel;
        }

        /** Sets the interest ops from the callbacks present; an idle key is cancelled at the next poll. */
        void update() {
            SelectionKey k = key;
            if (!k.isValid()) {
                return;
            }
            int ops = 0;
            if (reader != null) {
                ops |= channel.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
            }
            if (writer != null) {
                boolean pending = channel instanceof SocketChannel sc && sc.isConnectionPending();
                ops |= pending ? SelectionKey.OP_CONNECT : channel.validOps() & SelectionKey.OP_WRITE;
            }
            if (k.interestOps() != ops) {
                k.interestOps(ops);
            }
            if (ops == 0 && !idleQueued) {
                idleQueued = true;
                idleKeys.add(this);
            }
        }

        @Override
        public void ready(SelectionKey k) {
            if (!k.isValid()) {
                return;
            }
            int ready = k.readyOps();
            Handle r = reader;
            if (r != null && (ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                loop.callSoon0(r);
            }
            Handle w = writer;
            if (w != null && (ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                loop.callSoon0(w);
            }
        }

        @Override
        public String toString() {
            return "<watchers of " + channel + (reader != null ? " reader" : "") + (writer != null ? " writer" : "")
                    + ">";
        }
    }
}
