package org.jasyncio.subprocess;

/**
 * What {@link Process#communicate} returns: everything the child wrote to its stdout and
 * stderr pipes; asyncio's {@code (stdout_data, stderr_data)} pair.
 *
 * <p>The arrays are the caller's; records compare them by identity, so compare the contents
 * with {@link java.util.Arrays#equals(byte[], byte[])}.
 *
 * @param stdout the bytes read from the child's stdout, or {@code null} when stdout was not
 *        {@link Stdio#PIPE}
 * @param stderr the bytes read from the child's stderr, or {@code null} when stderr was not
 *        {@link Stdio#PIPE}
 * @since 0.1
 */
public record CommunicateResult(byte[] stdout, byte[] stderr) {
    @Override
    public String toString() {
        return "CommunicateResult[stdout=" + (stdout == null ? "null" : stdout.length + " bytes") + ", stderr="
                + (stderr == null ? "null" : stderr.length + " bytes") + "]";
    }
}
