package org.jasyncio.internal.subprocess;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.jasyncio.Context;
import org.jasyncio.EventLoop;
import org.jasyncio.ExceptionContext;
import org.jasyncio.Future;
import org.jasyncio.Signal;
import org.jasyncio.internal.LoopInternals;
import org.jasyncio.subprocess.ProcessLookupError;
import org.jasyncio.transports.BaseProtocol;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.SubprocessTransport;

/**
 * A child process and its pipes; asyncio's {@code BaseSubprocessTransport} with the Unix
 * subprocess transport and child watcher.
 *
 * <p>The child is a {@link java.lang.Process}. Its exit arrives through
 * {@link java.lang.Process#onExit()}, its pipes through {@link ReadPipeTransport} and
 * {@link WritePipeTransport}, all posted to the loop with {@code callSoonThreadsafe} in this
 * transport's context; from then on everything runs on the loop thread. Like asyncio's, the
 * transport reports {@code connectionLost} once the child exited and every pipe closed; the
 * tasks waiting in {@link #waitForExit()} wake as soon as the child exited, pipes open or not
 * (uvloop, Trio and CPython since gh-119710: a grandchild holding stdout, or a stdout nobody reads,
 * must not keep {@code wait()} from returning).
 *
 * <p>Return codes: the JDK reports a death by signal N as the exit status 128 + N, which a
 * normal {@code exit(128 + N)} also gives. The transport reports -N (asyncio's convention) when
 * it sent signal N to the child itself (kill, terminate, sendSignal, close, loop close), else the
 * status as the JDK gives it.
 */
public final class ProcessTransport implements SubprocessTransport, PipeOwner {
    static final Logger LOG = System.getLogger("org.jasyncio.subprocess");
    /** How long loop close waits for killed children to be reaped, in all. */
    static final long REAP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final EventLoop loop;
    private final Context context;
    private final boolean debug;
    private final String program;
    private final java.lang.Process proc;
    private final long pid;
    private SubprocessProtocol protocol;
    private final WritePipeTransport stdin;
    private final ReadPipeTransport stdout;
    private final ReadPipeTransport stderr;
    private boolean stdinLost;
    private boolean stdoutLost;
    private boolean stderrLost;
    private Integer returncode;
    private boolean closed;
    private boolean finished;
    /** Set after connectionLost: the process is gone, signals raise ProcessLookupError. */
    private boolean gone;
    private List<Future<Integer>> exitWaiters = new ArrayList<>();
    /** Signals sent to the child, by number (bit n = signal n). */
    private long signalsSent;

    ProcessTransport(EventLoop loop, SubprocessProtocol protocol, PipeChannels.Taken pipes, String program,
            boolean stdinPipe, boolean stdoutPipe, boolean stderrPipe) {
        java.lang.Process proc = pipes.proc();
        this.loop = loop;
        this.context = Context.copyContext();
        this.debug = loop.getDebug();
        this.protocol = protocol;
        this.proc = proc;
        this.pid = proc.pid();
        this.program = program;
        this.stdin = stdinPipe ? new WritePipeTransport(this, proc.getOutputStream(), null) : null;
        this.stdout = stdoutPipe ? new ReadPipeTransport(this, 1, pipes.stdout(), pipes.stdoutChannel()) : null;
        this.stderr = stderrPipe ? new ReadPipeTransport(this, 2, pipes.stderr(), pipes.stderrChannel()) : null;
        this.stdinLost = !stdinPipe;
        this.stdoutLost = !stdoutPipe;
        this.stderrLost = !stderrPipe;
        LoopChildren.add(loop, this);
        if (debug) {
            LOG.log(Level.DEBUG, "process " + program + " created: pid " + pid);
        }
    }

