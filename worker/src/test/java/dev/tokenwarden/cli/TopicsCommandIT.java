package dev.tokenwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.SharedStack;

/** {@code topics --create / --check} on the real broker. */
class TopicsCommandIT {

    private static Map<String, String> settings(TopicNames topics) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", SharedStack.get().kafka().bootstrapServers());
        s.put("kafka.application.id", "tw-topics-" + UUID.randomUUID());
        s.put("topic.refresh-needed", topics.refreshNeeded());
        s.put("topic.upstream-rejected", topics.upstreamRejected());
        s.put("topic.credential-updated", topics.credentialUpdated());
        s.put("topic.scheduler-outbox", topics.schedulerOutbox());
        s.put("topic.dead-letter", topics.deadLetter());
        s.put("topics.partitions", "4");
        s.put("topics.replication-factor", "1");
        return s;
    }

    @Test
    void shouldCreateTheFiveTopicsThenFindThemAsConfigured() throws Exception {
        // Given
        TopicNames topics = TopicNames.defaults().withSuffix("-topics-" + UUID.randomUUID());
        Map<String, String> settings = settings(topics);

        // When
        CommandOutput create = CommandOutput.run(settings, "topics", "--create");
        CommandOutput check = CommandOutput.run(settings, "topics", "--check", "--json");

        // Then
        assertEquals(0, create.exitCode(), create.both());
        System.out.println("topics --create sample:\n" + create.out());
        for (String t : topics.all()) {
            assertTrue(create.out().contains("created " + t), create.out());
        }
        String app = settings.get("kafka.application.id");
        for (String repartition : List.of(app + "-refresh-needed-by-account-repartition",
                app + "-upstream-rejected-by-account-repartition")) {
            assertTrue(create.out().contains("created " + repartition), "no first-start warnings: " + create.out());
        }
        assertEquals(0, check.exitCode(), check.both());
        JsonNode result = EventJson.mapper().readTree(check.out());
        assertTrue(result.get("ok").asBoolean());
        assertEquals(4, result.at("/topics/0/partitions").asInt());
        assertEquals(1, result.at("/topics/4/partitions").asInt(), "one dead-letter partition");
        assertEquals(4, result.at("/topics/5/partitions").asInt(), "a repartition topic as its input");
        try (Admin admin = SharedStack.get().kafka().admin()) {
            ConfigResource dl = new ConfigResource(ConfigResource.Type.TOPIC, topics.deadLetter());
            Config c = admin.describeConfigs(List.of(dl)).all().get(30, TimeUnit.SECONDS).get(dl);
            assertEquals(Long.toString(14L * 24 * 3600 * 1000), c.get("retention.ms").value());
            assertTrue(Long.parseLong(c.get("max.message.bytes").value()) > 1_000_000);
        }
    }

    @Test
    void shouldFailTheCheckNamingAnInputWithTheWrongPartitionCount() {
        // Given: every topic there, but refresh-needed with 2 partitions where topics.partitions says 4
        TopicNames topics = TopicNames.defaults().withSuffix("-topics-" + UUID.randomUUID());
        Map<String, String> settings = settings(topics);
        SharedStack.get().kafka().createTopics(2, List.of(topics.refreshNeeded()));
        SharedStack.get().kafka().createTopics(4, List.of(topics.upstreamRejected(), topics.credentialUpdated(),
                topics.schedulerOutbox(), topics.deadLetter()));

        // When
        CommandOutput check = CommandOutput.run(settings, "topics", "--check");

        // Then
        assertEquals(CliCommand.FAILED, check.exitCode(), check.both());
        assertTrue(check.out().lines().anyMatch(l -> l.startsWith("FAIL") && l.contains(topics.refreshNeeded())
                && l.contains("has 2 partitions, topics.partitions says 4")), check.out());
        assertTrue(check.out().lines().filter(l -> l.startsWith("FAIL")).count() == 1, check.out());
    }

    @Test
    void shouldFailTheCheckWhenTopicsAreMissing() {
        TopicNames topics = TopicNames.defaults().withSuffix("-topics-" + UUID.randomUUID());

        CommandOutput check = CommandOutput.run(settings(topics), "topics", "--check");

        assertEquals(CliCommand.FAILED, check.exitCode(), check.both());
        assertTrue(check.out().contains(topics.deadLetter()) && check.out().contains("missing"), check.out());
    }
}
