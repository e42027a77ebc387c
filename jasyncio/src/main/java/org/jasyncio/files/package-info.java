/**
 * File I/O that suspends the task instead of blocking the loop: the aiofiles package's answer
 * to asyncio having no file I/O, on the loop's default executor.
 *
 * <p>Inside a task, {@link java.nio.file.Files}, {@link java.nio.channels.FileChannel} and the
 * {@code java.io} file streams block the loop thread for as long as the call lasts: the JDK
 * lends a blocked carrier a replacement thread only in its own virtual-thread scheduler, and
 * a task's carrier is the loop thread. A read from a FIFO, a slow network file system or a
 * device then freezes every other task of the loop.
 *
 * <h2>Which to use</h2>
 * <table class="striped">
 * <caption>File I/O in a task</caption>
 * <thead><tr><th scope="col">Use</th><th scope="col">aiofiles</th><th scope="col">When</th></tr></thead>
 * <tbody>
 * <tr><th scope="row">{@link org.jasyncio.files.AsyncFiles#readString AsyncFiles.readString},
 *     {@link org.jasyncio.files.AsyncFiles#writeString AsyncFiles.writeString}, and their byte
 *     and line forms</th><td>{@code async with aiofiles.open(p) as f: await f.read()}</td>
 *     <td>a whole file at once: the usual case</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.files.AsyncFiles#open AsyncFiles.open} and
 *     {@link org.jasyncio.files.AsyncFile}</th><td>{@code aiofiles.open}, the file object</td>
 *     <td>line by line, large files, appending, random access</td></tr>
 * <tr><th scope="row">{@link org.jasyncio.Asyncio#toThread Asyncio.toThread}</th>
 *     <td>{@code aiofiles.os}, {@code asyncio.to_thread}</td>
 *     <td>anything else that blocks: directory walks, {@code Files.copy}, {@code Files.move}</td></tr>
 * </tbody>
 * </table>
 *
 * <pre>{@code
 * run(() -> {
 *     createTask(() -> { while (true) { System.out.println("tick"); sleep(0.1); } });
 *     try (AsyncFile f = AsyncFiles.open(Path.of("/tmp/fifo"))) {   // the ticker keeps ticking
 *         for (String line : f.lines()) System.out.println(line);
 *     }
 *     return null;
 * });
 * }</pre>
 */
package org.jasyncio.files;
