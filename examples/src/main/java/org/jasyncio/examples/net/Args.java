package org.jasyncio.examples.net;

/** Command-line helpers shared by the network examples. */
final class Args {
    private Args() {}

    static int port(String s, String usage) {
        try {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port: " + s + "\n" + usage);
        }
    }
}
