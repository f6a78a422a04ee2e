package dev.tokenwarden.intake;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.EventType;

/**
 * Intake sensors, registered through Kafka Streams so they appear in {@code KafkaStreams#metrics()} (and
 * JMX) as {@code tokenwarden-intake} metrics with {@code -rate} and {@code -total} per event type.
 */
public final class IntakeMetrics {
    public static final String SCOPE = "tokenwarden-intake";
    public static final String ACCEPTED = "accepted";
    public static final String DEAD_LETTERED_PREFIX = "dead-lettered-";
    /** Accepted records that were not on the partition Java's partitioner gives their key. */
    public static final String REPARTITIONED = "repartitioned";

    private IntakeMetrics() {
    }

    static Sensor accepted(ProcessorContext<?, ?> context, EventType<?> type) {
        return context.metrics().addRateTotalSensor(SCOPE, type.name(), ACCEPTED, Sensor.RecordingLevel.INFO);
    }

    static Sensor repartitioned(ProcessorContext<?, ?> context, EventType<?> type) {
        return context.metrics().addRateTotalSensor(SCOPE, type.name(), REPARTITIONED, Sensor.RecordingLevel.INFO);
    }

    static Sensor deadLettered(ProcessorContext<?, ?> context, EventType<?> type, DeadLetterReason reason) {
        return context.metrics().addRateTotalSensor(SCOPE, type.name(), DEAD_LETTERED_PREFIX + reason.json(),
                Sensor.RecordingLevel.INFO);
    }
}
