package org.jasyncio.examples.seeds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One in-process run of {@link Seeds#runAll}: what it printed on standard output and
 * standard error (each also passed on to the original stream), what reached the
 * {@code org.jasyncio} logger, and the output cut into one {@link Section} per seed.
 */
final class SeedRun {
    private static final Pattern HEADING = Pattern.compile("^=== (\\d+)\\. (\\S+) \\((.*)\\) ===$");
    private static final Pattern FOOTER = Pattern.compile("^--- wall time: (\\d+\\.\\d\\d) s$");

    /** A seed's part of the output: its heading's name, its lines, its printed wall time. */
    record Section(int number, String name, List<String> lines, double wallSeconds) {}

    final List<String> out;
    final String err;
    final List<LogRecord> logged;
    final int failed;
    /** Epoch seconds just before and just after the run, for the printed times. */
    final double startEpoch;
    final double endEpoch;
    final Map<String, Section> sections;

    private SeedRun(List<String> out, String err, List<LogRecord> logged, int failed, double startEpoch,
            double endEpoch) {
        this.out = out;
        this.err = err;
        this.logged = logged;
        this.failed = failed;
        this.startEpoch = startEpoch;
        this.endEpoch = endEpoch;
        this.sections = cut(out);
    }

    /** Runs every seed with System.out, System.err and the jasyncio logger captured. */
    static SeedRun runAll() {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
        Logger jasyncio = Logger.getLogger("org.jasyncio");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    logged.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jasyncio.addHandler(handler);
        System.setOut(new PrintStream(new Tee(oldOut, outBytes), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(oldErr, errBytes), true, StandardCharsets.UTF_8));
        double start = System.currentTimeMillis() / 1000.0;
        int failed;
        try {
            failed = Seeds.runAll(Seeds.SEEDS);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
            jasyncio.removeHandler(handler);
        }
        double end = System.currentTimeMillis() / 1000.0;
        List<String> lines = outBytes.toString(StandardCharsets.UTF_8).lines().toList();
        return new SeedRun(lines, errBytes.toString(StandardCharsets.UTF_8), List.copyOf(logged), failed, start, end);
    }

    private static Map<String, Section> cut(List<String> out) {
        Map<String, Section> sections = new LinkedHashMap<>();
        for (int i = 0; i < out.size(); i++) {
            Matcher h = HEADING.matcher(out.get(i));
            if (!h.matches()) {
                continue;
            }
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < out.size() && !FOOTER.matcher(out.get(j)).matches() && !HEADING.matcher(out.get(j)).matches()
                    && !out.get(j).startsWith("--- FAILED")) {
                body.add(out.get(j++));
            }
            Matcher f = j < out.size() ? FOOTER.matcher(out.get(j)) : null;
            double wall = f != null && f.matches() ? Double.parseDouble(f.group(1)) : Double.NaN;
            sections.put(h.group(2), new Section(Integer.parseInt(h.group(1)), h.group(2), List.copyOf(body), wall));
            i = j;
        }
        return sections;
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
