package org.jasyncio.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.jasyncio.Asyncio;
import org.jasyncio.CancelledError;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.internal.LoopInternals;

/**
 * Reads bytes from a connection, waiting for them as needed; asyncio's
 * {@code asyncio.StreamReader}.
 *
 * <p>A protocol feeds it ({@link #feedData}, {@link #feedEof}, {@link #setException});
 * tasks read from it. {@link Streams#openConnection} and {@link Streams#startServer} make
 * one per connection, fed by a {@link StreamReaderProtocol}, but it works over any
 * {@link ReadTransport} (a subprocess pipe, for example) or none.
 *
 * <pre>{@code
 * StreamPair s = Streams.openConnection("example.test", 80);
 * s.writer().write("GET / HTTP/1.0\r\n\r\n".getBytes(US_ASCII));
 * for (byte[] line : s.reader()) {          // each hasNext() waits for a line
 *     System.out.print(new String(line, UTF_8));
 * }
 * }</pre>
 *
 * <h2>The limit</h2>
 * {@link #readline} and {@link #readUntil} refuse lines longer than the limit (64 KiB by
 * default), so that a peer that never sends a separator cannot make the reader buffer
 * without bound. The limit also bounds buffering: past twice the limit the transport's
 * reading is paused, and resumed once the buffer is read down to the limit.
 *
 * <h2>One reader at a time</h2>
 * Reads that must wait are not meant to run concurrently: a second task that waits while
 * another one waits gets an {@link IllegalStateException}, as asyncio raises
 * {@code RuntimeError}.
 *
 * <p>Loop-affine: read in tasks of one loop; feed it from that loop's thread.
 *
 * @since 0.1
 */
public final class StreamReader implements Iterable<byte[]> {
    /** asyncio's _DEFAULT_LIMIT: 64 KiB. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};
    /**
     * From this size on, an empty reader receives into a pooled array: a large TLS record, the
     * first of a message that more records will follow. Not 16 KiB: the JDK's engine sends a
     * little less than 16 KiB of plaintext per record, OpenSSL exactly 16 KiB.
     */
    private static final int POOLED_FROM = 8 * 1024;

    private final int limit;
    private byte[] buf = EMPTY;
    private int start;
    private int end;
    private boolean eof;
    private Future<Void> waiter;
    private Throwable exception;
    private ReadTransport transport;
    private boolean paused;
    private EventLoop loop;
    /** The loop's pool of receive arrays, once a transport read into this reader. */
    private ReceiveBuffers pool;
    /** {@code buf} is borrowed from {@link #pool}: it goes back when the reader is empty. */
    private boolean borrowed;
    /** The view of {@code buf} last given to a transport, reused while {@code buf} is the same. */
    private ByteBuffer receiving;

    /** Makes a reader with the default limit. */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * Makes a reader.
     *
     * @param limit the longest line {@link #readline} and {@link #readUntil} accept, in
     *        bytes
     * @throws IllegalArgumentException if {@code limit <= 0}
     */
    public StreamReader(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
        }
        this.limit = limit;
    }

    /**
     * Returns the limit.
     *
     * @return bytes
     */
    public int limit() {
        return limit;
    }

    /**
     * Returns the exception set by {@link #setException}; asyncio's {@code exception()}.
     *
     * @return the exception, or {@code null}
     */
    public Throwable exception() {
        return exception;
    }

