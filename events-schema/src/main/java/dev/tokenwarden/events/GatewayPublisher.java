package dev.tokenwarden.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The API Java gateways use to tell the worker about expiring tokens and upstream rejections.
 * Every event is schema-checked before it is sent, keyed by account id, and carries CloudEvents
 * headers. Thread-safe (one per process is enough; the producer batches).
 */
public final class GatewayPublisher implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final TopicNames topics;
    private final String source;

    /**
     * @param source this sender, e.g. the gateway instance name; becomes {@code ce_source}
     */
    public GatewayPublisher(String bootstrapServers, TopicNames topics, String source) {
        this(bootstrapServers, topics, source, new Properties());
    }

    /**
     * @param extra producer settings applied over the defaults (e.g. security); bootstrap servers
     *     and serializers cannot be overridden
     */
    public GatewayPublisher(String bootstrapServers, TopicNames topics, String source, Properties extra) {
        this(new KafkaProducer<>(producerConfig(bootstrapServers, extra)), topics, source);
    }

    /** Over a given producer, e.g. Kafka's {@code MockProducer} in a gateway's unit tests. */
    public GatewayPublisher(Producer<String, byte[]> producer, TopicNames topics, String source) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Sends a refresh-needed event. Throws {@link InvalidEventException} at once if the schema
     * rejects it; send failures complete the future exceptionally.
     */
    public CompletableFuture<RecordMetadata> publish(RefreshNeeded event) {
        return send(topics.refreshNeededTopic(), event.accountId(), event.eventId(), event.occurredAt(), event);
    }

    /** Sends an upstream-rejected event; same contract as {@link #publish(RefreshNeeded)}. */
    public CompletableFuture<RecordMetadata> publish(UpstreamRejected event) {
        return send(topics.upstreamRejectedTopic(), event.accountId(), event.eventId(), event.occurredAt(), event);
    }

    /**
     * Sends bytes as they are, with no schema check and no headers. Only for tests and the demo,
     * to put malformed or hostile input on a topic on purpose; gateways use {@code publish}.
     */
    public CompletableFuture<RecordMetadata> publishRaw(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Closes within {@code timeout}: events not sent by then are dropped (the caller knows none is pending). */
    public void close(java.time.Duration timeout) {
        producer.close(timeout);
    }

    private <V> CompletableFuture<RecordMetadata> send(
            Topic<V> topic, long accountId, String eventId, Instant occurredAt, V event) {
        byte[] value = EventEncoder.forType(topic.type()).encodeValidated(event);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), Topic.key(accountId), value);
        CloudEventHeaders.write(record.headers(), eventId, topic.type().cloudEventType(), source, occurredAt);
        return send(record);
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send() also throws synchronously (closed producer, metadata timeout); one error path for callers.
            result.completeExceptionally(e);
        }
        return result;
    }

    private static Properties producerConfig(String bootstrapServers, Properties extra) {
        Properties config = new Properties();
        // Idempotence + acks=all: a retried send never duplicates or reorders an account's events.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        for (Map.Entry<Object, Object> entry : extra.entrySet()) {
            config.put(entry.getKey(), entry.getValue());
        }
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }
}
