package org.jasyncio.transports;

/**
 * A bidirectional stream connection: TCP, a Unix stream socket, or TLS over either;
 * asyncio's {@code asyncio.Transport}.
 *
 * <p>{@link org.jasyncio.EventLoop#createConnection createConnection}, servers made by
 * {@link org.jasyncio.EventLoop#createServer createServer} and {@link org.jasyncio.EventLoop#startTls startTls} make
 * them. A {@link Protocol} or {@link BufferedProtocol} receives the data.
 *
 * <p>Loop-affine, as {@link BaseTransport}.
 *
 * @see org.jasyncio.EventLoop
 * @since 0.1
 */
public interface Transport extends ReadTransport, WriteTransport {
}
