package org.jasyncio.subprocess;

/**
 * Raised by {@code sendSignal}, {@code terminate} and {@code kill} once the child process is
 * gone: it exited and the transport reported {@code connectionLost}; Python's
 * {@code ProcessLookupError}. Unchecked (an {@link IllegalStateException}): signalling a
 * process that is known to be gone is a state error, and most callers kill a child that may
 * have just exited, so they catch it where that matters:
 *
 * <pre>{@code
 * try {
 *     proc.kill();
 * } catch (ProcessLookupError alreadyGone) {
 *     // it exited meanwhile
 * }
 * }</pre>
 *
 * @since 0.1
 */
public class ProcessLookupError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the error.
     *
     * @param message which process, for example "child process 1234 already exited"
     */
    public ProcessLookupError(String message) {
        super(message);
    }
}
