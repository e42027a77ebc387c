package org.jasyncio;

import java.lang.System.Logger;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Debug-mode helpers: stacks, names, the logger. */
final class Debug {
    static final Logger LOG = System.getLogger("org.jasyncio");

    private Debug() {}

    /** Whether -Djasyncio.debug=true (or PYTHONASYNCIODEBUG-like env) asks for debug mode. */
    static boolean defaultDebug() {
        String p = System.getProperty("jasyncio.debug");
        if (p != null) {
            return p.isEmpty() || Boolean.parseBoolean(p) || p.equals("1");
        }
        String env = System.getenv("JASYNCIO_DEBUG");
        return env != null && !env.isEmpty() && !env.equals("0");
    }

    /** The caller's stack, without jasyncio's own frames at the top. */
    static StackTraceElement[] callerStack() {
        return trimInternal(new Throwable().getStackTrace());
    }

    static StackTraceElement[] trimInternal(StackTraceElement[] st) {
        int i = 0;
        while (i < st.length && isInternal(st[i])) {
            i++;
        }
        List<StackTraceElement> l = new ArrayList<>(st.length - i);
        for (; i < st.length; i++) {
            l.add(st[i]);
        }
        return l.toArray(new StackTraceElement[0]);
    }

    static boolean isInternal(StackTraceElement e) {
        String c = e.getClassName();
        if (c.startsWith("org.jasyncio.")) {
            // Library frames are those of classes loaded from jasyncio's own jar (or classes
            // directory); tests, examples and user code in the same package are not.
            String top = c.indexOf('$') > 0 ? c.substring(0, c.indexOf('$')) : c;
            return OUR_CODE.computeIfAbsent(top, Debug::fromOurCodeSource);
        }
        return c.startsWith("org.jasyncio.internal.") || c.startsWith("java.lang.VirtualThread")
                || c.startsWith("jdk.internal.") || c.startsWith("java.util.concurrent.locks.LockSupport")
                || c.startsWith("java.lang.Thread") || c.startsWith("java.lang.System$");
    }

    /** The objects whose toString() runs on this thread: a repr that reaches itself prints "...". */
    private static final ThreadLocal<IdentityHashMap<Object, Boolean>> IN_REPR =
            ThreadLocal.withInitial(IdentityHashMap::new);

    /** Python's reprlib.recursive_repr: {@code repr} of {@code self}, or "..." inside itself. */
    static String reprOnce(Object self, Supplier<String> repr) {
        IdentityHashMap<Object, Boolean> active = IN_REPR.get();
        if (active.putIfAbsent(self, Boolean.TRUE) != null) {
            return "...";
        }
        try {
            return repr.get();
        } finally {
            active.remove(self);
        }
    }

    /** A short repr of a value, as asyncio's reprlib.repr: strings quoted, long ones cut. */
    static String repr(Object value) {
        String r = value instanceof CharSequence cs ? "'" + cs + "'" : String.valueOf(value);
        return r.length() > 60 ? r.substring(0, 57) + "..." : r;
    }

    private static final Map<String, Boolean> OUR_CODE = new ConcurrentHashMap<>();

    private static boolean fromOurCodeSource(String className) {
        try {
            Class<?> k = Class.forName(className, false, Debug.class.getClassLoader());
            return Objects.equals(location(k), location(Debug.class));
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return true; // not loadable by name from here: not user code we can show
        }
    }

    private static Object location(Class<?> k) {
        CodeSource cs = k.getProtectionDomain().getCodeSource();
        return cs == null ? null : cs.getLocation();
    }

    /** A short description of a callback: a method reference or lambda's declaring class. */
    static String describe(Object fn) {
        if (fn == null) {
            return "null";
        }
        if (fn.getClass().isSynthetic() || fn.getClass().isHidden()) {
            return describeClass(fn.getClass());
        }
        String s = fn.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    static String describeClass(Class<?> c) {
        String n = c.getName();
        int lambda = n.indexOf("$$Lambda");
        if (lambda >= 0) {
            String owner = n.substring(0, lambda);
            return owner.substring(owner.lastIndexOf('.') + 1) + ".lambda";
        }
        return c.getSimpleName().isEmpty() ? n : c.getSimpleName();
    }

    static String formatStack(StackTraceElement[] st, int max) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(st.length, max);
        for (int i = 0; i < n; i++) {
            sb.append("\n    at ").append(st[i]);
        }
        if (st.length > n) {
            sb.append("\n    ... ").append(st.length - n).append(" more");
        }
        return sb.toString();
    }
}
