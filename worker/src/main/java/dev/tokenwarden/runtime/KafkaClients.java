package dev.tokenwarden.runtime;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;

/**
 * The one place that builds the Kafka client settings of every client a worker runs besides Kafka Streams' own:
 * derived from the same Streams properties, so {@code kafka.streams.*} (SASL, SSL, client rack …) reach them too.
 * The sweep's producer once ignored them, and with SASL the background sweep silently never published (issue 9).
 */
final class KafkaClients {
    private KafkaClients() {
    }

    /** For a plain producer (the sweep's), as Kafka Streams would configure its own producer. */
    static Properties producer(Properties streamsSettings, String clientId) {
        Properties p = new Properties();
        p.putAll(new StreamsConfig(streamsSettings).getProducerConfigs(clientId));
        return p;
    }

    /** For an admin client, as Kafka Streams would configure its own. */
    static Map<String, Object> admin(Properties streamsSettings, String clientId) {
        return new StreamsConfig(streamsSettings).getAdminConfigs(clientId);
    }
}
