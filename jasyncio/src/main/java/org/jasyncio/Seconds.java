package org.jasyncio;

import java.time.Duration;

/**
 * Seconds as asyncio counts them ({@code double}), and the loop's nanoseconds: conversions that
 * saturate instead of overflowing, so a delay of {@code Double.POSITIVE_INFINITY} or a
 * {@code Duration} of centuries means "never" rather than a time in the past.
 */
final class Seconds {
    private Seconds() {}

    /** Rejects NaN; a negative or zero delay means "now", as in asyncio. */
    static void checkSeconds(double seconds, String what) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException(what + " must be a number of seconds, got NaN");
        }
    }

    static long secondsToNanos(double seconds) {
        if (seconds >= 9.2e9) {
            return Long.MAX_VALUE / 2;
        }
        if (seconds <= -9.2e9) {
            return -Long.MAX_VALUE / 2;
        }
        return Math.round(seconds * 1e9);
    }

    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? -Long.MAX_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b > 0 ? Long.MAX_VALUE / 2 : -Long.MAX_VALUE / 2;
        }
        return Math.min(r, Long.MAX_VALUE / 2);
    }
}
