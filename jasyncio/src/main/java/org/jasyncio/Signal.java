package org.jasyncio;

/**
 * POSIX signals by name; Python's {@code signal.SIGINT}, {@code signal.SIGTERM}, ...
 *
 * <p>{@link EventLoop#addSignalHandler} accepts {@link #SIGINT}, {@link #SIGTERM},
 * {@link #SIGHUP}, {@link #SIGUSR1}, {@link #SIGUSR2}, {@link #SIGWINCH}, {@link #SIGCHLD} and
 * {@link #SIGALRM}; the JVM reserves the others or they cannot be caught ({@link #SIGKILL},
 * {@link #SIGSTOP}). Every constant can be sent to a child process.
 *
 * @since 0.1
 */
public enum Signal {
    /** Hangup (1). */
    SIGHUP("HUP"),
    /** Interrupt from the keyboard, Ctrl-C (2). */
    SIGINT("INT"),
    /** Quit from the keyboard (3); the JVM uses it for thread dumps. */
    SIGQUIT("QUIT"),
    /** Kill (9); cannot be caught. */
    SIGKILL("KILL"),
    /** User-defined signal 1 (10 on Linux). */
    SIGUSR1("USR1"),
    /** User-defined signal 2 (12 on Linux). */
    SIGUSR2("USR2"),
    /** Broken pipe (13). */
    SIGPIPE("PIPE"),
    /** Alarm clock (14). */
    SIGALRM("ALRM"),
    /** Termination request (15). */
    SIGTERM("TERM"),
    /** A child stopped or ended (17 on Linux). */
    SIGCHLD("CHLD"),
    /** Continue if stopped (18 on Linux). */
    SIGCONT("CONT"),
    /** Stop (19 on Linux); cannot be caught. */
    SIGSTOP("STOP"),
    /** Stop from the terminal, Ctrl-Z (20 on Linux). */
    SIGTSTP("TSTP"),
    /** Window size change (28 on Linux). */
    SIGWINCH("WINCH");

    private final String shortName;

    Signal(String shortName) {
        this.shortName = shortName;
    }

    /**
     * Returns the name without the {@code SIG} prefix, as {@code kill -l} prints it.
     *
     * @return for example {@code "INT"}
     */
    public String shortName() {
        return shortName;
    }

    /**
     * Returns the signal's number on this operating system.
     *
     * @return for example 2 for {@link #SIGINT}
     * @throws IllegalArgumentException if this system does not know the signal
     */
    public int number() {
        return org.jasyncio.internal.SignalSupport.number(shortName);
    }

    /**
     * Returns the signal with the given number on this operating system.
     *
     * @param number a signal number, e.g. 15
     * @return the signal
     * @throws IllegalArgumentException if no constant has that number here
     */
    public static Signal ofNumber(int number) {
        for (Signal s : values()) {
            try {
                if (s.number() == number) {
                    return s;
                }
            } catch (IllegalArgumentException unknownHere) {
                // skip signals this system lacks
            }
        }
        throw new IllegalArgumentException("no signal with number " + number);
    }
}
