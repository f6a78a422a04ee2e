package dev.tokenwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka settings a newcomer trips over: environment pass-through, bootstrap list, state directory. */
class KafkaSettingsTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        m.put("db.url", "jdbc:postgresql://127.0.0.1:5432/sub2api");
        m.put("provider.gemini.client-secret", "g-secret");
        m.put("provider.antigravity.client-secret", "a-secret");
        return m;
    }

    @Test
    void shouldPassKafkaStreamsSettingsFromTheEnvironmentThrough() {
        // Given
        Map<String, String> env = Map.of(
                "TOKENWARDEN_KAFKA_STREAMS_SECURITY_PROTOCOL", "SASL_SSL",
                "TOKENWARDEN_KAFKA_STREAMS_RACK_AWARE_ASSIGNMENT_TRAFFIC__COST", "10",
                "TOKENWARDEN_KAFKA_STREAMS_CLIENT_TAG_ZONE___A", "eu1",
                "TOKENWARDEN_KAFKA_STREAMS_CONSUMER_MAX_POLL_RECORDS", "50");

        // When
        WorkerConfig c = WorkerConfig.from(ConfigSource.load(null, env, minimal()));

        // Then
        assertEquals(Map.of("security.protocol", "SASL_SSL", "rack.aware.assignment.traffic_cost", "10",
                "client.tag.zone-a", "eu1", "consumer.max.poll.records", "50"), c.kafka().streamsOverrides());
    }

    @Test
    void shouldLetSetWinOverTheEnvironmentForAStreamsSetting() {
        Map<String, String> overrides = minimal();
        overrides.put("kafka.streams.replication.factor", "3");

        WorkerConfig c = WorkerConfig.from(ConfigSource.load(null,
                Map.of("TOKENWARDEN_KAFKA_STREAMS_REPLICATION_FACTOR", "1"), overrides));

        assertEquals("3", c.kafka().streamsOverrides().get("replication.factor"));
    }

    @Test
    void shouldGiveEveryKafkaClientAndStreamsPropertyExactlyOneVariable() {
        // Given: every property Kafka 4.4's clients and Streams declare, plain and with a client prefix
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(StreamsConfig.configDef().names());
        for (String n : Set.copyOf(names)) {
            names.add(StreamsConfig.consumerPrefix(n));
            names.add(StreamsConfig.producerPrefix(n));
            names.add(StreamsConfig.topicPrefix(n));
        }

        // When / Then: the variable for each name maps back to that name
        for (String name : names) {
            assertEquals(name, ConfigSource.streamsPropertyOf(
                    ConfigSource.streamsEnvVar(name).substring(ConfigSource.STREAMS_ENV_PREFIX.length())), name);
        }
        assertTrue(names.size() > 500, "found " + names.size());
    }

    @Test
    void shouldNameTheVariableWhenAStreamsVariableIsNoPropertyName() {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.load(null,
                Map.of("TOKENWARDEN_KAFKA_STREAMS_SECURITY____PROTOCOL", "x"), minimal())));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("TOKENWARDEN_KAFKA_STREAMS_SECURITY____PROTOCOL (environment): not a Kafka"
                + " property name"), e.getMessage());
        assertNull(ConfigSource.streamsPropertyOf("_LEADING"));
        assertNull(ConfigSource.streamsPropertyOf(""));
    }

    @Test
    void shouldRejectAMalformedBootstrapListNamingTheSetting() {
        for (String bad : new String[] {"localhost", "127.0.0.1:", "host:99999", "host:port", "a:1;b:2", " , "}) {
            Map<String, String> m = minimal();
            m.put("kafka.bootstrap.servers", bad);

            ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)), bad);

            assertEquals(1, e.problems().size(), e.getMessage());
            assertTrue(e.problems().get(0).startsWith("kafka.bootstrap.servers (env TOKENWARDEN_KAFKA_BOOTSTRAP_SERVERS): must"),
                    e.getMessage());
        }
    }

    @Test
    void shouldAcceptBootstrapListsKafkaAccepts() {
        for (String good : new String[] {"broker-1.example.com:9092", "10.0.0.1:9092, 10.0.0.2:9092", "[::1]:9092",
            "a:1,,b:2"}) {
            Map<String, String> m = minimal();
            m.put("kafka.bootstrap.servers", good);

            assertEquals(good, WorkerConfig.from(ConfigSource.of(m)).kafka().bootstrapServers());
        }
    }

    @Test
    void shouldKeepTheDefaultStateDirectoryOutOfTheTemporaryDirectory() {
        Path stateDir = WorkerConfig.from(ConfigSource.of(minimal())).kafka().stateDir();

        // Relative: beside the process' working directory, never derived from java.io.tmpdir (a checkout that
        // itself lies under /tmp, as CI's may, is the operator's choice).
        assertEquals(Path.of("tokenwarden-state"), stateDir);
        assertFalse(stateDir.isAbsolute());
    }

    @Test
    void shouldReadTheTopicLayoutAndRejectAZeroReplicationFactor() {
        Map<String, String> m = minimal();
        m.put("topics.partitions", "6");
        m.put("topics.replication-factor", "3");
        WorkerConfig.KafkaAccess access = WorkerConfig.KafkaAccess.from(ConfigSource.of(m));
        assertEquals(new WorkerConfig.TopicLayout(6, 3, java.time.Duration.ofDays(14)), access.layout());

        m.put("topics.replication-factor", "0");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertTrue(e.getMessage().contains("topics.replication-factor (env TOKENWARDEN_TOPICS_REPLICATION_FACTOR)"),
                e.getMessage());
    }
    @Test
    void shouldRefuseToStartNamingTheSettingWhenAPassThroughWouldUndoExactlyOnce() {
        // Given
        Map<String, String> env = Map.of("TOKENWARDEN_KAFKA_STREAMS_PROCESSING_GUARANTEE", "at_least_once");
        Map<String, String> overrides = minimal();
        overrides.put("kafka.streams.deserialization.exception.handler",
                "org.apache.kafka.streams.errors.LogAndFailExceptionHandler");
        overrides.put("kafka.streams.default.value.serde", "org.apache.kafka.common.serialization.Serdes$StringSerde");
        overrides.put("kafka.streams.security.protocol", "SASL_SSL");

        // When
        ConfigException e = assertThrows(ConfigException.class,
                () -> WorkerConfig.from(ConfigSource.load(null, env, overrides)));

        // Then: each guarded property is named with its variable and why; the harmless one is not
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.streams.processing.guarantee (env"
                + " TOKENWARDEN_KAFKA_STREAMS_PROCESSING_GUARANTEE): may not be passed through: the worker runs"
                + " exactly_once_v2"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.streams.deserialization.exception.handler (env"
                + " TOKENWARDEN_KAFKA_STREAMS_DESERIALIZATION_EXCEPTION_HANDLER)"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.streams.default.value.serde"), e.getMessage());
        assertFalse(e.getMessage().contains("security.protocol"), e.getMessage());
    }

    @Test
    void shouldGuardOnlyPropertiesKafkaOrTheWorkerReallyReads() {
        // Given: every property Kafka 4.4's clients and Streams declare, plain and with a client prefix
        Set<String> known = new TreeSet<>(StreamsConfig.configDef().names());
        for (String n : ConsumerConfig.configNames()) {
            known.add(StreamsConfig.consumerPrefix(n));
            known.add(StreamsConfig.mainConsumerPrefix(n));
        }
        for (String n : ProducerConfig.configNames()) {
            known.add(StreamsConfig.producerPrefix(n));
        }
        known.add("tokenwarden.dead-letter.max-bytes");
        known.add("tokenwarden.stream-failures");

        // When / Then: a misspelt guard would guard nothing
        for (String guarded : StreamsPassthrough.GUARDED.keySet()) {
            assertTrue(known.contains(guarded), guarded + " is no Kafka Streams or client property");
        }
    }
}
