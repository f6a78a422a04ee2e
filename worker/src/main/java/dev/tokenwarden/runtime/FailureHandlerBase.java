package dev.tokenwarden.runtime;

import java.util.Map;

/**
 * What the three exception handlers share: Kafka Streams builds them by class name and configures them with the
 * worker's Streams properties, where they find the failure counters and the dead-letter settings.
 */
abstract class FailureHandlerBase {
    StreamFailures failures = new StreamFailures();
    FailureDeadLetters deadLetters = FailureDeadLetters.from(Map.of());

    public void configure(Map<String, ?> configs) {
        failures = StreamFailures.from(configs);
        deadLetters = FailureDeadLetters.from(configs);
    }
}