    /**
     * Connects the protocol, then starts the pumps and watches the exit; on the loop thread,
     * as asyncio's {@code _connect_pipes} (connectionMade comes before any other call).
     */
    void connect() {
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            reportCallback("connectionMade", t);
        }
        if (stdout != null) {
            stdout.start();
        }
        if (stderr != null) {
            stderr.start();
        }
        proc.onExit().whenComplete((p, e) -> post(this::processExited));
    }

    // ---- for the pipes -------------------------------------------------------------------------

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public boolean debug() {
        return debug;
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public String pipeLabel(int fd) {
        return "pid=" + pid + " fd=" + fd;
    }

    @Override
    public String pipeThreadName(int fd) {
        return pid + (fd == 0 ? "-stdin" : fd == 1 ? "-stdout" : "-stderr");
    }

    @Override
    public boolean refusesWritesAfterClose() {
        return true;
    }

    @Override
    public String brokenPipeReason() {
        return "child process " + pid + " " + (returncode != null || !proc.isAlive() ? "exited" : "closed its stdin");
    }

    @Override
    public void pipeEofReceived(int fd) {
        // a child's pipe protocol (asyncio's ReadSubprocessPipeProto) ignores it
    }

    @Override
    public Object pipeExtraInfo(String name, Object defaultValue) {
        return defaultValue;
    }

    @Override
    public void setPipeProtocol(BaseProtocol protocol) {
        throw new IllegalArgumentException("a subprocess pipe reports to its SubprocessTransport; "
                + "set the protocol there (SubprocessTransport.setProtocol)");
    }

    @Override
    public void pipeDataReceived(int fd, byte[] data) {
        try {
            protocol.pipeDataReceived(fd, data);
        } catch (Throwable t) {
            reportCallback("pipeDataReceived", t);
        }
    }

    @Override
    public void pipeConnectionLost(int fd, Exception exc) {
        switch (fd) {
            case 0 -> stdinLost = true;
            case 1 -> stdoutLost = true;
            default -> stderrLost = true;
        }
        try {
            protocol.pipeConnectionLost(fd, exc);
        } catch (Throwable t) {
            reportCallback("pipeConnectionLost", t);
        }
        tryFinish();
    }

    @Override
    public void reportCallback(String callback, Throwable t) {
        loop.callExceptionHandler(ExceptionContext.builder("Exception in " + describe(protocol) + "." + callback
                + "()").exception(t).put("transport", this).put("protocol", protocol).build());
    }

    private static String describe(Object o) {
        String s = o.getClass().getSimpleName();
        return s.isEmpty() ? o.getClass().getName() : s;
    }

    // ---- exit and finish -------------------------------------------------------------------------

    private void processExited() {
        if (returncode != null || gone) {
            return;
        }
        int status = proc.exitValue();
        returncode = returncodeOf(status);
        if (debug) {
            LOG.log(Level.INFO, this + " exited with return code " + returncode);
        }
        if (stdin != null) {
            stdin.processExited(); // reports pipeConnectionLost(0, ...) now
        }
        try {
            protocol.processExited();
        } catch (Throwable t) {
            reportCallback("processExited", t);
        }
        wakeExitWaiters();
        tryFinish();
    }

    private void wakeExitWaiters() {
        List<Future<Integer>> waiters = exitWaiters;
        exitWaiters = List.of();
        for (Future<Integer> w : waiters) {
            if (!w.done()) {
                w.setResult(returncode);
            }
        }
    }

    /** asyncio's negative return code for a signal we sent; the JDK's status otherwise. */
    private int returncodeOf(int status) {
        int sig = status - 128;
        if (sig > 0 && sig < 64 && (signalsSent & (1L << sig)) != 0) {
            return -sig;
        }
        return status;
    }

    private void tryFinish() {
        if (returncode == null || finished || !(stdinLost && stdoutLost && stderrLost)) {
            return;
        }
        finished = true;
        callSoon(this::callConnectionLost);
    }

    private void callConnectionLost() {
        try {
            protocol.connectionLost(null);
        } catch (Throwable t) {
            reportCallback("connectionLost", t);
        } finally {
            gone = true;
            LoopChildren.remove(loop, this);
        }
    }

    /**
     * Waits until the child exited; asyncio's {@code _wait()} as of gh-119710: the pipes may still
     * be open (a grandchild holds them, or nobody reads them). Returns at once when the exit is
     * already known.
     *
     * @return the return code
     * @throws org.jasyncio.CancelledError if the calling task is cancelled (the child keeps running)
     * @throws IllegalStateException if called outside a task of this loop
     */
    public int waitForExit() {
        Integer rc = returncode;
        if (rc != null) {
            return rc;
        }
        Future<Integer> w = loop.createFuture();
        exitWaiters.add(w);
        try {
            return w.await();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- SubprocessTransport ---------------------------------------------------------------------

    @Override
    public long getPid() {
        return pid;
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public BaseTransport getPipeTransport(int fd) {
        return switch (fd) {
            case 0 -> stdin;
            case 1 -> stdout;
            case 2 -> stderr;
            default -> null;
        };
    }

    @Override
    public void sendSignal(Signal sig) {
        Objects.requireNonNull(sig, "sig");
        LoopInternals.get().checkThread(loop, "SubprocessTransport.sendSignal()");
        if (gone || returncode != null) {
            // its exit was processed: the pid is reaped and may already name another process
            throw new ProcessLookupError("child process " + pid + " already exited");
        }
        if (!proc.isAlive()) {
            return; // exited; the loop learns it soon (asyncio ignores the ProcessLookupError of os.kill)
        }
        int n = sig.number();
        if (n > 0 && n < 64) {
            signalsSent |= 1L << n;
        }
        ProcessSignals.send(proc, sig);
    }

    @Override
    public void terminate() {
        sendSignal(Signal.SIGTERM);
    }

    @Override
    public void kill() {
        sendSignal(Signal.SIGKILL);
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    @Override
    public void close() {
        LoopInternals.get().checkThread(loop, "SubprocessTransport.close()");
        if (closed) {
            return;
        }
        closed = true;
        // the kill first: a child that met its closed stdout first could exit on the broken
        // pipe with a status of its own, not the -9 that close() promises
        if (returncode == null && proc.isAlive()) {
            if (debug) {
                LOG.log(Level.WARNING, "Close running child process: kill " + this);
            }
            signalsSent |= 1L << Signal.SIGKILL.number();
            proc.toHandle().destroyForcibly();
        }
        if (stdin != null) {
            stdin.closeFromOwner();
        }
        if (stdout != null) {
            stdout.close();
        }
        if (stderr != null) {
            stderr.close();
        }
    }

    /**
     * Loop close, on the closing thread, first step: kill the child if it still runs. Nothing is
     * reported to the protocol: the loop is gone.
     */
    void killAtLoopClose() {
        closed = true;
        if (proc.isAlive()) {
            if (debug) {
                LOG.log(Level.WARNING, "Event loop closed while child process is running: kill " + this);
            }
            signalsSent |= 1L << Signal.SIGKILL.number();
            proc.toHandle().destroyForcibly();
        }
    }

    /** Loop close, second step: wait until {@code deadline} for the child to be reaped, stop the pumps. */
    void reapAtLoopClose(long deadline) {
        try {
            long left = deadline - System.nanoTime();
            if (!proc.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.WARNING, "child process " + pid + " did not exit within 5 seconds of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stdin != null) {
            stdin.loopClosing();
        }
        if (stdout != null) {
            stdout.loopClosing();
        }
        if (stderr != null) {
            stderr.loopClosing();
        }
    }

    @Override
    public Object getExtraInfo(String name, Object defaultValue) {
        return "subprocess".equals(Objects.requireNonNull(name, "name")) ? proc : defaultValue;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        if (!(protocol instanceof SubprocessProtocol p)) {
            throw new IllegalArgumentException("a subprocess transport needs a SubprocessProtocol, got " + protocol);
        }
        this.protocol = p;
    }

    @Override
    public SubprocessProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<ProcessTransport");
        if (closed) {
            sb.append(" closed");
        }
        sb.append(" pid=").append(pid);
        if (returncode != null) {
            sb.append(" returncode=").append(returncode);
        } else {
            sb.append(" running");
        }
        if (stdin != null) {
            sb.append(" stdin=").append(stdin);
        }
        if (stdout != null) {
            sb.append(" stdout=").append(stdout);
        }
        if (stderr != null) {
            sb.append(" stderr=").append(stderr);
        }
        return sb.append('>').toString();
    }
}
