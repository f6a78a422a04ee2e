package dev.tokenwarden.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.TopicReader;

/** {@code dead-letters} on the real broker: listed without their values, replayed byte for byte. */
class DeadLettersCommandIT {
    private static final String TOKEN_TEXT = "sk-ant-ort01-DEADLETTERVALUENEVERPRINTED";

    /** The original records, as a gateway sent them, before they failed. */
    private record Original(int partition, long offset, String key, byte[] value, Headers headers,
            DeadLetterReason reason) {
    }

    private static List<Original> deadLetter(Map<String, String> settings, TopicNames topics) throws Exception {
        List<Original> originals = List.of(
                new Original(0, 7, "42", ("{\"refresh_token\":\"" + TOKEN_TEXT + "\"").getBytes(StandardCharsets.UTF_8),
                        headers("ce_id", "e-1", "x-trace", "t-1"), DeadLetterReason.MALFORMED_JSON),
                new Original(1, 3, "gateway-key-not-an-id", "{\"account_id\":7}".getBytes(StandardCharsets.UTF_8),
                        headers("ce_id", "e-2"), DeadLetterReason.KEY_MISMATCH),
                new Original(2, 9, "43", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), headers(),
                        DeadLetterReason.SCHEMA_VIOLATION));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("kafka.bootstrap.servers")),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Original o : originals) {
                DeadLetterRecord.Built letter = DeadLetterRecord.build(new DeadLetterRecord.Source(
                        topics.refreshNeeded(), o.partition(), o.offset()), o.key().getBytes(StandardCharsets.UTF_8),
                        o.value(), o.headers(), DeadLetterRecord.REJECTED, o.reason(), "rejected by intake",
                        Instant.now(), 1_000_000);
                producer.send(new ProducerRecord<>(topics.deadLetter(), 0, null, letter.key(), letter.value(),
                        letter.headers())).get();
            }
        }
        return originals;
    }

    @Test
    void shouldListDeadLettersWithTheirReasonsButNeverTheirValues() throws Exception {
        // Given
        Map<String, String> settings = TestWorkers.isolatedSettings("dead-letters-list");
        deadLetter(settings, TestWorkers.topics(settings));

        // When
        CommandOutput text = CommandOutput.run(settings, "dead-letters", "--since", "10m");
        CommandOutput json = CommandOutput.run(settings, "dead-letters", "--json", "--reason", "key_mismatch");

        // Then
        assertEquals(0, text.exitCode(), text.both());
        System.out.println("dead-letters sample:\n" + text.out());
        assertTrue(text.out().startsWith("dead letters since "), text.out());
        assertTrue(text.out().contains("0:0 "), text.out());
        assertTrue(text.out().contains("malformed_json"), text.out());
        assertTrue(text.out().contains("key 42 "), "a plain account id is shown");
        assertTrue(text.out().contains("key 21 bytes"), "another key only by its length: " + text.out());
        assertFalse(text.both().contains(TOKEN_TEXT), "a dead letter's value was printed");
        assertFalse(text.both().contains("gateway-key-not-an-id"));
        assertEquals(0, json.exitCode(), json.both());
        JsonNode letters = EventJson.mapper().readTree(json.out()).get("dead_letters");
        assertEquals(1, letters.size(), json.out());
        assertEquals("key_mismatch", letters.get(0).get("reason").asText());
        assertEquals(1, letters.get(0).get("source_partition").asInt());
        assertEquals(3, letters.get(0).get("source_offset").asLong());
        assertTrue(letters.get(0).get("replayable").asBoolean());
    }

    @Test
    void shouldReplayExactlyTheChosenDeadLettersWithTheirOriginalBytes() throws Exception {
        // Given: three dead letters; the source topic is empty
        Map<String, String> settings = TestWorkers.isolatedSettings("dead-letters-replay");
        TopicNames topics = TestWorkers.topics(settings);
        List<Original> originals = deadLetter(settings, topics);

        // When
        CommandOutput replay = CommandOutput.run(settings, "dead-letters", "--replay", "--offsets", "0,2");

        // Then: the first and the third, nothing else, as they first arrived
        assertEquals(0, replay.exitCode(), replay.both());
        assertTrue(replay.out().contains("replayed 0:0 -> " + topics.refreshNeeded() + "-0@0"), replay.out());
        assertTrue(replay.out().contains("replayed 0:2 -> " + topics.refreshNeeded() + "-2@0"), replay.out());
        assertFalse(replay.both().contains(TOKEN_TEXT));
        List<ConsumerRecord<String, byte[]>> replayed = new ArrayList<>(
                TopicReader.readAll(settings.get("kafka.bootstrap.servers"), topics.refreshNeeded()));
        replayed.sort(java.util.Comparator.comparingInt(ConsumerRecord::partition));
        assertEquals(2, replayed.size());
        for (int i = 0; i < 2; i++) {
            Original o = originals.get(i * 2);
            ConsumerRecord<String, byte[]> r = replayed.get(i);
            assertEquals(o.partition(), r.partition());
            assertEquals(o.key(), r.key());
            assertArrayEquals(o.value(), r.value());
            assertEquals(list(o.headers()), list(r.headers()), "the original headers, no error headers");
        }
    }

    @Test
    void shouldRefuseAReplayWithoutAChoice() {
        Map<String, String> settings = TestWorkers.isolatedSettings("dead-letters-usage");

        CommandOutput replay = CommandOutput.run(settings, "dead-letters", "--replay");

        assertEquals(CliCommand.USAGE, replay.exitCode());
        assertTrue(replay.err().contains("--replay needs either --offsets"), replay.err());
    }

    private static Headers headers(String... kv) {
        Headers h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    private static List<String> list(Headers headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
