package org.jasyncio;

/** The {@link Coroutine} view of a {@link VoidCoroutine}. */
record VoidAdapter(VoidCoroutine body) implements Coroutine<Void> {
    @Override
    public Void call() throws Exception {
        body.run();
        return null;
    }

    @Override
    public String toString() {
        return Debug.describe(body);
    }
}
