package org.jasyncio;

import java.io.Serial;

/**
 * Raised by {@link EventLoop#sendfile EventLoop.sendfile} and
 * {@link EventLoop#sockSendfile EventLoop.sockSendfile} called with {@code fallback = false}
 * when the zero-copy path ({@code FileChannel.transferTo}, the {@code sendfile(2)} system call)
 * cannot be used for that transport or that file: a TLS transport, an empty or non-regular
 * file, or a first transfer the system refused; asyncio's
 * {@code asyncio.SendfileNotAvailableError}.
 *
 * <p>asyncio's error subclasses {@code RuntimeError}; its Java base is therefore
 * {@link IllegalStateException}, as for every {@code RuntimeError} (README, deviation D1).
 *
 * @since 0.1
 */
public class SendfileNotAvailableError extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message why the zero-copy path cannot be used, naming the transport or socket
     */
    public SendfileNotAvailableError(String message) {
        super(message);
    }

    /**
     * Creates the error with the failure that showed the zero-copy path unusable.
     *
     * @param message why the zero-copy path cannot be used
     * @param cause the system's refusal, for example the {@code IOException} of the first
     *        transfer
     */
    public SendfileNotAvailableError(String message, Throwable cause) {
        super(message, cause);
    }
}
