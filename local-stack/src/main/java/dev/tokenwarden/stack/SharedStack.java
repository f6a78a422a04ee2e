package dev.tokenwarden.stack;

/**
 * One {@link LocalStack} per JVM, started on first use and stopped when the JVM exits, so a whole test
 * suite pays the start-up once. Tests keep apart by unique topics, application ids, databases and
 * account ids; a test that stops a server (an outage test) starts its own stack instead.
 */
public final class SharedStack {
    private static LocalStack stack;

    private SharedStack() {
    }

    public static synchronized LocalStack get() {
        if (stack == null) {
            LocalStack started = LocalStack.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-stack-shutdown"));
            stack = started;
        }
        return stack;
    }
}