    /**
     * Makes every later read throw {@code exc} (the connection broke); wakes a waiting read
     * with it. asyncio's {@code set_exception()}. An {@link IOException} or unchecked
     * exception is thrown as it is; another checked exception is wrapped in an
     * {@code IOException}.
     *
     * @param exc the error; not {@code null}
     */
    public void setException(Throwable exc) {
        Objects.requireNonNull(exc, "exc");
        exception = exc;
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.cancelled()) {
                w.setException(exc);
            }
        }
    }

    /**
     * Tells the reader which transport feeds it, so that it can pause and resume its reading
     * (see the limit above); asyncio's {@code set_transport()}.
     *
     * @param transport the transport; not {@code null}
     * @throws IllegalStateException if a transport was already set
     */
    public void setTransport(ReadTransport transport) {
        Objects.requireNonNull(transport, "transport");
        if (this.transport != null) {
            throw new IllegalStateException("Transport already set");
        }
        this.transport = transport;
    }

    /**
     * Records the end of the stream and wakes a waiting read; asyncio's {@code feed_eof()}.
     */
    public void feedEof() {
        eof = true;
        if (start == end) {
            giveBack();
        }
        wakeWaiter();
    }

    /**
     * Tells whether the stream ended and everything was read; asyncio's {@code at_eof()}.
     *
     * @return {@code true} once {@link #feedEof()} was called and the buffer is empty
     */
    public boolean atEof() {
        return eof && start == end;
    }

    /**
     * Appends bytes to the buffer and wakes a waiting read; asyncio's {@code feed_data()}.
     * The bytes are copied.
     *
     * @param data the bytes; not {@code null}
     * @throws IllegalStateException if called after {@link #feedEof()}
     */
    public void feedData(byte[] data) {
        feedData(data, 0, data.length);
    }

    /**
     * Appends {@code len} bytes of {@code data} from {@code off}; see {@link #feedData(byte[])}.
     *
     * @param data the bytes; not {@code null}
     * @param off where to start
     * @param len how many
     * @throws IndexOutOfBoundsException if the range is outside {@code data}
     * @throws IllegalStateException if called after {@link #feedEof()}
     */
    public void feedData(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        checkNotEof();
        if (len == 0) {
            return;
        }
        ensureRoom(len);
        System.arraycopy(data, off, buf, end, len);
        end += len;
        afterFeed();
    }

    /** Appends an array the caller gives up (a protocol's dataReceived): no copy when the buffer is empty. */
    void feedOwned(byte[] data) {
        checkNotEof();
        if (data.length == 0) {
            return;
        }
        if (start == end) {
            giveBack();
            buf = data;
            start = 0;
            end = data.length;
        } else {
            ensureRoom(data.length);
            System.arraycopy(data, 0, buf, end, data.length);
            end += data.length;
        }
        afterFeed();
    }

    /**
     * The free tail of the buffer, for a transport that holds {@code sizeHint} received bytes
     * in a buffer of its own (TLS) to copy them in. An empty reader takes an array of exactly
     * that size, which a read of everything then hands over without a copy, or, for a large
     * TLS record (8 KiB or more), a 64 KiB array from the loop's pool, which the rest of a large
     * message fills without regrowing.
     */
    ByteBuffer receiveBuffer(int sizeHint) {
        checkNotEof();
        int want = Math.max(sizeHint, 1);
        if (start == end) {
            giveBack();
            if (want >= POOLED_FROM && want <= ReceiveBuffers.SIZE) {
                borrow();
            } else {
                buf = new byte[want];
                start = 0;
                end = 0;
            }
        } else {
            ensureRoom(want);
        }
        ByteBuffer b = receiving;
        if (b == null || b.array() != buf) {
            receiving = b = ByteBuffer.wrap(buf);
        }
        return b.limit(buf.length).position(end);
    }

    /** The size of the array the reader holds now, read or not; for tests. */
    int heldBufferBytes() {
        return buf.length;
    }

    /** {@code n} bytes were copied into the buffer {@link #receiveBuffer} returned. */
    void received(int n) {
        end += n;
        afterFeed();
    }

    private void borrow() {
        ReceiveBuffers p = pool;
        if (p == null) {
            EventLoop l = LoopInternals.get().runningLoop();
            if (l == null) {
                buf = new byte[ReceiveBuffers.SIZE]; // fed outside a loop: nothing to borrow from
                start = 0;
                end = 0;
                return;
            }
            pool = p = ReceiveBuffers.of(l);
        }
        buf = p.take();
        borrowed = true;
        start = 0;
        end = 0;
    }

    /**
     * The reader is empty: it lets go of its array (a borrowed one goes back to the pool), so
     * that an idle connection holds no buffer; the next bytes bring or borrow one.
     */
    private void emptied() {
        start = 0;
        end = 0;
        if (borrowed) {
            giveBack();
        } else {
            buf = EMPTY;
            receiving = null;
        }
    }

    private void giveBack() {
        if (borrowed) {
            borrowed = false;
            pool.give(buf);
            buf = EMPTY;
            receiving = null;
        }
    }

    private void checkNotEof() {
        if (eof) {
            throw new IllegalStateException("feedData after feedEof");
        }
    }

    private void afterFeed() {
        wakeWaiter();
        ReadTransport t = transport;
        if (t != null && !paused && end - start > 2L * limit) {
            t.pauseReading();
            paused = true;
        }
    }

    private void ensureRoom(int len) {
        int size = end - start;
        if (buf.length - end >= len) {
            return;
        }
        if (size + len <= buf.length && start > 0 && buf.length >= 4096) {
            System.arraycopy(buf, start, buf, 0, size);
        } else {
            // Grow 4x up to the limit, 2x past it: a message that arrives as several chunks (TLS
            // hands over one 16 KiB record at a time) then needs one regrowth, not one per chunk.
            long grown = Math.max(2L * buf.length, Math.min(4L * buf.length, limit));
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) size + len, Math.max(4096L, grown)));
            if (cap < size + len) {
                throw new OutOfMemoryError("StreamReader buffer cannot hold " + ((long) size + len) + " bytes");
            }
            byte[] b = new byte[cap];
            System.arraycopy(buf, start, b, 0, size);
            giveBack();
            buf = b;
        }
        start = 0;
        end = size;
    }

    private void wakeWaiter() {
        Future<Void> w = waiter;
        if (w != null) {
            waiter = null;
            if (!w.cancelled()) {
                w.setResult(null);
            }
        }
    }

    private void maybeResumeTransport() {
        if (paused && end - start <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    /** Takes the first {@code n} buffered bytes (n <= size). */
    private byte[] take(int n) {
        byte[] r;
        if (start == 0 && n == end && end == buf.length) {
            r = buf; // hand over a full array whole: no copy (a borrowed one leaves the pool)
            buf = EMPTY;
            end = 0;
            borrowed = false;
            receiving = null;
        } else {
            r = Arrays.copyOfRange(buf, start, start + n);
            discard(n);
        }
        return r;
    }

    private void discard(int n) {
        start += n;
        if (start == end) {
            emptied();
        }
    }

    private void checkException() throws IOException {
        Throwable e = exception;
        if (e != null) {
            throw asIo(e);
        }
    }

    /** Waits until feedData, feedEof or setException is called; resumes a paused transport first. */
    private void waitForData(String what) throws IOException {
        if (waiter != null) {
            throw new IllegalStateException(what + "() called while another task is already waiting for incoming data");
        }
        if (paused) {
            paused = false;
            transport.resumeReading();
        }
        Future<Void> w = bind(what).createFuture();
        waiter = w;
        try {
            awaitIo(w);
        } finally {
            waiter = null;
        }
    }

    private EventLoop bind(String what) {
        if (LoopInternals.get().currentTaskOrNull() == null) {
            throw new IllegalStateException("StreamReader." + what + "() can only be called inside a task");
        }
        EventLoop running = Asyncio.getRunningLoop();
        if (loop == null) {
            loop = running;
        } else if (loop != running) {
            throw new IllegalStateException(this + " is bound to a different event loop");
        }
        return loop;
    }

    private void checkTask(String what) {
        if (LoopInternals.get().currentTaskOrNull() == null) {
            throw new IllegalStateException("StreamReader." + what + "() can only be called inside a task");
        }
    }

    // ---- reading ---------------------------------------------------------------------------

    /**
     * Reads everything until the end of the stream; asyncio's {@code read()} (or
     * {@code read(-1)}).
     *
     * <h4>Cancellation</h4>
     * If cancelled, the bytes read so far are lost (as in asyncio).
     *
     * @return the bytes; empty if the stream already ended
     * @throws IOException the exception set by {@link #setException}
     * @throws IllegalStateException if called outside a task, or while another task waits
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] read() throws IOException {
        return read(-1);
    }

    /**
     * Reads up to {@code n} bytes: as soon as at least one is buffered, or the stream ends;
     * asyncio's {@code read(n)}. {@code n < 0} reads until the end of the stream.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe for {@code n >= 0}: a cancelled read takes nothing from the buffer.
     *
     * @param n the most to read; 0 returns an empty array at once; negative reads to the end
     * @return the bytes; empty at the end of the stream
     * @throws IOException the exception set by {@link #setException}
     * @throws IllegalStateException if called outside a task, or while another task waits
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] read(int n) throws IOException {
        checkTask("read");
        checkException();
        if (n == 0) {
            return EMPTY;
        }
        if (n < 0) {
            // As asyncio: read(limit) until EOF, so a paused transport gets resumed.
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (true) {
                byte[] block = read(limit);
                if (block.length == 0) {
                    return all.toByteArray();
                }
                all.writeBytes(block);
            }
        }
        if (start == end && !eof) {
            waitForData("read");
        }
        byte[] data = take(Math.min(n, end - start));
        maybeResumeTransport();
        return data;
    }

    /**
     * Reads one line, up to and including {@code '\n'}; asyncio's {@code readline()}. At the
     * end of the stream, returns the last, unterminated line, then empty arrays.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call takes nothing from the buffer.
     *
     * @return the line, with its newline unless the stream ended first; empty at the end
     * @throws LimitOverrunError if the line is longer than the limit; unlike
     *         {@link #readUntil}, the line (or, without a newline, the whole buffer) is
     *         discarded, as asyncio does
     * @throws IOException the exception set by {@link #setException}
     * @throws IllegalStateException if called outside a task, or while another task waits
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] readline() throws IOException {
        try {
            return readUntil(NEWLINE);
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            if (end - start > e.consumed() && buf[start + e.consumed()] == '\n') {
                discard(e.consumed() + 1);
            } else {
                emptied();
            }
            maybeResumeTransport();
            throw e;
        }
    }

    /**
     * Reads until one of {@code separators} is found, and returns the data with the
     * separator; asyncio's {@code readuntil(separator)} (a tuple of separators is Python
     * 3.13's). With several separators, the shortest match wins: the one whose end comes
     * first.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call takes nothing from the buffer.
     *
     * @param separators one or more non-empty separators; none means {@code "\n"}
     * @return the bytes up to and including the separator found
     * @throws IncompleteReadError if the stream ends first; it carries the buffered bytes,
     *         which are no longer in the reader
     * @throws LimitOverrunError if no separator is found within the limit, or the one found
     *         ends past it; the data stays in the buffer
     * @throws IllegalArgumentException if a separator is empty
     * @throws IOException the exception set by {@link #setException}
     * @throws IllegalStateException if called outside a task, or while another task waits
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] readUntil(byte[]... separators) throws IOException {
        checkTask("readUntil");
        byte[][] seps = separators.length == 0 ? new byte[][] {NEWLINE} : separators.clone();
        for (byte[] s : seps) {
            if (Objects.requireNonNull(s, "separator").length == 0) {
                throw new IllegalArgumentException("Separator should be at least one-byte string");
            }
        }
        Arrays.sort(seps, Comparator.comparingInt(s -> s.length));
        int minLen = seps[0].length;
        int maxLen = seps[seps.length - 1].length;
        checkException();
        int offset = 0;
        int matchStart;
        int matchEnd;
        while (true) {
            int buflen = end - start;
            if (buflen - offset >= minLen) {
                matchStart = -1;
                matchEnd = -1;
                for (byte[] sep : seps) {
                    int i = indexOf(sep, offset);
                    if (i >= 0) {
                        int e = i + sep.length;
                        if (matchEnd < 0 || e < matchEnd) {
                            matchEnd = e;
                            matchStart = i;
                        }
                    }
                }
                if (matchEnd >= 0) {
                    break;
                }
                offset = Math.max(0, buflen + 1 - maxLen);
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            if (eof) {
                byte[] chunk = take(end - start);
                throw new IncompleteReadError(chunk, -1);
            }
            waitForData("readUntil");
            checkException();
        }
        if (matchStart > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
        }
        byte[] chunk = take(matchEnd);
        maybeResumeTransport();
        return chunk;
    }

    /** Index of sep in the buffer at or after from (relative to start), or -1. */
    private int indexOf(byte[] sep, int from) {
        byte first = sep[0];
        int last = end - sep.length;
        outer:
        for (int i = start + from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < sep.length; j++) {
                if (buf[i + j] != sep[j]) {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    /**
     * Reads exactly {@code n} bytes; asyncio's {@code readexactly(n)}.
     *
     * <h4>Cancellation</h4>
     * Cancel-safe: a cancelled call takes nothing from the buffer.
     *
     * @param n how many, at least 0
     * @return the bytes
     * @throws IncompleteReadError if the stream ends first; it carries the bytes read, which
     *         are no longer in the reader
     * @throws IllegalArgumentException if {@code n < 0}
     * @throws IOException the exception set by {@link #setException}
     * @throws IllegalStateException if called outside a task, or while another task waits
     * @throws CancelledError if the calling task is cancelled
     */
    public byte[] readExactly(int n) throws IOException {
        checkTask("readExactly");
        if (n < 0) {
            throw new IllegalArgumentException("readExactly size can not be less than zero");
        }
        checkException();
        if (n == 0) {
            return EMPTY;
        }
        while (end - start < n) {
            if (eof) {
                byte[] incomplete = take(end - start);
                throw new IncompleteReadError(incomplete, n);
            }
            waitForData("readExactly");
            checkException();
        }
        byte[] data = take(n);
        maybeResumeTransport();
        return data;
    }

    /**
     * Iterates over the lines until the end of the stream; asyncio's
     * {@code async for line in reader}. Each {@code hasNext()} may suspend the calling task
     * until a line (or the end) arrives; {@code next()} returns it. The iterator throws
     * {@link UncheckedIOException} where {@link #readline()} would throw an
     * {@link IOException}.
     *
     * @return an iterator over lines, each with its newline (the last one may lack it)
     */
    @Override
    public Iterator<byte[]> iterator() {
        return new Iterator<>() {
            private byte[] next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        byte[] line = readline();
                        if (line.length == 0) {
                            done = true;
                        } else {
                            next = line;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return next != null;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                byte[] r = next;
                next = null;
                return r;
            }
        };
    }

    // ---- helpers shared with the package ------------------------------------------------------

    /** Awaits a future whose failures are rethrown as I/O errors (unchecked ones as they are). */
    static void awaitIo(Future<?> f) throws IOException {
        try {
            f.await();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    static IOException asIo(Throwable e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IOException(e);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<StreamReader");
        if (end > start) {
            sb.append(' ').append(end - start).append(" bytes");
        }
        if (eof) {
            sb.append(" eof");
        }
        if (limit != DEFAULT_LIMIT) {
            sb.append(" limit=").append(limit);
        }
        if (waiter != null) {
            sb.append(" waiter=").append(waiter); // asyncio shows the waiting future's repr
        }
        if (exception != null) {
            sb.append(" exception=").append(exception);
        }
        if (transport != null) {
            sb.append(" transport=").append(transport);
        }
        if (paused) {
            sb.append(" paused");
        }
        return sb.append('>').toString();
    }
}
