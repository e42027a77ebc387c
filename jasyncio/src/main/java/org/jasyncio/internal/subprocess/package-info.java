/**
 * The implementation of subprocesses (not exported): the process transport, its pipe transports
 * and their pump threads, the spawner, a new session or process group, and signals to children;
 * and {@code connectReadPipe}/{@code connectWritePipe} for the pipes the loop's selector cannot
 * watch, on the same pump transports ({@code Pipes}, {@code LonePipe}).
 *
 * <h2>How bytes reach the loop</h2>
 * A {@link java.lang.Process}'s pipes are blocking. Each stdout or stderr pipe has a platform
 * pump thread that reads it (through a {@link java.nio.channels.FileChannel} taken from the JDK
 * by {@code PipeChannels}, so that closing it cuts a blocked
 * read) and posts chunks to the loop's inbox, spending credits: at most 256 KiB read ahead of the
 * protocol. stdin has a writer thread that takes the queued writes from a lock-free queue. The
 * threads share no lock with the loop and never run protocol code: everything the protocol sees
 * happens on the loop thread. The child's exit comes from {@link java.lang.Process#onExit()}.
 *
 * <p>The alternative, registering the pipes' file descriptors with the loop's selector, needs a
 * selectable channel over the pipe; the JDK offers none for a process's pipes, and building one
 * (NIO {@code Pipe}s handed to the child as {@code /proc/self/fd/N}) needs the descriptor number,
 * which only JDK internals give ({@code --add-exports java.base/sun.nio.ch}). The benchmark
 * {@code SubprocessPipesBench} in the examples measures both ways.
 */
package org.jasyncio.internal.subprocess;
