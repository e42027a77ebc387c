/**
 * jasyncio-test: JUnit 5 tests of code that uses jasyncio, the counterpart of pytest-asyncio,
 * {@code IsolatedAsyncioTestCase}, Trio's {@code MockClock} and kotlinx's {@code runTest}.
 * {@link org.jasyncio.test.AsyncioTest @AsyncioTest} runs a test method as the main task of a
 * fresh event loop, on a virtual clock if asked, and fails the test on leaked tasks and
 * exceptions never retrieved.
 *
 * <p>Like jasyncio itself, it needs {@code --add-opens java.base/java.lang=org.jasyncio} on the
 * module path (or {@code =ALL-UNNAMED} on the class path) in the test JVM.
 */
module org.jasyncio.test {
    requires transitive org.jasyncio;
    requires transitive org.junit.jupiter.api;

    exports org.jasyncio.test;
}
