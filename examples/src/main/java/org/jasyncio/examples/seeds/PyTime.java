package org.jasyncio.examples.seeds;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The three functions of Python's {@code time} module that the seed programs print, with
 * Python's output formats, so the Java ports print the same lines:
 *
 * <table class="striped">
 * <caption>Python call, Java call, sample output</caption>
 * <tr><th>Python</th><th>Java</th><th>prints</th></tr>
 * <tr><td>{@code time.ctime()}</td><td>{@link #ctime()}</td><td>{@code Tue Feb  8 09:31:51 2022}</td></tr>
 * <tr><td>{@code time.strftime('%X')}</td><td>{@link #strftimeX()}</td><td>{@code 20:01:45}</td></tr>
 * <tr><td>{@code '%s' % time.time()}</td><td>{@link #time()}</td><td>{@code 1536842494.2786784}</td></tr>
 * </table>
 *
 * <p>Times are local (the JVM's default time zone), as Python's are; {@code %X} is the C
 * locale's {@code %H:%M:%S}. Thread-safe.
 */
final class PyTime {
    /** {@code time.ctime()}: the day of month is padded with a space to two characters. */
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
    /** {@code time.strftime('%X')} in the C locale. */
    private static final DateTimeFormatter X = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.US);

    private PyTime() {}

    /**
     * Returns the current local time as Python's {@code time.ctime()} prints it, for
     * example {@code Tue Feb  8 09:31:51 2022} (weekday, month, day padded to two
     * characters with a space, 24-hour time, year).
     *
     * @return the current time, 24 characters
     */
    static String ctime() {
        return ctime(LocalDateTime.now());
    }

    /**
     * Formats {@code t} as Python's {@code time.ctime()} does.
     *
     * @param t a local date and time; not {@code null}
     * @return for example {@code Tue Feb  8 09:31:51 2022}
     */
    static String ctime(LocalDateTime t) {
        return CTIME.format(t);
    }

    /**
     * Returns the current local time as Python's {@code time.strftime('%X')} prints it in
     * the C locale, for example {@code 20:01:45}.
     *
     * @return the current time as {@code HH:MM:SS}
     */
    static String strftimeX() {
        return X.format(LocalDateTime.now());
    }

    /**
     * Returns the seconds since the Unix epoch as Python's {@code str(time.time())} prints
     * them, for example {@code 1536842494.2786784}: the shortest decimal that reads back as
     * the same {@code double}, never in exponent form, with at least one fractional digit.
     *
     * @return the current time, in seconds with a fraction
     */
    static String time() {
        Instant now = Instant.now();
        return repr(now.getEpochSecond() + now.getNano() / 1e9);
    }

    /**
     * Formats {@code seconds} as Python's {@code repr(float)} does for values of that size
     * (an epoch time): the shortest round-trip digits, plain notation, {@code .0} when
     * whole.
     *
     * @param seconds a finite number
     * @return its Python repr
     * @throws NumberFormatException if {@code seconds} is NaN or infinite
     */
    static String repr(double seconds) {
        // Double.toString gives the shortest round-trip digits (JDK 19+), but in exponent
        // form from 1e7 up: 1.5368424942786784E9. BigDecimal writes them out plainly.
        String s = new BigDecimal(Double.toString(seconds)).toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }
}
