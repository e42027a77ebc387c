package org.jasyncio.internal.net.unix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The libc calls behind Unix datagram sockets, through the Foreign Function API: socket, bind,
 * connect, sendto, recvfrom, close and the epoll calls, each returning -1 with the errno
 * captured. Linux only (x86-64 and AArch64: the layout of {@code struct epoll_event} differs).
 *
 * <p>jasyncio needs native access for them: {@code --enable-native-access=org.jasyncio} on the
 * module path, {@code =ALL-UNNAMED} on the class path. Without the flag JDK 25 prints one
 * warning and allows the calls; a JVM that denies them ({@code --illegal-native-access=deny},
 * later JDKs by default) gets an {@link UnsupportedOperationException} naming the flag.
 *
 * <p>Thread-safe: the handles are immutable; each call takes the caller's own call-state memory.
 */
final class Libc {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLERR = 0x8;
    static final int EPOLLHUP = 0x10;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENOENT = 2;
    static final int EADDRINUSE = 98;
    static final int ECONNREFUSED = 111;
    /** sizeof(sun_path): the path and its NUL. */
    static final int SUN_PATH_MAX = 108;
    /** sizeof(struct sockaddr_un). */
    static final int SOCKADDR_UN_SIZE = 2 + SUN_PATH_MAX;

    private static final String WHY_UNSUPPORTED;
    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle CONNECT;
    private static final MethodHandle SENDTO;
    private static final MethodHandle RECVFROM;
    private static final MethodHandle CLOSE;
    private static final MethodHandle EPOLL_CREATE1;
    private static final MethodHandle EPOLL_CTL;
    private static final MethodHandle EPOLL_WAIT;
    private static final MethodHandle STRERROR;
    static final StructLayout CALL_STATE;
    private static final VarHandle ERRNO;
    /** sizeof(struct epoll_event): 12 on x86-64 (packed), 16 elsewhere. */
    static final long EPOLL_EVENT_SIZE;
    /** Offset of the event's data field. */
    static final long EPOLL_DATA_OFFSET;

    static {
        String why = null;
        MethodHandle[] h = new MethodHandle[10];
        StructLayout state = null;
        VarHandle errno = null;
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !(x86 || arch.equals("aarch64"))) {
            why = "Unix datagram sockets are implemented for Linux on x86-64 and AArch64 only; this is " + os + " on "
                    + arch;
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errnoCapture = Linker.Option.captureCallState("errno");
                state = Linker.Option.captureStateLayout();
                errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                ValueLayout.OfInt i = ValueLayout.JAVA_INT;
                ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
                java.lang.foreign.AddressLayout p = ValueLayout.ADDRESS;
                h[0] = linker.downcallHandle(libc.find("socket").orElseThrow(), FunctionDescriptor.of(i, i, i, i),
                        errnoCapture);
                h[1] = linker.downcallHandle(libc.find("bind").orElseThrow(), FunctionDescriptor.of(i, i, p, i),
                        errnoCapture);
                h[2] = linker.downcallHandle(libc.find("connect").orElseThrow(), FunctionDescriptor.of(i, i, p, i),
                        errnoCapture);
                h[3] = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                        FunctionDescriptor.of(l, i, p, l, i, p, i), errnoCapture);
                h[4] = linker.downcallHandle(libc.find("recvfrom").orElseThrow(),
                        FunctionDescriptor.of(l, i, p, l, i, p, p), errnoCapture);
                h[5] = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(i, i),
                        errnoCapture);
                h[6] = linker.downcallHandle(libc.find("epoll_create1").orElseThrow(), FunctionDescriptor.of(i, i),
                        errnoCapture);
                h[7] = linker.downcallHandle(libc.find("epoll_ctl").orElseThrow(),
                        FunctionDescriptor.of(i, i, i, i, p), errnoCapture);
                h[8] = linker.downcallHandle(libc.find("epoll_wait").orElseThrow(),
                        FunctionDescriptor.of(i, i, p, i, i), errnoCapture);
                h[9] = linker.downcallHandle(libc.find("strerror").orElseThrow(), FunctionDescriptor.of(p, i));
            } catch (IllegalCallerException e) {
                why = "Unix datagram sockets call libc through the Foreign Function API, and native access is denied"
                        + " to jasyncio: run with --enable-native-access=org.jasyncio (module path) or"
                        + " --enable-native-access=ALL-UNNAMED (class path)";
            } catch (RuntimeException | Error e) {
                why = "Unix datagram sockets are not available: the libc functions could not be linked (" + e + ")";
            }
        }
        WHY_UNSUPPORTED = why;
        SOCKET = h[0];
        BIND = h[1];
        CONNECT = h[2];
        SENDTO = h[3];
        RECVFROM = h[4];
        CLOSE = h[5];
        EPOLL_CREATE1 = h[6];
        EPOLL_CTL = h[7];
        EPOLL_WAIT = h[8];
        STRERROR = h[9];
        CALL_STATE = state;
        ERRNO = errno;
        EPOLL_EVENT_SIZE = x86 ? 12 : 16;
        EPOLL_DATA_OFFSET = x86 ? 4 : 8;
    }

    private Libc() {}

    /**
     * Fails unless the calls are available.
     *
     * @throws UnsupportedOperationException naming the platform, or the JVM flag that enables
     *         native access
     */
    static void check() {
        if (WHY_UNSUPPORTED != null) {
            throw new UnsupportedOperationException(WHY_UNSUPPORTED);
        }
    }

    /** The errno a call captured in {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** libc's message for {@code errno}. */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment state, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(state, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int connect(MemorySegment state, int fd, MemorySegment addr, int len) {
        try {
            return (int) CONNECT.invokeExact(state, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long sendto(MemorySegment state, int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
            int addrLen) {
        try {
            return (long) SENDTO.invokeExact(state, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long recvfrom(MemorySegment state, int fd, MemorySegment buf, long len, int flags, MemorySegment addr,
            MemorySegment addrLen) {
        try {
            return (long) RECVFROM.invokeExact(state, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCreate1(MemorySegment state, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(state, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollWait(MemorySegment state, int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(state, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A new call-state segment in {@code arena}. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
