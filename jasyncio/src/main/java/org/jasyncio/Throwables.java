package org.jasyncio;

/** Rethrowing stored exceptions as they were. */
final class Throwables {
    private Throwables() {}

    /** Returns {@code t} as an Exception to throw, or throws it when it is an Error. */
    static Exception asException(Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return Throwables.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /**
     * Tells whether {@code t} is a cancellation, asyncio's {@code CancelledError}, and not one of
     * the errors that extend it to travel like one ({@link TimeoutError}, {@link ExceptionGroup}).
     */
    static boolean isCancellation(Throwable t) {
        return t instanceof CancelledError && !(t instanceof TimeoutError) && !(t instanceof ExceptionGroup);
    }
}
