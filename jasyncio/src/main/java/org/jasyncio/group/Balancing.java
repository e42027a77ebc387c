package org.jasyncio.group;

/**
 * How a {@link LoopGroup}'s server spreads its connections over the loops.
 *
 * <p>Either way a connection lives on one loop for its whole life.
 *
 * @since 0.1
 */
public enum Balancing {
    /**
     * {@link #REUSE_PORT} where the platform has {@code SO_REUSEPORT} (Linux, the BSDs,
     * macOS), else {@link #ACCEPTOR}.
     */
    AUTO,
    /**
     * Every loop listens on the same port with a socket of its own
     * ({@code StandardSocketOptions.SO_REUSEPORT}), and the kernel spreads incoming connections;
     * Linux hashes each connection's addresses and ports, so a few connections may land
     * unevenly, many spread evenly. No loop is on the accept path of another. A connection
     * waiting in one loop's backlog when that loop's socket closes is reset by Linux.
     */
    REUSE_PORT,
    /**
     * The group's first loop alone listens and hands each accepted connection, round robin, to
     * the next loop through that loop's inbox. Exactly even; costs one cross-thread wake-up per
     * connection, and the first loop accepts for all.
     */
    ACCEPTOR
}
