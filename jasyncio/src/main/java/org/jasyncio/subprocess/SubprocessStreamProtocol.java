package org.jasyncio.subprocess;

import java.util.ArrayList;
import java.util.List;

import org.jasyncio.streams.FlowControl;
import org.jasyncio.streams.StreamReader;
import org.jasyncio.streams.StreamWriter;
import org.jasyncio.transports.BaseTransport;
import org.jasyncio.transports.ReadTransport;
import org.jasyncio.transports.SubprocessProtocol;
import org.jasyncio.transports.SubprocessTransport;
import org.jasyncio.transports.WriteTransport;

/**
 * The protocol behind {@link Process}: it turns the child's pipes into a {@link StreamWriter}
 * (stdin) and {@link StreamReader}s (stdout, stderr); asyncio's
 * {@code asyncio.subprocess.SubprocessStreamProtocol}. Loop-affine.
 */
final class SubprocessStreamProtocol implements SubprocessProtocol {
    private final int limit;
    private final FlowControl flow = new FlowControl();
    /**
     * Carries the stdin pipe's error to {@link StreamWriter#drain()}, which reports the exception
     * of the reader it was given (asyncio's writer does the same with its reader): after the
     * child exited, drain() raises a BrokenPipeError rather than a bare "Connection lost".
     * Nothing is ever fed to it.
     */
    private final StreamReader stdinError = new StreamReader();
    private final List<Integer> pipeFds = new ArrayList<>(2);
    private SubprocessTransport transport;
    /** The transport, kept after {@link #maybeCloseTransport()} drops {@link #transport}. */
    private SubprocessTransport process;
    private boolean processExited;
    StreamWriter stdin;
    StreamReader stdout;
    StreamReader stderr;

    SubprocessStreamProtocol(int limit) {
        this.limit = limit;
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (SubprocessTransport) t;
        process = transport;
        if (transport.getPipeTransport(1) instanceof ReadTransport out) {
            stdout = new StreamReader(limit);
            stdout.setTransport(out);
            pipeFds.add(1);
        }
        if (transport.getPipeTransport(2) instanceof ReadTransport err) {
            stderr = new StreamReader(limit);
            stderr.setTransport(err);
            pipeFds.add(2);
        }
        if (transport.getPipeTransport(0) instanceof WriteTransport in) {
            stdin = new StreamWriter(in, flow, stdinError);
        }
    }

    @Override
    public void pipeDataReceived(int fd, byte[] data) {
        StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (r != null) {
            r.feedData(data);
        }
    }

    @Override
    public void pipeConnectionLost(int fd, Exception exc) {
        if (fd == 0) {
            if (exc != null) {
                stdinError.setException(exc);
            } else if (process.getReturncode() != null) {
                stdinError.setException(new BrokenPipeError("Broken pipe: child process " + process.getPid()
                        + " exited; it no longer reads its stdin", null));
            }
            if (stdin != null) {
                stdin.close();
            }
            if (!flow.isLost()) {
                flow.connectionLost(exc);
            }
            return;
        }
        StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (r != null) {
            if (exc == null) {
                r.feedEof();
            } else {
                r.setException(exc);
            }
        }
        pipeFds.remove(Integer.valueOf(fd));
        maybeCloseTransport();
    }

    @Override
    public void processExited() {
        processExited = true;
        maybeCloseTransport();
    }

    private void maybeCloseTransport() {
        if (pipeFds.isEmpty() && processExited && transport != null) {
            transport.close();
            transport = null;
        }
    }

    @Override
    public void pauseWriting() {
        flow.pauseWriting();
    }

    @Override
    public void resumeWriting() {
        flow.resumeWriting();
    }

    @Override
    public void connectionLost(Exception exc) {
        if (!flow.isLost()) {
            flow.connectionLost(exc);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<SubprocessStreamProtocol");
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
