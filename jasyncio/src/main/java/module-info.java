/**
 * jasyncio: Python's asyncio for Java 25.
 *
 * <p>{@link org.jasyncio} holds the core (event loop, futures, tasks, combinators, runners,
 * timeouts, task groups, context variables, async generators); {@link org.jasyncio.locks}
 * the synchronization primitives; {@link org.jasyncio.queues} the queues;
 * {@link org.jasyncio.transports} and {@link org.jasyncio.streams} the network API;
 * {@link org.jasyncio.subprocess} child processes; {@link org.jasyncio.files} file I/O off
 * the loop thread. Internals live in
 * {@code org.jasyncio.internal}, which is not exported.
 *
 * <p>jasyncio reaches the JDK's virtual-thread scheduler hook by reflection: run with
 * {@code --add-opens java.base/java.lang=org.jasyncio} on the module path (or
 * {@code =ALL-UNNAMED} on the class path).
 */
module org.jasyncio {
    requires jdk.unsupported; // sun.misc.Signal, in internal.SignalSupport only
    // Optional: diagnostics switch themselves off when these are not in the runtime.
    requires static java.management; // the loops' MBean, internal.diag.LoopsMBean
    requires static jdk.jfr;         // Flight Recorder events, internal.diag.JfrEvents
    requires static jdk.attach;      // the ps/pstree tool, internal.diag.tool

    exports org.jasyncio;
    exports org.jasyncio.locks;
    exports org.jasyncio.transports;
    exports org.jasyncio.streams;
    exports org.jasyncio.queues;
    exports org.jasyncio.subprocess;
    exports org.jasyncio.files;
    exports org.jasyncio.group;
}
