package dev.tokenwarden.metrics;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import dev.tokenwarden.intake.IntakeMetrics;

/**
 * Figures read out of Kafka's own metrics by group, name and tags; the one place that knows how Kafka Streams names
 * them. Each takes the map from {@code KafkaStreams#metrics()} (see {@code WorkerStatus#kafkaMetrics()}).
 */
public final class KafkaStreamsFigures {
    private KafkaStreamsFigures() {
    }

    /**
     * The {@code -total} of one {@link IntakeMetrics} operation, over every thread and task, for one event type
     * ({@code entity}, e.g. {@code refresh-needed}), or for all when {@code entity} is null.
     */
    public static double intakeTotal(Map<MetricName, ? extends Metric> metrics, String operation, String entity) {
        String scopeTag = IntakeMetrics.SCOPE + "-id";
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().group().contains(IntakeMetrics.SCOPE))
                .filter(e -> e.getKey().name().equals(operation + "-total"))
                .filter(e -> entity == null || entity.equals(e.getKey().tags().get(scopeTag)))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    /**
     * The sum of the {@code -total} metrics in a scope whose operation starts with {@code operationPrefix},
     * over every thread and entity: ({@code tokenwarden-intake}, {@code dead-lettered-}) counts every
     * dead letter whatever its reason. For health checks, the demo and tests.
     */
    public static double total(Map<MetricName, ? extends Metric> metrics, String scope, String operationPrefix) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().group().contains(scope))
                .filter(e -> e.getKey().name().startsWith(operationPrefix) && e.getKey().name().endsWith("-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    /**
     * The main consumers' records behind the end of each input topic, summed over its partitions this process
     * reads; a topic none of whose partitions are assigned here is absent.
     */
    public static Map<String, Double> consumerLag(Map<MetricName, ? extends Metric> metrics,
            Collection<String> topics) {
        Map<String, Double> lag = new TreeMap<>();
        metrics.forEach((name, metric) -> {
            String topic = name.tags().get("topic");
            if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-lag")
                    && topic != null && topics.contains(topic) && name.tags().containsKey("partition")
                    && !name.tags().getOrDefault("client-id", "").contains("restore-consumer")
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                lag.merge(topic, n.doubleValue(), Double::sum);
            }
        });
        return lag;
    }
}
