package org.jasyncio.internal.diag;

import java.util.function.Supplier;

/**
 * Registers {@link LoopsMBean} once per JVM, when the first loop is made, on a short-lived
 * daemon thread so that no loop waits for the platform MBean server to start. A JVM whose
 * loops are never inspected pays that start-up once, off the loops' threads;
 * {@code -Djasyncio.mbean=false} skips it.
 *
 * <p>This class names no {@code java.management} type: {@code LoopsMBean} implements one, so
 * it is loaded only once the module is known to be present (a modular application need not
 * resolve {@code java.management}). Thread-safe.
 */
public final class MBeanRegistration {
    /** The system property that turns the MBean off ({@code false}). */
    public static final String PROPERTY = "jasyncio.mbean";
    private static volatile boolean registered;

    private MBeanRegistration() {}

    /**
     * Tells whether the MBean is registered in this JVM (tests wait for it).
     *
     * @return true once registered
     */
    public static boolean registered() {
        return registered;
    }

    /**
     * Registers the MBean on a daemon thread, unless disabled or java.management is absent.
     *
     * @param snapshot makes the snapshot text; called on JMX threads
     */
    public static void registerLater(Supplier<String> snapshot) {
        if ("false".equals(System.getProperty(PROPERTY))
                || ModuleLayer.boot().findModule("java.management").isEmpty()) {
            return;
        }
        Thread.ofPlatform().daemon().name("jasyncio-mbean-registration").start(() -> {
            try {
                LoopsMBean.register(snapshot);
                registered = true;
            } catch (Exception | LinkageError e) {
                // No MBean here (a restricted JVM): loops run as before, ps says "no jasyncio loop".
                System.getLogger("org.jasyncio").log(System.Logger.Level.DEBUG, "jasyncio MBean not registered", e);
            }
        });
    }
}
