package org.jasyncio.internal;

/**
 * A write transport's flow-control marks in bytes, resolved as asyncio's
 * {@code _set_write_buffer_limits} does: the protocol is paused above {@code high} and resumed
 * at or below {@code low}.
 *
 * @param high the high-water mark
 * @param low the low-water mark
 */
public record WaterMarks(int high, int low) {
    /** asyncio's default high-water mark, 64 KiB; the low one defaults to a quarter of it. */
    public static final int DEFAULT_HIGH = 64 * 1024;
    /** The defaults: 64 KiB and 16 KiB. */
    public static final WaterMarks DEFAULT = new WaterMarks(DEFAULT_HIGH, DEFAULT_HIGH / 4);

    /**
     * Resolves the arguments of {@code setWriteBufferLimits(high, low)}: a negative value means
     * "the default": high is then 4 x low (64 KiB if both are negative), low a quarter of high.
     *
     * @param high the high-water mark, or negative
     * @param low the low-water mark, or negative
     * @return the marks
     * @throws IllegalArgumentException unless the resolved marks satisfy {@code high >= low >= 0}
     */
    public static WaterMarks of(int high, int low) {
        if (high < 0) {
            high = low < 0 ? DEFAULT_HIGH : 4 * low;
        }
        if (low < 0) {
            low = high / 4;
        }
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        return new WaterMarks(high, low);
    }
}
