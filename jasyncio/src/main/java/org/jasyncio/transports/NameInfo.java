package org.jasyncio.transports;

import java.util.Objects;

/**
 * What {@link org.jasyncio.EventLoop#getnameinfo getnameinfo} returns: a host name and a
 * service; asyncio's {@code (host, port)} pair from {@code getnameinfo}.
 *
 * @param host the host name found by reverse lookup, or the numeric address when there is
 *        none
 * @param service the port number, as a decimal string (the JDK has no service database;
 *        asyncio gives the same with {@code NI_NUMERICSERV})
 * @since 0.1
 */
public record NameInfo(String host, String service) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is {@code null}
     */
    public NameInfo {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(service, "service");
    }
}
