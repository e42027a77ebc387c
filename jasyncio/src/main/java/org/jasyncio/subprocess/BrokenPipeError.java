package org.jasyncio.subprocess;

import java.io.IOException;

/**
 * Raised when bytes cannot be written to a child's stdin because the child no longer reads
 * it: it exited, or closed its stdin; Python's {@code BrokenPipeError} (errno {@code EPIPE}).
 *
 * <p>It reaches a {@link org.jasyncio.transports.SubprocessProtocol} through
 * {@code pipeConnectionLost(0, exc)} when bytes were still waiting to be written, and
 * {@code Process.stdin().drain()} raises it from then on; {@code drain()} also raises it once the
 * child has exited, even if nothing was waiting (asyncio raises
 * {@code ConnectionResetError('Connection lost')} there). {@link Process#communicate} ignores it,
 * as asyncio's does. A write pipe of the loop's {@code connectWritePipe} whose reader went away
 * gives it to its protocol's {@code connectionLost}. An {@link IOException}, so that code
 * handling I/O errors handles it.
 *
 * @since 0.1
 */
public class BrokenPipeError extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the error.
     *
     * @param message what broke, for example "Broken pipe: child process 1234 exited"
     * @param cause the JDK's error, or {@code null}
     */
    public BrokenPipeError(String message, Throwable cause) {
        super(message, cause);
    }
}
