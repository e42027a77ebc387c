/**
 * Streams: asyncio's high-level networking API ({@code asyncio.streams}):
 * {@link org.jasyncio.streams.Streams#openConnection openConnection},
 * {@link org.jasyncio.streams.Streams#startServer startServer}, and the
 * {@link org.jasyncio.streams.StreamReader} / {@link org.jasyncio.streams.StreamWriter} pair.
 *
 * <pre>{@code
 * import static org.jasyncio.Asyncio.*;
 * import static org.jasyncio.streams.Streams.*;
 *
 * run(() -> {
 *     try (StreamPair s = openConnection("127.0.0.1", 8888)) {
 *         s.writer().write("Hello World!\n".getBytes(UTF_8));
 *         s.writer().drain();
 *         System.out.println(new String(s.reader().readline(), UTF_8));
 *     }
 * });
 * }</pre>
 *
 * <h2>Reading</h2>
 * <table class="striped">
 * <caption>StreamReader methods</caption>
 * <tr><th>method</th><th>returns</th><th>at end of stream</th></tr>
 * <tr><td>{@code read(n)}</td><td>1 to n bytes, as soon as any are there</td><td>empty array</td></tr>
 * <tr><td>{@code read()}</td><td>everything until the end</td><td>what was left</td></tr>
 * <tr><td>{@code readline()}</td><td>a line with its {@code \n}</td><td>the last partial line, then empty</td></tr>
 * <tr><td>{@code readExactly(n)}</td><td>exactly n bytes</td><td>{@link org.jasyncio.streams.IncompleteReadError}</td></tr>
 * <tr><td>{@code readUntil(sep...)}</td><td>up to the first separator</td><td>{@link org.jasyncio.streams.IncompleteReadError}</td></tr>
 * <tr><td>{@code for (byte[] line : reader)}</td><td>lines</td><td>the loop ends</td></tr>
 * </table>
 * Lines longer than the reader's limit (64 KiB by default) raise
 * {@link org.jasyncio.streams.LimitOverrunError}.
 *
 * <h2>Writing</h2>
 * {@code write} never suspends; {@code drain()} waits while the transport's buffer is over
 * its high-water mark, which bounds memory when the peer reads slowly, and raises the
 * connection's error when the peer is gone.
 *
 * <p>Readers and writers work over any transport, not only sockets: a
 * {@link org.jasyncio.streams.StreamReader} is fed by whatever protocol calls
 * {@code feedData}, and a {@link org.jasyncio.streams.StreamWriter} drains on any
 * {@link org.jasyncio.streams.FlowControl}.
 *
 * <p>Loop-affine: use readers and writers in tasks of one loop.
 *
 * @since 0.1
 */
package org.jasyncio.streams;
