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
 * <p>Registered by {@link MBeanRegistration}. A dynamic MBean, so that JMX needs no access to a jasyncio interface (the package
 * is not exported). Thread-safe: each read asks every loop through its inbox.
 */
public final class LoopsMBean implements DynamicMBean {
    /** The MBean's object name. */
    public static final String NAME = "org.jasyncio:type=EventLoops";
    /** The attribute holding the snapshot text. */
    public static final String SNAPSHOT = "Snapshot";

    private final Supplier<String> snapshot;

    private LoopsMBean(Supplier<String> snapshot) {
        this.snapshot = snapshot;
    }

    /** Registers the MBean; {@link MBeanRegistration} calls this only when java.management is present. */
    static void register(Supplier<String> snapshot) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(NAME);
        if (!server.isRegistered(name)) {
            server.registerMBean(new LoopsMBean(snapshot), name);
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
