package org.jasyncio.subprocess;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Test support for real child processes: descriptors, threads, children, log capture. */
final class Children {
    private Children() {}

    /** This JVM's open file descriptors. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** Live threads whose name starts with {@code prefix}. */
    static int threadsNamed(String prefix) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /** Pids of this JVM's live children whose command line contains {@code text}. */
    static List<Long> liveChildren(String text) {
        List<Long> l = new ArrayList<>();
        ProcessHandle.current().children().forEach(h -> {
            String cmd = h.info().commandLine().orElse("");
            if (h.isAlive() && cmd.contains(text)) {
                l.add(h.pid());
            }
        });
        return l;
    }

    /** Polls {@code condition} every 20 ms for up to {@code seconds}; returns its last value. */
    static boolean eventually(double seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
