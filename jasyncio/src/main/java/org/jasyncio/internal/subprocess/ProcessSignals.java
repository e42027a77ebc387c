package org.jasyncio.internal.subprocess;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import org.jasyncio.Signal;

/**
 * Sends signals to child processes: asyncio's {@code os.kill(pid, sig)}. The one class that uses
 * the Foreign Function API.
 *
 * <p>SIGTERM and SIGKILL go through {@link ProcessHandle#destroy()} and
 * {@link ProcessHandle#destroyForcibly()}, which need nothing special. The JDK has no call for
 * the other signals: when native access is enabled for jasyncio ({@code --enable-native-access})
 * they are sent with libc's {@code kill(2)} through the Foreign Function API; otherwise jasyncio
 * runs {@code kill -s NAME PID} (no warning about restricted methods, but the signal arrives a
 * millisecond or two after {@code sendSignal} returns).
 */
final class ProcessSignals {
    private static final int ESRCH = 3;

    private ProcessSignals() {}

    /** libc's kill(2) with errno capture, or null when native access is not enabled. */
    private static final class Native {
        static final MethodHandle KILL;
        static final StructLayout STATE;
        static final VarHandle ERRNO;

        static {
            MethodHandle kill = null;
            StructLayout state = null;
            VarHandle errno = null;
            if (ProcessSignals.class.getModule().isNativeAccessEnabled()) {
                try {
                    Linker linker = Linker.nativeLinker();
                    Linker.Option ccs = Linker.Option.captureCallState("errno");
                    state = Linker.Option.captureStateLayout();
                    errno = state.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
                    kill = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ccs);
                } catch (RuntimeException | Error e) {
                    kill = null;
                }
            }
            KILL = kill;
            STATE = state;
            ERRNO = errno;
        }
    }

    /** Whether signals other than TERM and KILL go through kill(2) (else through kill(1)). */
    static boolean nativeKill() {
        return Native.KILL != null;
    }

    /**
     * Sends {@code sig} to {@code process}, if it is still alive.
     *
     * @throws IllegalStateException if the system refuses (for example EPERM)
     */
    static void send(java.lang.Process process, Signal sig) {
        switch (sig) {
            case SIGKILL -> process.toHandle().destroyForcibly();
            case SIGTERM -> process.toHandle().destroy();
            default -> {
                if (nativeKill()) {
                    killNative(process.pid(), sig);
                } else {
                    killCommand(process.pid(), sig);
                }
            }
        }
    }

    private static void killNative(long pid, Signal sig) {
        int rc;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            rc = (int) Native.KILL.invokeExact(state, (int) pid, sig.number());
            errno = rc == 0 ? 0 : (int) Native.ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed", t);
        }
        if (rc != 0 && errno != ESRCH) {
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed with errno " + errno);
        }
    }

    /** Runs {@code kill -s NAME PID}; the signal is sent when that process runs. */
    static void killCommand(long pid, Signal sig) {
        try {
            new ProcessBuilder("kill", "-s", sig.shortName(), Long.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot send " + sig + " to process " + pid + ": running kill(1) failed; "
                    + "enable native access (--enable-native-access=ALL-UNNAMED) to send it directly", e);
        }
    }
}
