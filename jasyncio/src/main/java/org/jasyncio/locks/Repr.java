package org.jasyncio.locks;

/** asyncio's repr format for the primitives: {@code <Lock object at 0x1b6d3586 [locked, waiters:2]>}. */
final class Repr {
    private Repr() {}

    static String of(Object o, String extra) {
        return "<" + o.getClass().getSimpleName() + " object at 0x" + Integer.toHexString(System.identityHashCode(o))
                + " [" + extra + "]>";
    }

    static String waiters(int n) {
        return n == 0 ? "" : ", waiters:" + n;
    }
}
