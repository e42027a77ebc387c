package org.jasyncio;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jasyncio.internal.SignalSupport;
import org.junit.jupiter.api.Test;

/** addSignalHandler / removeSignalHandler, and Ctrl-C handling of run() (CPython test_runners, test_unix_events). */
class SignalTest {

    @Test
    void sigusr1SentToOurselvesRunsTheHandlerOnTheLoopThread() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            List<String> events = new ArrayList<>();
            Thread[] loopThread = new Thread[1];
            Thread[] handlerThread = new Thread[1];
            Future<Void> got = loop.createFuture();
            loop.addSignalHandler(Signal.SIGUSR1, () -> {
                handlerThread[0] = Thread.currentThread();
                events.add("SIGUSR1");
                got.trySetResult(null);
            });
            loop.callSoon(() -> {
                loopThread[0] = Thread.currentThread();
                SignalSupport.raise(Signal.SIGUSR1);
            });
            loop.runUntilComplete(got);
            assertEquals(List.of("SIGUSR1"), events);
            assertSame(loopThread[0], handlerThread[0]);
            assertTrue(loop.removeSignalHandler(Signal.SIGUSR1));
            assertFalse(loop.removeSignalHandler(Signal.SIGUSR1));
        }
    }

    @Test
    void handlerRunsOncePerSignalAndRemovalRestores() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            int[] count = {0};
            loop.addSignalHandler(Signal.SIGUSR2, () -> count[0]++);
            loop.runUntilComplete(() -> {
                for (int i = 0; i < 3; i++) {
                    SignalSupport.raise(Signal.SIGUSR2);
                    for (int j = 0; j < 100 && count[0] <= i; j++) {
                        sleep(0.01);
                    }
                }
                return null;
            });
            assertEquals(3, count[0]);
        }
        // the loop's close() removed the handler: another loop may take the signal
        try (EventLoop other = Asyncio.newEventLoop()) {
            other.addSignalHandler(Signal.SIGUSR2, () -> {});
            assertTrue(other.removeSignalHandler(Signal.SIGUSR2));
        }
    }

    @Test
    void uncatchableSignalsAreRejected() throws Exception {
        try (EventLoop loop = Asyncio.newEventLoop()) {
            // asyncio's RuntimeError (test_events.py::test_add_signal_handler)
            assertThrows(IllegalStateException.class, () -> loop.addSignalHandler(Signal.SIGKILL, () -> {}));
            assertThrows(IllegalStateException.class, () -> loop.addSignalHandler(Signal.SIGQUIT, () -> {}));
        }
    }

    @Test
    void twoLoopsCannotHandleTheSameSignal() throws Exception {
        try (EventLoop a = Asyncio.newEventLoop(); EventLoop b = Asyncio.newEventLoop()) {
            a.addSignalHandler(Signal.SIGHUP, () -> {});
            assertThrows(IllegalStateException.class, () -> b.addSignalHandler(Signal.SIGHUP, () -> {}));
            a.removeSignalHandler(Signal.SIGHUP);
            b.addSignalHandler(Signal.SIGHUP, () -> {});
            b.removeSignalHandler(Signal.SIGHUP);
        }
    }

    @Test
    void signalNumbers() {
        assertEquals(2, Signal.SIGINT.number());
        assertEquals(15, Signal.SIGTERM.number());
        assertEquals(Signal.SIGTERM, Signal.ofNumber(15));
    }

    // ---- Ctrl-C handling of run(), in a forked JVM ---------------------------------------

    /** The forked program: prints READY, then runs a main task chosen by the argument. */
    public static final class CtrlCProbe {
        public static void main(String[] args) throws Exception {
            String mode = args[0];
            Object r = Asyncio.run(() -> {
                System.out.println("READY");
                System.out.flush();
                if (mode.equals("cooperative")) {
                    try {
                        sleep(60);
                    } catch (CancelledError e) {
                        System.out.println("main task cancelled");
                        throw e;
                    }
                } else if (mode.equals("suppress")) {
                    try {
                        sleep(60);
                    } catch (CancelledError e) {
                        System.out.println("main task suppressed the cancellation");
                        currentTask().uncancel();
                        return "finished normally";
                    }
                } else { // stubborn: refuses to stop
                    while (true) {
                        try {
                            sleep(60);
                        } catch (CancelledError e) {
                            System.out.println("main task refuses");
                            System.out.flush();
                        }
                    }
                }
                return "unreachable";
            });
            System.out.println("run returned " + r);
        }
    }

    private record Outcome(int exit, String out) {}

    private static Outcome ctrlC(String mode, int sigints) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // A JVM started with SIGINT ignored (as background jobs of a non-interactive shell are)
        // never sees Ctrl-C: reset the disposition to the default, as a terminal would have it.
        Process p = new ProcessBuilder("env", "--default-signal=INT", java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Djdk.trackAllThreads=false", "-cp", System.getProperty("java.class.path"),
                CtrlCProbe.class.getName(), mode).redirectErrorStream(true).start();
        // never hang the build: kill the child after a minute whatever happens
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        StringBuilder out = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            out.append(line).append('\n');
            if (line.equals("READY")) {
                break;
            }
        }
        for (int i = 0; i < sigints; i++) {
            Thread.sleep(300);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            if (mode.equals("stubborn") && i < 2) {
                // wait for each refusal before the next Ctrl-C
                while ((line = r.readLine()) != null) {
                    out.append(line).append('\n');
                    if (line.equals("main task refuses")) {
                        break;
                    }
                }
            }
        }
        while ((line = r.readLine()) != null) {
            out.append(line).append('\n');
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the forked JVM did not exit:\n" + out);
        watchdog.interrupt();
        return new Outcome(p.exitValue(), out.toString());
    }

    @Test
    void firstCtrlCCancelsTheMainTaskAndTheProgramExitsWith130() throws Exception {
        Outcome o = ctrlC("cooperative", 1);
        assertTrue(o.out().contains("main task cancelled"), o.out());
        assertTrue(o.out().contains("org.jasyncio.KeyboardInterrupt"), o.out());
        assertFalse(o.out().contains("run returned"), o.out());
        assertEquals(130, o.exit(), o.out());
    }

    @Test
    void mainTaskThatSuppressesTheCancellationFinishesNormally() throws Exception {
        Outcome o = ctrlC("suppress", 1);
        assertTrue(o.out().contains("run returned finished normally"), o.out());
        assertEquals(0, o.exit(), o.out());
    }

    @Test
    void secondCtrlCInterruptsAStubbornMainTaskAndAThirdEndsTheProcess() throws Exception {
        // The second Ctrl-C raises KeyboardInterrupt out of the loop; run() then cancels the
        // remaining tasks and waits for them, as asyncio does, and the stubborn main task
        // refuses again; the third Ctrl-C ends the process (Python: KeyboardInterrupt again).
        Outcome o = ctrlC("stubborn", 3);
        assertTrue(o.out().split("main task refuses", -1).length - 1 >= 2, o.out());
        assertEquals(130, o.exit(), o.out());
    }
}
