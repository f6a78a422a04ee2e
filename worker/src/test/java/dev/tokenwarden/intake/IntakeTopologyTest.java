package dev.tokenwarden.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.DeadLetter;
import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.RefreshNeeded;

class IntakeTopologyTest {
    private static final String VALID = "{\"event_id\":\"e1\",\"account_id\":7,\"platform\":\"anthropic\","
            + "\"refresh_window_seconds\":180,\"reason\":\"expiring\",\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"gw\"}";

    private static final String ACCEPTED_REFRESH = "accepted-refresh";
    private static final String ACCEPTED_REJECTED = "accepted-rejected";

    private TopologyTestDriver driver;
    private TestOutputTopic<String, RefreshNeeded> accepted;
    private TestInputTopic<byte[], byte[]> refreshNeeded;
    private TestInputTopic<byte[], byte[]> upstreamRejected;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;
    private WorkerConfig config;

    @BeforeEach
    void buildTopology() {
        config = WorkerConfig.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", "unused:9092",
                "db.url", "jdbc:postgresql://unused/db",
                "intake.max-event-bytes", "1024",
                "provider.enabled", "anthropic")));
        Topology topology = new Topology();
        IntakeTopology.addTo(topology, config.topics(), config.maxEventBytes(), "test", "accepted-refresh-sink",
                "accepted-rejected-sink");
        topology.addSink("accepted-refresh-sink", ACCEPTED_REFRESH, new StringSerializer(),
                EventSerdes.refreshNeeded().serializer(), IntakeTopology.REFRESH_NEEDED_INTAKE);
        topology.addSink("accepted-rejected-sink", ACCEPTED_REJECTED, new StringSerializer(),
                EventSerdes.upstreamRejected().serializer(), IntakeTopology.UPSTREAM_REJECTED_INTAKE);
        driver = new TopologyTestDriver(topology);
        accepted = driver.createOutputTopic(ACCEPTED_REFRESH, new StringDeserializer(),
                EventSerdes.refreshNeeded().deserializer());
        refreshNeeded = driver.createInputTopic(config.topics().refreshNeeded(), new ByteArraySerializer(), new ByteArraySerializer());
        upstreamRejected = driver.createInputTopic(config.topics().upstreamRejected(), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(config.topics().deadLetter(), new ByteArrayDeserializer(),
                EventSerdes.deadLetter().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private DeadLetter onlyDeadLetter() {
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(1, letters.size(), letters.toString());
        return letters.get(0);
    }

    @Test
    void shouldForwardAValidEventKeyedByAccountIdWithoutDeadLettering() {
        refreshNeeded.pipeInput(utf8("7"), utf8(VALID));
        assertTrue(deadLetters.isEmpty());
        TestRecord<String, RefreshNeeded> out = accepted.readRecord();
        assertEquals("7", out.key());
        assertEquals(7, out.value().accountId());
    }

    @Test
    void shouldDeadLetterMalformedJsonWithTheOriginalBytesAndItsSourcePosition() {
        byte[] garbage = {'{', 0, (byte) 0xff};
        refreshNeeded.pipeInput(utf8("7"), garbage);
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.MALFORMED_JSON, d.errorClass());
        assertEquals(List.of((byte) '{', (byte) 0, (byte) 0xff), List.of(d.originalValue()[0], d.originalValue()[1], d.originalValue()[2]));
        assertEquals("7", new String(d.originalKey(), StandardCharsets.UTF_8));
        assertEquals(config.topics().refreshNeeded(), d.sourceTopic());
        assertEquals(0, d.sourceOffset());
    }

    @Test
    void shouldDeadLetterASchemaViolationNamingTheField() {
        upstreamRejected.pipeInput(utf8("7"), utf8("{\"event_id\":\"e2\",\"account_id\":7,\"status_code\":401,"
                + "\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"gw\"}"));
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.SCHEMA_VIOLATION, d.errorClass());
        assertTrue(d.errorMessage().contains("platform"), d.errorMessage());
    }

    @Test
    void shouldDeadLetterUpstreamRejectedWithUnknownStatusNegativeIdOrMissingPlatform() {
        String base = "{\"event_id\":\"e\",\"account_id\":7,\"platform\":\"openai\",\"status_code\":401,"
                + "\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"gw\"}";
        upstreamRejected.pipeInput(utf8("7"), utf8(base.replace("401", "200")));
        upstreamRejected.pipeInput(utf8("-3"), utf8(base.replace("\"account_id\":7", "\"account_id\":-3")));
        upstreamRejected.pipeInput(utf8("7"), utf8(base.replace("\"platform\":\"openai\",", "")));
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(3, letters.size());
        assertTrue(letters.stream().allMatch(d -> d.errorClass() == DeadLetterReason.SCHEMA_VIOLATION));
        assertTrue(letters.get(0).errorMessage().contains("$.status_code"), letters.get(0).errorMessage());
        assertTrue(letters.get(1).errorMessage().contains("$.account_id"), letters.get(1).errorMessage());
        assertTrue(letters.get(2).errorMessage().contains("platform"), letters.get(2).errorMessage());
    }

    @Test
    void shouldDeadLetterWhenTheKeyIsNotThePayloadsAccountId() {
        refreshNeeded.pipeInput(utf8("8"), utf8(VALID));
        refreshNeeded.pipeInput(new TestRecord<>(null, utf8(VALID)));
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertEquals(2, letters.size());
        assertTrue(letters.stream().allMatch(d -> d.errorClass() == DeadLetterReason.KEY_MISMATCH));
        assertNull(letters.get(1).originalKey(), "a null key stays null");
    }

    @Test
    void shouldDeadLetterAnOversizedPayloadBeforeParsingIt() {
        refreshNeeded.pipeInput(utf8("7"), utf8(VALID.replace("\"gw\"", "\"" + "g".repeat(2000) + "\"")));
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.OVERSIZED, d.errorClass());
        assertTrue(d.errorMessage().contains("1024"), d.errorMessage());
    }

    @Test
    void shouldDeadLetterAnotherEventVersionNamedByTheCloudEventsHeader() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.TYPE, utf8("dev.tokenwarden.refresh-needed.v2"));
        refreshNeeded.pipeInput(new TestRecord<>(utf8("7"), utf8(VALID), headers));
        assertEquals(DeadLetterReason.UNSUPPORTED_VERSION, onlyDeadLetter().errorClass());
    }

    @Test
    void shouldStampDeadLettersWithTheirOwnCloudEventsHeaders() {
        refreshNeeded.pipeInput(utf8("7"), utf8("[]"));
        TestRecord<byte[], DeadLetter> out = deadLetters.readRecord();
        assertEquals(EventType.DEAD_LETTER.cloudEventType(), CloudEventHeaders.read(out.headers()).orElseThrow().type());
        assertEquals("dead-letter:" + config.topics().refreshNeeded() + ":0:0",
                CloudEventHeaders.read(out.headers()).orElseThrow().id(), "deterministic: a replay repeats the id");
    }

    @Test
    void shouldKeepProcessingValidRecordsAfterBadOnes() {
        refreshNeeded.pipeInput(utf8("7"), utf8("nope"));
        refreshNeeded.pipeInput(utf8("7"), utf8(VALID));
        refreshNeeded.pipeInput(utf8("7"), utf8("nope"));
        assertEquals(2, deadLetters.readValuesToList().size());
        assertEquals(1, this.accepted.readValuesToList().size());
        double accepted = driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("accepted-total") && e.getKey().group().contains(IntakeMetrics.SCOPE))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
        assertEquals(1.0, accepted);
    }
}
