/**
 * Pipe examples: {@link org.jasyncio.examples.pipes.StdinLines}
 * ({@code ./run-example.sh stdin-lines}) reads this process's stdin line by line through
 * {@code connectReadPipe} while a ticker task keeps printing.
 */
package org.jasyncio.examples.pipes;
