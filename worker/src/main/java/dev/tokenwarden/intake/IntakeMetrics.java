package dev.tokenwarden.intake;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.EventType;

/**
 * Intake sensors, registered through Kafka Streams so they appear in {@code KafkaStreams#metrics()} (and
 * JMX) as {@code tokenwarden-intake} metrics with {@code -rate} and {@code -total} per event type.
 */
final class IntakeMetrics {
    static final String SCOPE = "tokenwarden-intake";

    private IntakeMetrics() {
    }

    static Sensor accepted(ProcessorContext<?, ?> context, EventType<?> type) {
        return context.metrics().addRateTotalSensor(SCOPE, type.name(), "accepted", Sensor.RecordingLevel.INFO);
    }

    static Sensor deadLettered(ProcessorContext<?, ?> context, EventType<?> type, DeadLetterReason reason) {
        return context.metrics().addRateTotalSensor(SCOPE, type.name(), "dead-lettered-" + reason.json(),
                Sensor.RecordingLevel.INFO);
    }
}
