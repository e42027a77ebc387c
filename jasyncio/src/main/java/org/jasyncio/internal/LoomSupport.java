package org.jasyncio.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * The one place where jasyncio reaches past the JDK's public API: it creates virtual
 * threads whose scheduler is an {@link Executor} of ours instead of the JDK's shared
 * ForkJoinPool.
 *
 * <p>JDK 21 to 25 have no public API for a custom virtual-thread scheduler. The
 * package-private constructor {@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}
 * exists for the JDK's own tests and is reached here by deep reflection, which needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or {@code =org.jasyncio} when
 * jasyncio runs as a named module). When that access is refused, {@link #check()} and
 * {@link #newThread} throw an {@link IllegalStateException} that names the exact flag.
 *
 * <p>Thread-safe.
 */
public final class LoomSupport {
    /** Thread's characteristics bit: do not inherit inheritable thread-locals. */
    private static final int NO_INHERIT_THREAD_LOCALS = 1 << 2;

    private static final MethodHandle BUILDER_CTOR;
    /** ThreadBuilders.newVirtualThread(Executor, String, int, Runnable), if present: no builder per thread. */
    private static final MethodHandle NEW_THREAD;
    private static final Throwable FAILURE;

    static {
        MethodHandle ctor = null;
        MethodHandle factory = null;
        Throwable failure = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            ctor = lookup.findConstructor(c, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            try {
                Class<?> tb = Class.forName("java.lang.ThreadBuilders");
                factory = MethodHandles.privateLookupIn(tb, MethodHandles.lookup()).findStatic(tb, "newVirtualThread",
                        MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
            } catch (ReflectiveOperationException notThere) {
                factory = null; // the builder does the same, one object more per thread
            }
        } catch (Throwable t) {
            failure = t;
        }
        BUILDER_CTOR = ctor;
        NEW_THREAD = factory;
        FAILURE = failure;
        if (ctor != null) {
            initialiseNioPoller();
        }
    }

    private LoomSupport() {}

    /**
     * Returns the JVM flag that grants the access this class needs, for the module
     * jasyncio is running in.
     *
     * @return {@code --add-opens java.base/java.lang=ALL-UNNAMED} on the class path,
     *         {@code --add-opens java.base/java.lang=org.jasyncio} on the module path
     */
    public static String requiredFlag() {
        Module m = LoomSupport.class.getModule();
        return "--add-opens java.base/java.lang=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
    }

    /**
     * Fails unless loop-scheduled virtual threads can be created in this JVM.
     *
     * @throws IllegalStateException if {@code java.lang} is not opened to jasyncio; the
     *         message names the JVM flag to add
     */
    public static void check() {
        if (BUILDER_CTOR == null) {
            throw new IllegalStateException(missingFlagMessage(LaunchPath.current()), FAILURE);
        }
    }

    /**
     * Returns the error message for a JVM started without {@link #requiredFlag()}: the flag,
     * why it is needed, and where it goes for {@code path}.
     *
     * @param path how this JVM was started
     * @return the message
     */
    static String missingFlagMessage(LaunchPath path) {
        boolean tracked = !"false".equals(System.getProperty("jdk.trackAllThreads"));
        String jar = path == LaunchPath.JAR ? System.getProperty("java.class.path", "") : "";
        return "jasyncio cannot create loop-scheduled virtual threads: start the JVM with " + requiredFlag()
                + " (the JDK has no public API for a virtual-thread scheduler; jasyncio reaches "
                + "ThreadBuilders$VirtualThreadBuilder(Executor) by reflection)"
                + (tracked ? ", and with -Djdk.trackAllThreads=false (so that tasks nobody can wake are "
                        + "garbage-collected and reported). " : ". ")
                + path.fix(requiredFlag(), !tracked, jar);
    }

    /**
     * Creates an unstarted virtual thread whose continuation is submitted to
     * {@code scheduler} every time it is started, unparked or yields. The thread has no name
     * and does not inherit inheritable thread-locals (tasks carry their state in context
     * variables).
     *
     * @param scheduler receives the thread's continuation; its {@code execute} must not block
     * @param body what the thread runs
     * @return the unstarted thread
     * @throws IllegalStateException if {@code java.lang} is not opened to jasyncio
     */
    public static Thread newThread(Executor scheduler, Runnable body) {
        return newThread(scheduler, null, body);
    }

    /**
     * Creates an unstarted named virtual thread, as {@link #newThread(Executor, Runnable)}.
     *
     * @param scheduler receives the thread's continuation; its {@code execute} must not block
     * @param name the thread's name, or {@code null} for none
     * @param body what the thread runs
     * @return the unstarted thread
     * @throws IllegalStateException if {@code java.lang} is not opened to jasyncio
     */
    public static Thread newThread(Executor scheduler, String name, Runnable body) {
        check();
        try {
            if (NEW_THREAD != null) {
                return (Thread) NEW_THREAD.invokeExact(scheduler, name, NO_INHERIT_THREAD_LOCALS, body);
            }
            Thread.Builder.OfVirtual b = ((Thread.Builder.OfVirtual) BUILDER_CTOR.invokeExact(scheduler))
                    .inheritInheritableThreadLocals(false);
            return (name == null ? b : b.name(name)).unstarted(body);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The JDK's NIO poller starts helper virtual threads when its class initialises. If
     * the first blocking JDK socket call ran inside a task, those helpers would inherit
     * the loop as their scheduler; initialising the class here, from the thread that
     * creates the first loop, keeps them on the JDK's own scheduler.
     */
    private static void initialiseNioPoller() {
        if (Thread.currentThread().isVirtual()) {
            return;
        }
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (Throwable ignored) {
            // Not fatal: a JDK without that class has nothing to initialise.
        }
    }
}
