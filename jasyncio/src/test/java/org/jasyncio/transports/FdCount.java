package org.jasyncio.transports;

import java.io.File;

/** Counts this process's open file descriptors (/proc/self/fd), for leak tests. */
final class FdCount {
    private FdCount() {}

    static String describe() {
        StringBuilder sb = new StringBuilder();
        for (File f : new File("/proc/self/fd").listFiles()) {
            try {
                sb.append(f.getName()).append("->").append(java.nio.file.Files.readSymbolicLink(f.toPath())).append('\n');
            } catch (Exception e) {
                sb.append(f.getName()).append("->?\n");
            }
        }
        return sb.toString();
    }

    static long count() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
