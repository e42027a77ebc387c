/**
 * Subprocess examples: {@link org.jasyncio.examples.subprocess.ConcurrentChildren}
 * ({@code ./run-example.sh subprocess}) runs six children at once, streams one child's output
 * line by line, and shows that the wall time is the longest child's.
 */
package org.jasyncio.examples.subprocess;
