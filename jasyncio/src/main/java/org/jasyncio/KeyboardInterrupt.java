package org.jasyncio;

import java.io.Serial;

/**
 * Raised by {@link Asyncio#run} and {@link Runner#run} when Ctrl-C (SIGINT) stopped the
 * program; Python's {@code KeyboardInterrupt}.
 *
 * <p>As in Python 3.11, the first SIGINT cancels the main task; if the main task ends
 * cancelled, {@code run} raises this error. If the main task refuses to stop, a second
 * SIGINT raises it out of the loop at once, and a third one ends the process. If it is
 * not caught, the program ends the way a program killed by SIGINT ends: with exit status
 * 130.
 *
 * <p>It extends {@link Error}, as Python's extends {@code BaseException}.
 *
 * @since 0.1
 */
public class KeyboardInterrupt extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates the error. */
    public KeyboardInterrupt() {
        super("interrupted by SIGINT (Ctrl-C)");
    }
}
