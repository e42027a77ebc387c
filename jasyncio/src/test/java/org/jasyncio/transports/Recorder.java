package org.jasyncio.transports;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.jasyncio.Asyncio;
import org.jasyncio.EventLoop;
import org.jasyncio.Future;

/**
 * A test protocol that records what the transport tells it (CPython's test_utils MyProto):
 * the state goes INITIAL, CONNECTED, EOF, CLOSED; futures complete on connection lost and
 * when enough bytes arrived.
 */
class Recorder implements Protocol {
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final Future<Exception> lost;
    final EventLoop loop;
    Transport transport;
    String state = "INITIAL";
    boolean keepOpenOnEof;
    private Future<byte[]> want;
    private int wantBytes;

    Recorder() {
        this.loop = Asyncio.getRunningLoop();
        this.lost = loop.createFuture();
    }

    /** A protocol factory for a server: each new Recorder is also added to {@code accepted}. */
    static java.util.function.Supplier<Recorder> into(List<Recorder> accepted) {
        return () -> {
            Recorder r = new Recorder();
            accepted.add(r);
            return r;
        };
    }

    @Override
    public void connectionMade(BaseTransport t) {
        check("INITIAL");
        state = "CONNECTED";
        transport = (Transport) t;
        events.add("made");
    }

    @Override
    public void dataReceived(byte[] data) {
        check("CONNECTED");
        received.writeBytes(data);
        if (want != null && received.size() >= wantBytes) {
            want.trySetResult(received.toByteArray());
            want = null;
        }
    }

    @Override
    public boolean eofReceived() {
        check("CONNECTED");
        state = "EOF";
        events.add("eof");
        return keepOpenOnEof;
    }

    @Override
    public void connectionLost(Exception exc) {
        if (!state.equals("CONNECTED") && !state.equals("EOF")) {
            throw new AssertionError("connectionLost in state " + state);
        }
        state = "CLOSED";
        events.add("lost" + (exc == null ? "" : ":" + exc.getClass().getSimpleName()));
        lost.trySetResult(exc);
    }

    @Override
    public void pauseWriting() {
        events.add("pause");
    }

    @Override
    public void resumeWriting() {
        events.add("resume");
    }

    /** Waits until at least {@code n} bytes were received in total; returns them all. */
    byte[] awaitBytes(int n) throws Exception {
        if (received.size() >= n) {
            return received.toByteArray();
        }
        want = loop.createFuture();
        wantBytes = n;
        return Asyncio.waitFor(want, 10);
    }

    Exception awaitLost() throws Exception {
        return Asyncio.waitFor(lost, 10);
    }

    private void check(String expected) {
        if (!state.equals(expected)) {
            throw new AssertionError("expected state " + expected + " but was " + state);
        }
    }

    static int port(Server s) {
        return ((java.net.InetSocketAddress) s.addresses().get(0)).getPort();
    }
}
