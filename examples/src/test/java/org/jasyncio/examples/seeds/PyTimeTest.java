package org.jasyncio.examples.seeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;

import org.junit.jupiter.api.Test;

/** PyTime prints what CPython 3.11 prints for the same values (checked with /usr/bin/python3). */
class PyTimeTest {
    @Test
    void ctimePadsTheDayWithASpace() {
        // time.ctime(time.mktime((2022, 2, 8, 9, 31, 51, 0, 0, -1)))
        assertEquals("Tue Feb  8 09:31:51 2022", PyTime.ctime(LocalDateTime.of(2022, 2, 8, 9, 31, 51)));
        assertEquals("Sun Dec 25 23:05:01 2022", PyTime.ctime(LocalDateTime.of(2022, 12, 25, 23, 5, 1)));
    }

    @Test
    void reprIsPythonsStrOfAFloat() {
        // str(1536842494.2786784), str(1536842494.0), str(1795249799.458355), str(1536842494.1)
        assertEquals("1536842494.2786784", PyTime.repr(1536842494.2786784));
        assertEquals("1536842494.0", PyTime.repr(1536842494.0));
        assertEquals("1795249799.458355", PyTime.repr(1795249799.458355));
        assertEquals("1536842494.1", PyTime.repr(1536842494.1));
        assertThrows(NumberFormatException.class, () -> PyTime.repr(Double.NaN));
    }

    @Test
    void nowFunctionsHaveTheirShape() {
        assertTrue(PyTime.ctime().matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}"), PyTime.ctime());
        assertTrue(PyTime.strftimeX().matches("\\d\\d:\\d\\d:\\d\\d"), PyTime.strftimeX());
        double now = System.currentTimeMillis() / 1000.0;
        double t = Double.parseDouble(PyTime.time());
        assertTrue(Math.abs(t - now) < 5, t + " vs " + now);
        assertTrue(PyTime.time().matches("\\d{10}\\.\\d+"), PyTime.time());
    }
}
