package dev.tokenwarden.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.intake.IntakeMetrics;

class KafkaStreamsFiguresTest {
    private final Map<MetricName, Metric> metrics = new HashMap<>();

    private void put(String group, String name, Map<String, String> tags, Object value) {
        MetricName metricName = new MetricName(name, group, "", tags);
        metrics.put(metricName, new Metric() {
            @Override
            public MetricName metricName() {
                return metricName;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }

    private void intake(String thread, String entity, String operation, double total) {
        put("stream-" + IntakeMetrics.SCOPE + "-metrics", operation + "-total",
                Map.of("thread-id", thread, IntakeMetrics.SCOPE + "-id", entity), total);
        put("stream-" + IntakeMetrics.SCOPE + "-metrics", operation + "-rate",
                Map.of("thread-id", thread, IntakeMetrics.SCOPE + "-id", entity), 99.0);
    }

    private void lag(String clientId, String topic, String partition, Object value) {
        put("consumer-fetch-manager-metrics", "records-lag",
                Map.of("client-id", clientId, "topic", topic, "partition", partition), value);
    }

    @Test
    void shouldSumAnIntakeTotalOverThreadsForOneEventTypeOrAll() {
        // Given
        intake("t1", "refresh-needed", IntakeMetrics.ACCEPTED, 3);
        intake("t2", "refresh-needed", IntakeMetrics.ACCEPTED, 4);
        intake("t1", "upstream-rejected", IntakeMetrics.ACCEPTED, 5);
        intake("t1", "refresh-needed", IntakeMetrics.DEAD_LETTERED_PREFIX + "unparseable", 7);

        // When
        double refreshNeeded = KafkaStreamsFigures.intakeTotal(metrics, IntakeMetrics.ACCEPTED, "refresh-needed");
        double all = KafkaStreamsFigures.intakeTotal(metrics, IntakeMetrics.ACCEPTED, null);
        double deadLettered = KafkaStreamsFigures.total(metrics, IntakeMetrics.SCOPE,
                IntakeMetrics.DEAD_LETTERED_PREFIX);

        // Then
        assertEquals(7, refreshNeeded);
        assertEquals(12, all);
        assertEquals(7, deadLettered);
    }

    @Test
    void shouldSumConsumerLagPerTopicLeavingOutRestoreConsumersAndUnknownValues() {
        // Given
        lag("app-StreamThread-1-consumer", "in", "0", 2.0);
        lag("app-StreamThread-2-consumer", "in", "1", 3.0);
        lag("app-StreamThread-1-restore-consumer", "in", "0", 100.0);
        lag("app-StreamThread-1-consumer", "in", "2", Double.NaN);
        lag("app-StreamThread-1-consumer", "other", "0", 8.0);

        // When
        Map<String, Double> lag = KafkaStreamsFigures.consumerLag(metrics, List.of("in", "absent"));

        // Then
        assertEquals(Map.of("in", 5.0), lag);
    }
}
