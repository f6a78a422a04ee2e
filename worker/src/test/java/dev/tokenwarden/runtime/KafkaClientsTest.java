package dev.tokenwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;

class KafkaClientsTest {

    @Test
    void shouldGiveTheSweepsProducerAndTheAdminClientTheSecuritySettingsOfKafkaStreams() {
        // Given a worker configured for a SASL_SSL cluster through kafka.streams.*
        WorkerConfig config = WorkerConfig.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", "broker:9093",
                "db.url", "jdbc:postgresql://unused/db",
                "provider.enabled", "anthropic",
                "kafka.streams.security.protocol", "SASL_SSL",
                "kafka.streams.sasl.mechanism", "SCRAM-SHA-512")));
        Properties streams = StreamsSettings.of(config);

        // When
        Properties producer = KafkaClients.producer(streams, "tokenwarden-sweep");
        Map<String, Object> admin = KafkaClients.admin(streams, "tokenwarden-admin");

        // Then every client of the worker talks to the cluster the same way
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", producer.get("sasl.mechanism"));
        assertEquals("broker:9093", String.valueOf(producer.get("bootstrap.servers")).replaceAll("[\\[\\]]", ""));
        assertEquals("SASL_SSL", admin.get("security.protocol"));
        assertEquals("none", producer.get("compression.type"), "kafka.output-compression's default");
    }
}
