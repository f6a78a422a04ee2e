package dev.tokenwarden.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kafka.streams.*} pass-through, minus what correctness rests on. The worker's own Kafka Streams
 * properties are applied first and the pass-through last, so without this guard one variable could switch off
 * exactly-once, the failure handlers that dead-letter instead of stopping a partition, or the byte serdes the
 * topology reads with, and the worker would start as if nothing happened. A guarded property fails the start
 * naming it, its variable and why.
 */
final class StreamsPassthrough {
    /** Guarded property (after {@code kafka.streams.}) → why it may not be given. */
    static final Map<String, String> GUARDED = guarded();

    private StreamsPassthrough() {
    }

    /** The pass-through properties with the prefix removed; each guarded one is a problem instead. */
    static Map<String, String> read(ConfigReader r, ConfigSource source) {
        Map<String, String> out = new TreeMap<>();
        source.streamsPassthrough().forEach((property, value) -> {
            String why = GUARDED.get(property);
            if (why == null) {
                out.put(property, value);
            } else {
                r.problem(ConfigSource.STREAMS_PASSTHROUGH_PREFIX + property + " (env "
                        + ConfigSource.streamsEnvVar(property) + "): may not be passed through: " + why + ", was '"
                        + Setting.redactCredentials(value) + "'");
            }
        });
        return out;
    }

    private static Map<String, String> guarded() {
        Map<String, String> m = new LinkedHashMap<>();
        String eos = "the worker runs exactly_once_v2: outputs and the dedup store commit with the input offsets";
        m.put("processing.guarantee", eos);
        m.put("consumer.isolation.level", eos);
        m.put("main.consumer.isolation.level", eos);
        m.put("producer.transactional.id", eos);
        m.put("producer.enable.idempotence", eos);
        String handlers = "the worker's failure handlers dead-letter and count a failed record instead of stopping"
                + " its partition or dropping it unseen";
        m.put("deserialization.exception.handler", handlers);
        m.put("default.deserialization.exception.handler", handlers);
        m.put("production.exception.handler", handlers);
        m.put("default.production.exception.handler", handlers);
        m.put("processing.exception.handler", handlers);
        m.put("processing.exception.handler.global.enabled", handlers);
        m.put("errors.dead.letter.queue.topic.name", "set topic.dead-letter instead");
        String serdes = "the topology reads and writes bytes with its own serdes; another default changes how records"
                + " are read";
        m.put("default.key.serde", serdes);
        m.put("default.value.serde", serdes);
        String earliest = "a new consumer group starts from the earliest offset so that no event produced before the"
                + " first start is skipped";
        m.put("consumer.auto.offset.reset", earliest);
        m.put("main.consumer.auto.offset.reset", earliest);
        m.put("application.id", "set kafka.application.id instead");
        m.put("bootstrap.servers", "set kafka.bootstrap.servers instead");
        m.put("num.stream.threads", "set kafka.stream.threads instead");
        m.put("state.dir", "set kafka.state.dir instead");
        m.put("commit.interval.ms", "set kafka.commit.interval instead");
        m.put("producer.compression.type", "set kafka.output-compression instead");
        // The worker's own keys, read by its handlers through the configuration.
        m.put("tokenwarden.dead-letter.max-bytes", "set dead-letter.max-bytes instead");
        m.put("tokenwarden.stream-failures", "internal to the worker");
        return Map.copyOf(m);
    }
}
