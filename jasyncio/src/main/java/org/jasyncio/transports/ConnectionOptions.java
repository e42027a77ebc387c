package org.jasyncio.transports;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;

import javax.net.ssl.SSLContext;

/**
 * The optional arguments of {@link org.jasyncio.EventLoop#createConnection createConnection}
 * and {@code openConnection}: TLS, the local address and happy eyeballs (asyncio's {@code ssl},
 * {@code server_hostname}, {@code ssl_handshake_timeout}, {@code ssl_shutdown_timeout},
 * {@code local_addr}, {@code happy_eyeballs_delay} and {@code interleave}). Immutable; each {@code with...} method returns a modified copy.
 *
 * <pre>{@code
 * var options = ConnectionOptions.defaults()
 *         .withTls(TlsOptions.of(ctx).withServerHostname("example.test"))
 *         .withLocalAddress(new InetSocketAddress("127.0.0.1", 0));
 * }</pre>
 *
 * <p>TCP connections always have {@code TCP_NODELAY} set, as in asyncio.
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class ConnectionOptions {
    private static final ConnectionOptions DEFAULTS = new ConnectionOptions(null, null, Double.NaN, 0);

    private final TlsOptions tls;
    private final SocketAddress localAddress;
    /** Seconds, or NaN for none (asyncio's None). */
    private final double happyEyeballsDelay;
    /** 0 when not set (asyncio's None). */
    private final int interleave;

    private ConnectionOptions(TlsOptions tls, SocketAddress localAddress, double happyEyeballsDelay, int interleave) {
        this.tls = tls;
        this.localAddress = localAddress;
        this.happyEyeballsDelay = happyEyeballsDelay;
        this.interleave = interleave;
    }

    /**
     * Returns the defaults: plain TCP, any local address.
     *
     * @return the defaults
     */
    public static ConnectionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy that runs TLS with {@code context} and the {@link TlsOptions}
     * defaults; asyncio's {@code ssl=context}.
     *
     * @param context the context; {@code null} for plain TCP
     * @return the copy
     */
    public ConnectionOptions withSsl(SSLContext context) {
        return new ConnectionOptions(context == null ? null : TlsOptions.of(context), localAddress,
                happyEyeballsDelay, interleave);
    }

    /**
     * Returns a copy that runs TLS as {@code tls} says.
     *
     * @param tls the TLS options; {@code null} for plain TCP
     * @return the copy
     */
    public ConnectionOptions withTls(TlsOptions tls) {
        return new ConnectionOptions(tls, localAddress, happyEyeballsDelay, interleave);
    }

    /**
     * Returns a copy that binds the socket to {@code address} before connecting; asyncio's
     * {@code local_addr}.
     *
     * @param address an {@link java.net.InetSocketAddress} (an unresolved one is resolved
     *        first), or {@code null} to let the system choose
     * @return the copy
     */
    public ConnectionOptions withLocalAddress(SocketAddress address) {
        return new ConnectionOptions(tls, address, happyEyeballsDelay, interleave);
    }

    /**
     * Returns a copy that connects with happy eyeballs (RFC 8305); asyncio's
     * {@code happy_eyeballs_delay}. The addresses the host resolves to are tried in parallel,
     * each attempt started when the one before it fails or {@code seconds} after it started,
     * whichever comes first; the first to connect wins and the others are closed. RFC 8305
     * recommends 0.25 s. The address families are interleaved ({@link #withInterleave}, 1
     * unless set).
     *
     * @param seconds the delay between attempts, 0 or more and finite
     * @return the copy
     * @throws IllegalArgumentException if {@code seconds} is negative, NaN or infinite
     */
    public ConnectionOptions withHappyEyeballsDelay(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("happyEyeballsDelay must be 0 or more seconds, not " + seconds);
        }
        return new ConnectionOptions(tls, localAddress, seconds, interleave);
    }

    /**
     * Returns a copy that connects with happy eyeballs, {@code delay} between attempts; see
     * {@link #withHappyEyeballsDelay(double)}.
     *
     * @param delay the delay between attempts; not negative
     * @return the copy
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public ConnectionOptions withHappyEyeballsDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("happyEyeballsDelay must not be negative: " + delay);
        }
        return withHappyEyeballsDelay(delay.toNanos() / 1e9);
    }

    /**
     * Returns a copy that reorders the resolved addresses so that the address families
     * alternate, {@code firstFamilyCount} addresses of the first family first; asyncio's
     * {@code interleave} (RFC 8305's "First Address Family Count"). It applies with or without
     * happy eyeballs.
     *
     * @param firstFamilyCount 1 or more
     * @return the copy
     * @throws IllegalArgumentException if {@code firstFamilyCount} is less than 1
     */
    public ConnectionOptions withInterleave(int firstFamilyCount) {
        if (firstFamilyCount < 1) {
            throw new IllegalArgumentException("interleave must be 1 or more, not " + firstFamilyCount);
        }
        return new ConnectionOptions(tls, localAddress, happyEyeballsDelay, firstFamilyCount);
    }

    /**
     * Returns the happy eyeballs delay.
     *
     * @return the seconds between connection attempts, or empty when happy eyeballs is off
     *         (addresses are tried one at a time)
     */
    public OptionalDouble happyEyeballsDelay() {
        return Double.isNaN(happyEyeballsDelay) ? OptionalDouble.empty() : OptionalDouble.of(happyEyeballsDelay);
    }

    /**
     * Returns the interleave count as set.
     *
     * @return the number of addresses of the first family before the families alternate, or
     *         0 when not set (then 1 with happy eyeballs, no reordering without)
     */
    public int interleave() {
        return interleave;
    }

    /**
     * Returns the TLS options.
     *
     * @return the options, or {@code null} for plain TCP
     */
    public TlsOptions tls() {
        return tls;
    }

    /**
     * Returns the local address.
     *
     * @return the address, or {@code null}
     */
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionOptions c && Objects.equals(tls, c.tls)
                && Objects.equals(localAddress, c.localAddress)
                && Double.compare(happyEyeballsDelay, c.happyEyeballsDelay) == 0 && interleave == c.interleave;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, localAddress, happyEyeballsDelay, interleave);
    }

    @Override
    public String toString() {
        return "ConnectionOptions[tls=" + tls + ", localAddress=" + localAddress
                + (Double.isNaN(happyEyeballsDelay) ? "" : ", happyEyeballsDelay=" + happyEyeballsDelay)
                + (interleave == 0 ? "" : ", interleave=" + interleave) + "]";
    }
}
