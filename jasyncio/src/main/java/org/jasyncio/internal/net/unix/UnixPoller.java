package org.jasyncio.internal.net.unix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Readiness of Unix datagram sockets, for every loop of the JVM: one epoll instance and one
 * daemon platform thread blocked in {@code epoll_wait}. The NIO selector cannot watch a
 * descriptor the JDK did not open, so this thread does it, and only that: for each event it
 * calls the socket's listener, which posts the event to its loop's inbox
 * ({@code callSoonThreadsafe}); the loop then reads and writes the socket itself.
 *
 * <p>Registrations are one-shot ({@code EPOLLONESHOT}): after an event the socket is silent
 * until its loop re-arms it with {@link #arm}, which it does after draining the socket, so a
 * burst of datagrams costs one event and one inbox post, and no event is lost (re-arming a
 * ready socket reports it again at once).
 *
 * <p>Thread-safe: epoll_ctl may be called from any thread; the listener map is concurrent and
 * only the registering loop and this thread touch an entry.
 */
final class UnixPoller implements Runnable {
    private static final Logger LOG = System.getLogger("org.jasyncio.transports");
    private static final int MAX_EVENTS = 64;
    private static UnixPoller instance;

    private final int epfd;
    private final ConcurrentHashMap<Long, IntConsumer> listeners = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    private UnixPoller(int epfd) {
        this.epfd = epfd;
    }

    /** The JVM's poller, started on first use. */
    static synchronized UnixPoller get() throws IOException {
        if (instance == null) {
            Libc.check();
            int ep;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment st = Libc.callState(a);
                ep = Libc.epollCreate1(st, Libc.EPOLL_CLOEXEC);
                if (ep < 0) {
                    throw new SocketException("epoll_create1 failed: " + Libc.strerror(Libc.errno(st)));
                }
            }
            UnixPoller p = new UnixPoller(ep);
            Thread t = Thread.ofPlatform().daemon().name("jasyncio-unix-datagram-poller").unstarted(p);
            t.start();
            instance = p;
        }
        return instance;
    }

    /**
     * Adds {@code fd}, disarmed; {@code listener} gets the epoll event bits on this poller's
     * thread and must only post them to its loop.
     *
     * @return the registration's token, for {@link #arm} and {@link #remove}
     */
    long add(int fd, IntConsumer listener) throws IOException {
        long token = tokens.incrementAndGet();
        listeners.put(token, listener);
        try {
            ctl(Libc.EPOLL_CTL_ADD, fd, token, 0);
        } catch (IOException e) {
            listeners.remove(token);
            throw e;
        }
        return token;
    }

    /** Re-arms {@code fd} for {@code events} (EPOLLIN, EPOLLOUT), once. */
    void arm(int fd, long token, int events) throws IOException {
        ctl(Libc.EPOLL_CTL_MOD, fd, token, events | Libc.EPOLLONESHOT);
    }

    /** Removes {@code fd}; call before closing it. An event already taken is dropped by its listener. */
    void remove(int fd, long token) {
        listeners.remove(token);
        try {
            ctl(Libc.EPOLL_CTL_DEL, fd, token, 0);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "epoll_ctl(DEL) of fd " + fd + " failed", e);
        }
    }

    private void ctl(int op, int fd, long token, int events) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.callState(a);
            MemorySegment ev = a.allocate(Libc.EPOLL_EVENT_SIZE);
            ev.set(ValueLayout.JAVA_INT, 0, events);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, Libc.EPOLL_DATA_OFFSET, token);
            if (Libc.epollCtl(st, epfd, op, fd, ev) != 0) {
                throw new SocketException("epoll_ctl(" + op + ", fd " + fd + ") failed: "
                        + Libc.strerror(Libc.errno(st)));
            }
        }
    }

    @Override
    public void run() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.callState(a);
            MemorySegment events = a.allocate(Libc.EPOLL_EVENT_SIZE * MAX_EVENTS);
            while (true) {
                int n = Libc.epollWait(st, epfd, events, MAX_EVENTS, -1);
                if (n < 0) {
                    int e = Libc.errno(st);
                    if (e == Libc.EINTR) {
                        continue;
                    }
                    LOG.log(Level.ERROR, "epoll_wait failed: " + Libc.strerror(e)
                            + "; Unix datagram endpoints will receive nothing more");
                    return;
                }
                for (int i = 0; i < n; i++) {
                    long base = i * Libc.EPOLL_EVENT_SIZE;
                    int bits = events.get(ValueLayout.JAVA_INT_UNALIGNED, base);
                    long token = events.get(ValueLayout.JAVA_LONG_UNALIGNED, base + Libc.EPOLL_DATA_OFFSET);
                    IntConsumer l = listeners.get(token);
                    if (l != null) {
                        try {
                            l.accept(bits);
                        } catch (Throwable t) {
                            // a closed loop refuses the post: that endpoint is closed with it
                            LOG.log(Level.DEBUG, "a Unix datagram event could not be delivered", t);
                        }
                    }
                }
            }
        }
    }
}
