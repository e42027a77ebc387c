package org.jasyncio.cpython;

import static org.jasyncio.Asyncio.*;
import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

import org.jasyncio.ContextVar;
import org.jasyncio.TestLoops;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code test_asyncio/test_context.py} (3.13): each task runs in its own copy of the
 * context, so a context variable one task changes across an await is not seen by the other.
 *
 * <p>CPython's test uses the {@code decimal} module, whose current context is a context variable.
 * Java's {@link BigDecimal} has no ambient context, so the port keeps the precision in a
 * {@link ContextVar ContextVar&lt;MathContext&gt;} and divides with it: the same shape of test.
 */
class TestContext {

    /** The "current decimal context": {@code decimal.getcontext()}. */
    static final ContextVar<MathContext> DECIMAL_CONTEXT = new ContextVar<>("decimal_context", MathContext.DECIMAL128);

    /** {@code Decimal(x) / Decimal(y)} in the current decimal context. */
    static BigDecimal divide(int x, int y) {
        return BigDecimal.valueOf(x).divide(BigDecimal.valueOf(y), DECIMAL_CONTEXT.get());
    }

    /** CPython's {@code fractions(t, precision, x, y)}. */
    static List<BigDecimal> fractions(double t, int precision, int x, int y) {
        // with decimal.localcontext() as ctx: ctx.prec = precision
        var token = DECIMAL_CONTEXT.set(new MathContext(precision));
        try {
            BigDecimal a = divide(x, y);
            sleep(t);
            BigDecimal b = divide(x, y * y);
            return List.of(a, b);
        } finally {
            DECIMAL_CONTEXT.reset(token);
        }
    }

    // CPython: test_context.py::DecimalContextTest::test_asyncio_task_decimal_context
    @Test
    void testAsyncioTaskDecimalContext() throws Exception {
        List<List<BigDecimal>> r = TestLoops.runVirtual(
                () -> gather(() -> fractions(0.1, 3, 1, 3), () -> fractions(0.2, 6, 1, 3)).await());
        List<BigDecimal> r1 = r.get(0);
        List<BigDecimal> r2 = r.get(1);

        assertEquals("0.333", r1.get(0).toString());
        assertEquals("0.111", r1.get(1).toString());

        assertEquals("0.333333", r2.get(0).toString());
        assertEquals("0.111111", r2.get(1).toString());
    }
}
