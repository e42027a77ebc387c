package org.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what jasyncio logs through {@link System.Logger} (backed by java.util.logging in the
 * tests) while open: {@code try (LogCapture log = new LogCapture()) { ... log.messages() ... }}.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<LogRecord> records = new ArrayList<>();
    private final Logger logger = Logger.getLogger("org.jasyncio");

    /** Starts capturing. */
    public LogCapture() {
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        records.add(r);
    }

    /** The records captured so far, oldest first. */
    public synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    /** The messages captured so far, oldest first. */
    public synchronized List<String> messages() {
        List<String> l = new ArrayList<>();
        for (LogRecord r : records) {
            l.add(r.getMessage());
        }
        return l;
    }

    @Override
    public void flush() {}

    /** Stops capturing. */
    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
