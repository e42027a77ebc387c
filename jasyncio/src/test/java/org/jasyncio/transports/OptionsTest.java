package org.jasyncio.transports;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.Test;

/** The immutable option classes: defaults, copies, validation. */
class OptionsTest {

    @Test
    void tlsOptions() throws Exception {
        SSLContext ctx = SSLContext.getDefault();
        TlsOptions t = TlsOptions.of(ctx);
        assertSame(ctx, t.sslContext());
        assertNull(t.serverHostname());
        assertNull(t.sslParameters());
        assertEquals(List.of(), t.alpnProtocols());
        assertEquals(60.0, t.handshakeTimeout());
        assertEquals(30.0, t.shutdownTimeout());
        TlsOptions u = t.withServerHostname("h").withAlpnProtocols("h2").withHandshakeTimeout(Duration.ofMillis(1500))
                .withShutdownTimeout(Double.POSITIVE_INFINITY);
        assertEquals("h", u.serverHostname());
        assertEquals(List.of("h2"), u.alpnProtocols());
        assertEquals(1.5, u.handshakeTimeout());
        assertEquals(Double.POSITIVE_INFINITY, u.shutdownTimeout());
        assertNull(t.serverHostname(), "copies leave the original alone");
        for (double bad : new double[] {0, -1, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> t.withHandshakeTimeout(bad));
            assertThrows(IllegalArgumentException.class, () -> t.withShutdownTimeout(bad));
        }
        assertThrows(NullPointerException.class, () -> t.withAlpnProtocols("a", null));
        SSLParameters p = new SSLParameters(null, new String[] {"TLSv1.3"});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        TlsOptions withParams = t.withSslParameters(p);
        p.setEndpointIdentificationAlgorithm(null);
        assertEquals("HTTPS", withParams.sslParameters().getEndpointIdentificationAlgorithm(), "parameters are copied");
        assertArrayEquals(new String[] {"TLSv1.3"}, withParams.sslParameters().getProtocols());
        assertTrue(t.delegatedTasksOffLoop(), "handshake crypto runs off the loop by default");
        TlsOptions onLoop = t.withDelegatedTasksOffLoop(false);
        assertFalse(onLoop.delegatedTasksOffLoop());
        assertFalse(onLoop.withServerHostname("h").withAlpnProtocols("h2").withHandshakeTimeout(2).withShutdownTimeout(2)
                .withSslParameters(p).delegatedTasksOffLoop(), "every copy keeps the choice");
        assertTrue(t.delegatedTasksOffLoop(), "copies leave the original alone");
    }

    @Test
    void connectionAndServerAndDatagramOptions() throws Exception {
        ConnectionOptions c = ConnectionOptions.defaults();
        assertNull(c.tls());
        assertNull(c.localAddress());
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 0);
        ConnectionOptions c2 = c.withLocalAddress(local).withSsl(SSLContext.getDefault());
        assertEquals(local, c2.localAddress());
        assertNotNull(c2.tls());
        assertEquals(c, ConnectionOptions.defaults().withSsl(null));

        ServerOptions s = ServerOptions.defaults();
        assertEquals(100, s.backlog());
        assertTrue(s.reuseAddress());
        assertFalse(s.reusePort());
        assertTrue(s.startServing());
        assertNull(s.tls());
        ServerOptions s2 = s.withBacklog(5).withReuseAddress(false).withReusePort(true).withStartServing(false);
        assertEquals(List.of(5, false, true, false), List.of(s2.backlog(), s2.reuseAddress(), s2.reusePort(),
                s2.startServing()));
        assertNotEquals(s, s2);
        assertEquals(s2, ServerOptions.defaults().withBacklog(5).withReuseAddress(false).withReusePort(true)
                .withStartServing(false));
        assertThrows(IllegalArgumentException.class,
                () -> s.withTls(TlsOptions.of(SSLContext.getDefault()).withServerHostname("x")));

        DatagramOptions d = DatagramOptions.defaults();
        assertFalse(d.allowBroadcast());
        assertFalse(d.reusePort());
        assertTrue(d.withAllowBroadcast(true).allowBroadcast());
        assertEquals(d.withReusePort(true), DatagramOptions.defaults().withReusePort(true));
    }

    @Test
    void recordsRejectNulls() {
        assertThrows(NullPointerException.class, () -> new NameInfo(null, "1"));
        assertThrows(NullPointerException.class, () -> new Datagram(null, new InetSocketAddress(1)));
    }
}
