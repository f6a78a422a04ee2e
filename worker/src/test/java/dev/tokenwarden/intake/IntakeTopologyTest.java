package dev.tokenwarden.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.apache.kafka.streams.StreamsBuilder;
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
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.events.EventSerdes;
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
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private WorkerConfig config;

    @BeforeEach
    void buildTopology() {
        driver = driver(1);
    }

    /** The test driver reads every input record from partition 0 of a topic of {@code partitions}. */
    private TopologyTestDriver driver(int partitions) {
        if (driver != null) {
            driver.close();
        }
        config = WorkerConfig.from(ConfigSource.of(Map.of(
                "kafka.bootstrap.servers", "unused:9092",
                "db.url", "jdbc:postgresql://unused/db",
                "intake.max-event-bytes", "1024",
                "dead-letter.max-bytes", "65536",
                "provider.enabled", "anthropic")));
        StreamsBuilder builder = new StreamsBuilder();
        IntakeTopology.addTo(builder, new IntakeTopology.Settings(config.topics(), config.maxEventBytes(),
                config.deadLetterMaxBytes(), partitions, partitions), "accepted-refresh-sink", "accepted-rejected-sink");
        Topology topology = builder.build();
        IntakeTopology.addSinks(topology, config.topics());
        topology.addSink("accepted-refresh-sink", ACCEPTED_REFRESH, new StringSerializer(),
                EventSerdes.refreshNeeded().serializer(), IntakeTopology.refreshNeededParents());
        topology.addSink("accepted-rejected-sink", ACCEPTED_REJECTED, new StringSerializer(),
                EventSerdes.upstreamRejected().serializer(), IntakeTopology.upstreamRejectedParents());
        driver = new TopologyTestDriver(topology);
        accepted = driver.createOutputTopic(ACCEPTED_REFRESH, new StringDeserializer(),
                EventSerdes.refreshNeeded().deserializer());
        refreshNeeded = driver.createInputTopic(config.topics().refreshNeeded(), new ByteArraySerializer(), new ByteArraySerializer());
        upstreamRejected = driver.createInputTopic(config.topics().upstreamRejected(), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(config.topics().deadLetter(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        return driver;
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private DeadLetter onlyDeadLetter() {
        List<DeadLetter> letters = deadLetterViews();
        assertEquals(1, letters.size(), letters.toString());
        return letters.get(0);
    }

    private List<DeadLetter> deadLetterViews() {
        return deadLetters.readRecordsToList().stream()
                .map(r -> DeadLetterRecord.read(r.key(), r.value(), r.headers())).toList();
    }

    /** An account id that Java's default partitioner puts on {@code partition} of {@code partitions}. */
    private static String keyOnPartition(int partition, int partitions) {
        return java.util.stream.IntStream.range(1, 1000).mapToObj(Integer::toString)
                .filter(k -> org.apache.kafka.common.utils.Utils.toPositive(
                        org.apache.kafka.common.utils.Utils.murmur2(utf8(k))) % partitions == partition)
                .findFirst().orElseThrow();
    }

    private double metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().contains(IntakeMetrics.SCOPE))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
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
        List<DeadLetter> letters = deadLetterViews();
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
        List<DeadLetter> letters = deadLetterViews();
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
    void shouldDeadLetterTheOriginalBytesAndHeadersUntouchedWithTheReasonInStreamsErrorHeaders() {
        // Given a record with a producer's own header
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", utf8("t-1"));

        // When it is rejected
        refreshNeeded.pipeInput(new TestRecord<>(utf8("7"), utf8("[]"), headers));

        // Then the dead letter is that record, replayable as is, with the reason beside it (KIP-1034)
        TestRecord<byte[], byte[]> out = deadLetters.readRecord();
        assertArrayEquals(utf8("7"), out.key());
        assertArrayEquals(utf8("[]"), out.value());
        assertEquals("t-1", DeadLetterRecord.text(out.headers(), "trace-id"));
        assertEquals(config.topics().refreshNeeded(), DeadLetterRecord.text(out.headers(), DeadLetterRecord.TOPIC));
        assertEquals("0", DeadLetterRecord.text(out.headers(), DeadLetterRecord.PARTITION));
        assertEquals("0", DeadLetterRecord.text(out.headers(), DeadLetterRecord.OFFSET));
        assertEquals("malformed_json", DeadLetterRecord.text(out.headers(), DeadLetterRecord.ERROR_CLASS));
        assertEquals(DeadLetterRecord.REJECTED, DeadLetterRecord.text(out.headers(), DeadLetterRecord.EXCEPTION));
        assertNull(out.headers().lastHeader(DeadLetterRecord.STACKTRACE), "a stack trace carries foreign text");
    }

    @Test
    void shouldLeaveOutTheValueOfADeadLetterThatWouldOutgrowItsBound() {
        // Given a legal record far above the intake limit and above dead-letter.max-bytes (64 KiB here)
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'x');

        // When
        refreshNeeded.pipeInput(utf8("7"), big);

        // Then the dead letter fits, keeps the key and says what it left out
        TestRecord<byte[], byte[]> out = deadLetters.readRecord();
        assertNull(out.value());
        assertArrayEquals(utf8("7"), out.key());
        assertEquals("200000", DeadLetterRecord.text(out.headers(), DeadLetterRecord.VALUE_OMITTED));
        assertEquals("oversized", DeadLetterRecord.text(out.headers(), DeadLetterRecord.ERROR_CLASS));
    }

    @Test
    void shouldSendEventsOffJavasPartitionThroughTheRepartitionTopicAndStillDeliverThem() {
        // Given two partitions: the driver reads from partition 0, so a key Java puts on 1 arrived "misplaced"
        driver(2);
        String misplaced = keyOnPartition(1, 2);
        String inPlace = keyOnPartition(0, 2);

        // When
        refreshNeeded.pipeInput(utf8(misplaced), utf8(VALID.replace("\"account_id\":7", "\"account_id\":" + misplaced)));
        refreshNeeded.pipeInput(utf8(inPlace), utf8(VALID.replace("\"account_id\":7", "\"account_id\":" + inPlace)));

        // Then both arrive, the misplaced one by way of the repartition topic
        List<String> keys = accepted.readRecordsToList().stream().map(TestRecord::key).toList();
        assertEquals(java.util.Set.of(misplaced, inPlace), java.util.Set.copyOf(keys));
        assertEquals(1.0, metric(IntakeMetrics.REPARTITIONED + "-total"));
    }

    @Test
    void shouldKeepProcessingValidRecordsAfterBadOnes() {
        refreshNeeded.pipeInput(utf8("7"), utf8("nope"));
        refreshNeeded.pipeInput(utf8("7"), utf8(VALID));
        refreshNeeded.pipeInput(utf8("7"), utf8("nope"));
        assertEquals(2, deadLetterViews().size());
        assertEquals(1, this.accepted.readValuesToList().size());
        assertEquals(1.0, metric("accepted-total"));
    }
}
