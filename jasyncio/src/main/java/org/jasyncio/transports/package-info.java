/**
 * Transports and protocols: asyncio's low-level networking API ({@code asyncio.transports},
 * {@code asyncio.protocols}, {@code loop.create_connection}, {@code loop.create_server},
 * {@code loop.create_datagram_endpoint}).
 *
 * <p>A <em>transport</em> is the loop's side of a connection: it owns the socket, sends what
 * it is given without ever blocking, buffers what the kernel will not take yet, and calls its
 * <em>protocol</em>, the application's side, when data arrives, when the peer ends its
 * stream, and when the connection is lost. The {@link org.jasyncio.EventLoop} makes them:
 *
 * <pre>{@code
 * final class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(BaseTransport t) { transport = (Transport) t; }
 *     public void dataReceived(byte[] data) { transport.write(data); }
 * }
 *
 * Asyncio.run(() -> {
 *     EventLoop loop = Asyncio.getRunningLoop();
 *     try (Server server = loop.createServer(Echo::new, "127.0.0.1", 8888)) {
 *         server.serveForever();
 *     }
 * });
 * }</pre>
 *
 * <h2>Which API to use</h2>
 * <table class="striped">
 * <caption>Streams, protocols, buffered protocols</caption>
 * <tr><th>API</th><th>when</th><th>cost</th></tr>
 * <tr><td>{@link org.jasyncio.streams} ({@code openConnection}, {@code startServer})</td>
 *     <td>most code: a task per connection that reads and writes in sequence</td>
 *     <td>one task switch per wake-up</td></tr>
 * <tr><td>{@link Protocol}</td><td>callback style, no task per connection; each read is a
 *     new {@code byte[]} the protocol may keep</td><td>no task switch</td></tr>
 * <tr><td>{@link BufferedProtocol}</td><td>as {@code Protocol}, but the transport reads
 *     straight into the protocol's buffer</td><td>no copy, no allocation per read</td></tr>
 * <tr><td>{@link DatagramProtocol}</td><td>UDP</td><td></td></tr>
 * <tr><td>{@link SubprocessProtocol}</td><td>a child process and its pipes
 *     ({@link org.jasyncio.EventLoop#subprocessExec subprocessExec}); streams over them are in
 *     {@link org.jasyncio.subprocess}</td><td></td></tr>
 * </table>
 *
 * <h2>Threads and the hot path</h2>
 * Protocol callbacks run on the loop thread, outside any task, straight from the loop's
 * selector (the way Netty and libuv dispatch): they must not block or suspend. A readable
 * socket is read up to 16 times per readiness event while reads fill the loop's 256 KiB
 * buffer; a write is sent at once when nothing is buffered; buffered data is flushed with one
 * system call per readiness event, many writes at a time. {@code connectionMade} and
 * {@code connectionLost} are scheduled with {@code callSoon}, as in asyncio, so their order
 * relative to other callbacks is asyncio's.
 *
 * <h2>TLS</h2>
 * Pass an {@link javax.net.ssl.SSLContext} (or {@link TlsOptions}) to
 * {@link ConnectionOptions} or {@link ServerOptions}; {@link SslContexts} makes contexts from
 * PEM files. TLS runs over {@link javax.net.ssl.SSLEngine}, with asyncio's handshake and
 * shutdown timeouts, host name verification and SNI on the client, and ALPN.
 *
 * <p>All types here are loop-affine unless they say otherwise: use them on their loop's
 * thread. The options classes and records are immutable and thread-safe.
 *
 * @since 0.1
 */
package org.jasyncio.transports;
