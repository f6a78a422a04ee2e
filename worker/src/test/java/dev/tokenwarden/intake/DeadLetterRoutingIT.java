package dev.tokenwarden.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.events.DeadLetter;
import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.metrics.KafkaStreamsFigures;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;

/** Every class of bad input reaches the dead-letter topic, on a real broker, and valid records keep flowing. */
class DeadLetterRoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static Worker worker;
    private static String bootstrap;

    @BeforeAll
    static void startWorker() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("dlq");
        topics = TestWorkers.topics(settings);
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        worker = Worker.start(TestWorkers.workerConfig(settings));
        assertTrue(worker.awaitRunning(WAIT), "worker running");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void shouldDeadLetterEachClassOfBadInputWithItsReasonAndKeepAcceptingValidRecords() throws Exception {
        String valid = "{\"event_id\":\"e1\",\"account_id\":7,\"platform\":\"anthropic\",\"refresh_window_seconds\":180,"
                + "\"reason\":\"expiring\",\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"gw\"}";
        String oversized = valid.replace("\"source\":\"gw\"", "\"source\":\"" + "x".repeat(20_000) + "\"");
        try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, topics, "gw")) {
            raw(gateway, topics.refreshNeeded(), "7", "{not json");
            raw(gateway, topics.refreshNeeded(), "7", valid.replace("\"platform\":\"anthropic\",", ""));
            raw(gateway, topics.refreshNeeded(), "8", valid);
            raw(gateway, topics.refreshNeeded(), "7", oversized);
            raw(gateway, topics.upstreamRejected(), "7", "{\"event_id\":\"e2\",\"account_id\":-1,"
                    + "\"platform\":\"openai\",\"status_code\":99,\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"gw\"}");
            raw(gateway, topics.refreshNeeded(), "7", valid);
            gateway.publish(new RefreshNeeded("e3", 7, Platform.GROK, 180, null, RefreshReason.MANUAL, false,
                    Instant.now(), "gw")).get();
        }

        List<DeadLetter> letters = TopicReader.await(bootstrap, topics.deadLetter(), 5, WAIT).stream()
                .map(r -> DeadLetterRecord.read(r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
                        r.value(), r.headers()))
                .collect(Collectors.toList());
        Map<DeadLetterReason, List<DeadLetter>> byReason = letters.stream()
                .collect(Collectors.groupingBy(DeadLetter::errorClass));
        assertEquals(5, letters.size(), "dead letters: " + letters);
        assertEquals(1, byReason.get(DeadLetterReason.MALFORMED_JSON).size());
        assertEquals(2, byReason.get(DeadLetterReason.SCHEMA_VIOLATION).size());
        assertEquals(1, byReason.get(DeadLetterReason.KEY_MISMATCH).size());
        assertEquals(1, byReason.get(DeadLetterReason.OVERSIZED).size());

        DeadLetter malformed = byReason.get(DeadLetterReason.MALFORMED_JSON).get(0);
        assertEquals("{not json", new String(malformed.originalValue(), StandardCharsets.UTF_8), "original bytes kept");
        assertEquals(topics.refreshNeeded(), malformed.sourceTopic());
        assertTrue(byReason.get(DeadLetterReason.SCHEMA_VIOLATION).stream()
                .anyMatch(d -> d.errorMessage().contains("platform")), "names the missing field");
        assertTrue(byReason.get(DeadLetterReason.SCHEMA_VIOLATION).stream()
                .anyMatch(d -> d.errorMessage().contains("$.status_code") && d.errorMessage().contains("$.account_id")),
                "names every broken field of the upstream-rejected payload");
        assertTrue(byReason.get(DeadLetterReason.KEY_MISMATCH).get(0).errorMessage().contains("'7'"));

        // The two valid records after the bad ones were accepted: the stream did not stop.
        assertTrue(awaitAccepted(2), "valid records after bad ones were accepted");
    }

    private static void raw(GatewayPublisher gateway, String topic, String key, String value) throws Exception {
        gateway.publishRaw(topic, key, value.getBytes(StandardCharsets.UTF_8)).get();
    }

    private static boolean awaitAccepted(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            double accepted = KafkaStreamsFigures.total(worker.status().kafkaMetrics(), IntakeMetrics.SCOPE, "accepted");
            if (accepted >= expected) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
