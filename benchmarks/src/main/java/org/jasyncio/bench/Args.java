package org.jasyncio.bench;

import java.util.Locale;

/** Tiny command-line reader and the {@code metric value} output the harness parses. */
final class Args {
    private final String[] args;

    Args(String[] args) {
        this.args = args;
    }

    String opt(String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    int intOpt(String name, int dflt) {
        return Integer.parseInt(opt(name, Integer.toString(dflt)).replace("_", ""));
    }

    boolean flag(String name) {
        for (String a : args) {
            if (a.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Prints one result line: {@code metric value}. */
    static void emit(String metric, double value) {
        System.out.println(String.format(Locale.ROOT, "%s %.3f", metric, value));
        System.out.flush();
    }
}
