package dev.tokenwarden.stack;

import java.util.List;
import java.util.ServiceLoader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link LocalStack} per JVM, started on first use and stopped when the JVM exits, so a whole test
 * suite pays the start-up once. Tests keep apart by unique topics, application ids, databases and
 * account ids; a test that stops a server (an outage test) starts its own embedded server instead.
 * {@code -Dtokenwarden.stack=containers} runs Kafka, PostgreSQL and Redis in containers instead
 * ({@link StackChoice} decides, and says so in the log).
 */
public final class SharedStack {
    private static final Logger log = LoggerFactory.getLogger(SharedStack.class);
    private static LocalStack stack;
    /** A stack that failed to start fails every later test at once instead of costing each one a start-up timeout. */
    private static RuntimeException startFailure;

    private SharedStack() {
    }

    public static synchronized LocalStack get() {
        if (startFailure != null) {
            throw new IllegalStateException("the shared stack failed to start earlier in this JVM", startFailure);
        }
        if (stack == null) {
            StackChoice choice = StackChoice.decide(System.getProperty(StackChoice.PROPERTY), providers());
            if (choice.fellBack()) {
                log.warn(choice.message());
            } else {
                log.info(choice.message());
            }
            LocalStack started;
            try {
                started = choice.start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-stack-shutdown"));
            stack = started;
        }
        return stack;
    }

    private static List<ServerProvider> providers() {
        return ServiceLoader.load(ServerProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }
}
