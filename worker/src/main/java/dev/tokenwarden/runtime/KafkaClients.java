package dev.tokenwarden.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

import dev.tokenwarden.config.WorkerConfig;

/**
 * The one place that builds the Kafka client settings of every client a worker runs besides Kafka Streams' own:
 * derived from the same Streams properties, so {@code kafka.streams.*} (SASL, SSL, client rack …) reach them too.
 * A client built apart from them misses them: with SASL, the background sweep would silently never publish.
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /** For a plain producer (the sweep's), as Kafka Streams would configure its own producer. */
    static Properties producer(Properties streamsSettings, String clientId) {
        Properties p = new Properties();
        p.putAll(new StreamsConfig(streamsSettings).getProducerConfigs(clientId));
        return p;
    }

    /**
     * For the operator commands, which start no Kafka Streams: the same derivation from the application id, the
     * brokers and {@code kafka.streams.*}, so a SASL or SSL setup that lets the worker in lets them in too.
     */
    public static Map<String, Object> admin(WorkerConfig.Kafka kafka, String clientId) {
        return admin(base(kafka), clientId);
    }

    /** A consumer without a group (commands assign partitions and commit nothing); bytes in, bytes out. */
    public static Map<String, Object> consumer(WorkerConfig.Kafka kafka, String clientId) {
        Map<String, Object> c = new HashMap<>(new StreamsConfig(base(kafka)).getRestoreConsumerConfigs(clientId));
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // The worker writes its dead letters in transactions: an aborted one was never a dead letter.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return c;
    }

    /** An idempotent producer of raw bytes. */
    public static Map<String, Object> producer(WorkerConfig.Kafka kafka, String clientId) {
        Map<String, Object> p = new HashMap<>(new StreamsConfig(base(kafka)).getProducerConfigs(clientId));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    @SuppressWarnings("deprecation") // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED: deprecated as the 5.0 default
    private static Properties base(WorkerConfig.Kafka kafka) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // As the worker sets it; without it StreamsConfig warns once per client built, i.e. on every command.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.putAll(kafka.streamsOverrides());
        return p;
    }

    /** For an admin client, as Kafka Streams would configure its own. */
    static Map<String, Object> admin(Properties streamsSettings, String clientId) {
        return new StreamsConfig(streamsSettings).getAdminConfigs(clientId);
    }
}
