package org.jasyncio.test;

import java.lang.reflect.Method;

import org.jasyncio.EventLoop;
import org.jasyncio.VirtualClock;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link AsyncioTest}: runs the test method's invocation as the
 * main task of a fresh loop and resolves {@link EventLoop} and {@link VirtualClock}
 * parameters. Registered by {@code @AsyncioTest}; there is no need to name it.
 *
 * <p>JUnit makes one instance per test class and calls it from the thread running the test;
 * each test method gets its own loop, kept in the method's {@link ExtensionContext.Store}.
 *
 * @since 0.1
 */
public final class AsyncioTestExtension implements InvocationInterceptor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(AsyncioTestExtension.class);

    /** Creates the extension; JUnit does, for {@link AsyncioTest}. */
    public AsyncioTestExtension() {}

    /**
     * Runs the test method in a task of the test's loop, checks for leaks, and closes the loop.
     *
     * @param invocation the method's invocation, proceeded once inside the task
     * @param invocationContext the method and its arguments
     * @param extensionContext the test's context
     * @throws Throwable what the body throws, or an {@link AssertionError} naming the leaks
     */
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        LoopFixture fixture = fixture(extensionContext);
        fixture.run(invocation::proceed);
    }

    /**
     * Tells whether a test parameter is the loop or its virtual clock.
     *
     * @param parameterContext the parameter
     * @param extensionContext the test's context
     * @return {@code true} for {@link EventLoop} and {@link VirtualClock} parameters of an
     *     {@code @AsyncioTest} method
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return (type == EventLoop.class || type == VirtualClock.class)
                && parameterContext.getDeclaringExecutable() instanceof Method m
                && AnnotationSupport.isAnnotated(m, AsyncioTest.class);
    }

    /**
     * Returns the test's loop or its clock, creating the loop.
     *
     * @param parameterContext the parameter
     * @param extensionContext the test's context
     * @return the loop or the clock
     * @throws ParameterResolutionException for a {@link VirtualClock} parameter of a test
     *     without {@link AsyncioTest#virtualTime()}
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        LoopFixture fixture = fixture(extensionContext);
        if (parameterContext.getParameter().getType() == EventLoop.class) {
            return fixture.loop();
        }
        VirtualClock clock = fixture.clock();
        if (clock == null) {
            throw new ParameterResolutionException("a VirtualClock parameter needs @AsyncioTest(virtualTime = true) on "
                    + parameterContext.getDeclaringExecutable());
        }
        return clock;
    }

    private static LoopFixture fixture(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        AsyncioTest config = AnnotationSupport.findAnnotation(method, AsyncioTest.class).orElseThrow(
                () -> new IllegalStateException(method + " is not annotated with @AsyncioTest"));
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(LoopFixture.class, k -> new LoopFixture(config),
                LoopFixture.class);
    }
}
