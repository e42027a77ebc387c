package org.jasyncio.internal.diag.tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

import org.jasyncio.internal.diag.LoopsMBean;

/**
 * Reads the loops' snapshot out of another JVM: attach by pid (the JDK's Attach API, no flag
 * needed in the target), start or find its local management agent, and read the MBean over
 * a local JMX connection.
 */
final class Attacher {
    private Attacher() {}

    /** Why a process could not be read, said for a user. */
    static final class Failure extends Exception {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static String readSnapshot(long pid) throws Failure {
        if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
            throw new Failure("this Java runtime has no jdk.attach module; run the tool with a full JDK 25", null);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new Failure("process " + pid + " is this tool itself", null);
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new Failure("no process with pid " + pid, null);
        }
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new Failure(notAttachable(pid, e), e);
        } catch (IOException | SecurityException e) {
            throw new Failure("attach to process " + pid + " not permitted or failed (" + e.getMessage()
                    + "); the tool must run as the same user as the target, which must not run with"
                    + " -XX:+DisableAttachMechanism", e);
        }
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            ObjectName name = new ObjectName(LoopsMBean.NAME);
            if (!conn.isRegistered(name)) {
                throw new Failure("process " + pid + " is a Java process without a jasyncio event loop"
                        + " (no MBean " + LoopsMBean.NAME + "; none is registered before the first loop is made,"
                        + " nor with -Djasyncio.mbean=false)", null);
            }
            return (String) conn.getAttribute(name, LoopsMBean.SNAPSHOT);
        } catch (InstanceNotFoundException e) {
            throw new Failure("process " + pid + " has no jasyncio event loop any more", e);
        } catch (Failure e) {
            throw e;
        } catch (Exception e) {
            throw new Failure("reading the jasyncio MBean of process " + pid + " failed: " + e, e);
        }
    }

    private static String notAttachable(long pid, AttachNotSupportedException e) {
        String cmd = ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("");
        boolean java = cmd.endsWith("/java") || Files.exists(Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"),
                Long.toString(pid)));
        if (!java && !cmd.isEmpty()) {
            return "process " + pid + " (" + cmd + ") is not a Java process";
        }
        return "cannot attach to process " + pid + ": " + e.getMessage()
                + " (not a Java process, another user's, or started with -XX:+DisableAttachMechanism)";
    }
}
