package org.jasyncio.internal.diag;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The platform MBean {@value #NAME}: its {@code Snapshot} attribute is the text of
 * {@link Snapshot} for every running loop, read by {@code java -jar jasyncio.jar ps PID}.
 *
 * <p>Registered once per JVM, when the first loop starts, on a short-lived daemon thread so
 * that no loop waits for the platform MBean server to start. A JVM whose loops are never
 * inspected pays that start-up once, off the loops' threads; {@code -Djasyncio.mbean=false}
 * skips it. A dynamic MBean, so that JMX needs no access to a jasyncio interface (the package
 * is not exported). Thread-safe: each read asks every loop through its inbox.
 */
public final class LoopsMBean implements DynamicMBean {
    /** The MBean's object name. */
    public static final String NAME = "org.jasyncio:type=EventLoops";
    /** The attribute holding the snapshot text. */
    public static final String SNAPSHOT = "Snapshot";

    private static volatile boolean registered;
    private final Supplier<String> snapshot;

    private LoopsMBean(Supplier<String> snapshot) {
        this.snapshot = snapshot;
    }

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
        if ("false".equals(System.getProperty("jasyncio.mbean"))
                || ModuleLayer.boot().findModule("java.management").isEmpty()) {
            return;
        }
        Thread t = Thread.ofPlatform().daemon().name("jasyncio-mbean-registration").unstarted(() -> register(snapshot));
        t.start();
    }

    private static void register(Supplier<String> snapshot) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(NAME);
            if (!server.isRegistered(name)) {
                server.registerMBean(new LoopsMBean(snapshot), name);
            }
            registered = true;
        } catch (Exception | LinkageError e) {
            // No MBean here (a restricted JVM): loops run as before, ps reports "no jasyncio loop".
            System.getLogger("org.jasyncio").log(System.Logger.Level.DEBUG, "jasyncio MBean not registered", e);
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (SNAPSHOT.equals(attribute)) {
            return snapshot.get();
        }
        throw new AttributeNotFoundException("no attribute " + attribute + " in " + NAME + "; it has " + SNAPSHOT);
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(NAME + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            if (SNAPSHOT.equals(a)) {
                list.add(new Attribute(a, snapshot.get()));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList(); // read-only: nothing set
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(NAME + " has no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanAttributeInfo a = new MBeanAttributeInfo(SNAPSHOT, String.class.getName(),
                "Every running jasyncio loop: statistics, tasks (name, state, stack, what they await) and await edges",
                true, false, false);
        return new MBeanInfo(LoopsMBean.class.getName(), "jasyncio event loops", new MBeanAttributeInfo[] {a},
                null, new MBeanOperationInfo[0], null);
    }
}
