package org.jasyncio.transports;

/**
 * The optional arguments of
 * {@link org.jasyncio.EventLoop#createDatagramEndpoint createDatagramEndpoint}: asyncio's
 * {@code reuse_port} and {@code allow_broadcast}. ({@code reuse_address} is left out, as
 * asyncio removed it for UDP: it lets another process steal the datagrams.) Immutable;
 * each {@code with...} method returns a modified copy.
 *
 * <p>Thread-safe (immutable).
 *
 * @since 0.1
 */
public final class DatagramOptions {
    private static final DatagramOptions DEFAULTS = new DatagramOptions(false, false);

    private final boolean reusePort;
    private final boolean allowBroadcast;

    private DatagramOptions(boolean reusePort, boolean allowBroadcast) {
        this.reusePort = reusePort;
        this.allowBroadcast = allowBroadcast;
    }

    /**
     * Returns the defaults: neither option set.
     *
     * @return the defaults
     */
    public static DatagramOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy that sets {@code SO_REUSEPORT} or not; asyncio's {@code reuse_port}.
     *
     * @param on whether to set it
     * @return the copy
     */
    public DatagramOptions withReusePort(boolean on) {
        return new DatagramOptions(on, allowBroadcast);
    }

    /**
     * Returns a copy that sets {@code SO_BROADCAST} or not, to send to broadcast
     * addresses; asyncio's {@code allow_broadcast}. As in asyncio, a broadcast endpoint with
     * a remote address is not connected to it: {@code sendto(data, null)} sends there, and
     * datagrams are received from any host (there is then no {@code "peername"}).
     *
     * @param on whether to set it
     * @return the copy
     */
    public DatagramOptions withAllowBroadcast(boolean on) {
        return new DatagramOptions(reusePort, on);
    }

    /**
     * Tells whether {@code SO_REUSEPORT} is set.
     *
     * @return the flag
     */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * Tells whether {@code SO_BROADCAST} is set.
     *
     * @return the flag
     */
    public boolean allowBroadcast() {
        return allowBroadcast;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatagramOptions d && reusePort == d.reusePort && allowBroadcast == d.allowBroadcast;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(reusePort) * 31 + Boolean.hashCode(allowBroadcast);
    }

    @Override
    public String toString() {
        return "DatagramOptions[reusePort=" + reusePort + ", allowBroadcast=" + allowBroadcast + "]";
    }
}
