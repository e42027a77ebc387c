package org.jasyncio.transports;

import java.io.File;

/**
 * Counts this process's open sockets, pipes and event descriptors (/proc/self/fd), for leak
 * tests. Files are left out: the JVM opens a jar the first time it loads a class from it, which
 * a test cannot foresee and which is no leak.
 */
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
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) {
            return -1;
        }
        long n = 0;
        for (File f : fds) {
            try {
                String target = java.nio.file.Files.readSymbolicLink(f.toPath()).toString();
                if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                    n++;
                }
            } catch (java.io.IOException closedMeanwhile) {
                // the descriptor that listed the directory, or one closed since
            }
        }
        return n;
    }
}
