package dev.tokenwarden.stack;

import java.util.Optional;

/**
 * Another place to run the shared stack's Kafka, PostgreSQL and Redis, chosen by {@code -Dtokenwarden.stack=<name>}
 * (the fake OAuth endpoint always stays in this JVM: tests read its counters). Implementations are found with
 * {@link java.util.ServiceLoader}, so this package depends neither on them nor on their optional libraries.
 */
public interface ServerProvider {
    /** The value of {@code tokenwarden.stack} that selects this provider. */
    String name();

    /** Why the servers cannot run here (a library missing, no engine answering), or empty when they can. */
    Optional<String> unavailableReason();

    /** Starts the servers; they stop when the returned {@link ExternalServers#stopper()} is closed. */
    ExternalServers start();
}
