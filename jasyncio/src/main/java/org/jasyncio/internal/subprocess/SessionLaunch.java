package org.jasyncio.internal.subprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.jasyncio.subprocess.SubprocessOptions;

/**
 * Starts a child in a new session or process group: asyncio's {@code start_new_session} and
 * {@code process_group}, which {@code subprocess.Popen} does with {@code setsid()} and
 * {@code setpgid()} between fork and exec.
 *
 * <p>{@link ProcessBuilder} has no hook between fork and exec, and a parent may not move a child
 * that has already executed its program ({@code setpgid} fails with {@code EACCES}). So the
 * command is prefixed with a program that makes the call and then executes the command in the
 * same process: util-linux's {@code setsid} (it forks only when the caller already leads a
 * process group, which a child of the JVM never does) or a one-line Perl script calling
 * {@code setpgid(0, group)}. The pid, the exit status and the pipes are therefore the command's.
 *
 * <p>The command's program is looked up in this process's {@code PATH} first, as the JDK does:
 * a missing program fails the start with the JDK's own {@link IOException} rather than a child
 * that prints an error and exits.
 */
final class SessionLaunch {
    static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    static final List<Path> PERL = List.of(Path.of("/usr/bin/perl"), Path.of("/bin/perl"));
    /**
     * setpgid(0, group), then exec the rest; 127 and a message on stderr if either fails (the
     * checks before the start make that a race with the group's last member leaving).
     */
    private static final String SETPGID_SCRIPT = "my $g = shift; my $prog = shift; setpgrp(0, $g) or do { "
            + "print STDERR \"setpgid(0, $g): $!\\n\"; exit 127 }; exec { $prog } @ARGV; "
            + "print STDERR \"exec $prog: $!\\n\"; exit 127";

    private SessionLaunch() {}

    /**
     * Returns {@code command} as it must be started for {@code options}: unchanged unless a new
     * session or process group is asked for.
     *
     * @throws IllegalArgumentException if both are asked for, or the group to join is not there
     * @throws UnsupportedOperationException if the program that makes the call is missing
     * @throws IOException if the command's program is not found
     */
    static List<String> command(List<String> command, SubprocessOptions options) throws IOException {
        OptionalInt group = options.processGroup();
        if (!options.startNewSession() && group.isEmpty()) {
            return command;
        }
        if (options.startNewSession() && group.isPresent()) {
            // Popen calls setsid() then setpgid(), which a session leader is refused (EPERM)
            throw new IllegalArgumentException("startNewSession and processGroup " + group.getAsInt()
                    + " together: a session leader cannot change its process group (setpgid fails with EPERM)");
        }
        List<String> out = new ArrayList<>();
        if (options.startNewSession()) {
            out.add(find(SETSID, "startNewSession", "util-linux's setsid program").toString());
        } else {
            int g = group.getAsInt();
            if (g > 0) {
                checkGroup(g);
            }
            // the program found as the JDK would, then the command as given: argv[0] stays its name
            out.addAll(List.of(find(PERL, "processGroup", "Perl").toString(), "-e", SETPGID_SCRIPT,
                    Integer.toString(g), resolve(command.get(0))));
            out.addAll(command);
            return out;
        }
        // setsid(1) cannot set argv[0]: the program gets the path it was found at
        out.add(resolve(command.get(0)));
        out.addAll(command.subList(1, command.size()));
        return out;
    }

    private static Path find(List<Path> candidates, String option, String what) {
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new UnsupportedOperationException(option + ": the JDK's ProcessBuilder cannot call "
                + (option.equals("startNewSession") ? "setsid()" : "setpgid()") + " in the child, and " + what
                + ", which jasyncio starts the child through instead, is not at " + candidates);
    }

    /**
     * The program as the JDK would run it: a name without a slash is looked up in this
     * process's {@code PATH}; one with a slash is left to the exec.
     */
    static String resolve(String program) throws IOException {
        if (program.indexOf('/') >= 0) {
            return program;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/bin:/usr/bin" : path).split(":", -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory");
    }

    /**
     * A group to join must have a member in this process's session; otherwise {@code setpgid}
     * fails with {@code EPERM} in the child, which would only show as its exit status 127.
     */
    private static void checkGroup(int group) {
        long session = sessionOf("self");
        if (session < 0) {
            return; // no /proc: the child reports a failure on stderr and exits with 127
        }
        try (var dirs = Files.list(Path.of("/proc"))) {
            boolean found = dirs.map(d -> d.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .anyMatch(pid -> {
                        long[] ids = ids(pid);
                        return ids != null && ids[0] == group && ids[1] == session;
                    });
            if (!found) {
                throw new IllegalArgumentException("processGroup " + group + ": no process of this session ("
                        + session + ") is in group " + group + ", so the child cannot join it (setpgid: EPERM)");
            }
        } catch (IOException e) {
            // /proc unreadable: leave the check to the child
        }
    }

    private static long sessionOf(String pid) {
        long[] ids = ids(pid);
        return ids == null ? -1 : ids[1];
    }

    /** {pgrp, session} of a process from /proc/PID/stat, or null. */
    static long[] ids(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // the command name in parentheses may hold spaces: fields start after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
