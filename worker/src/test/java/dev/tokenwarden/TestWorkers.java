package dev.tokenwarden;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.LocalStack;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.store.Migrations;

/**
 * Configuration for a worker under test on the shared stack: its own topics, application id, migrated
 * database and state directory, so tests never see each other's records or rows.
 */
public final class TestWorkers {
    public static final int PARTITIONS = 3;

    private TestWorkers() {
    }

    /** Settings for one isolated test; pass the same map to several workers to form one group. */
    public static Map<String, String> isolatedSettings(String testName) {
        LocalStack stack = SharedStack.get();
        String suffix = "-" + testName + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicNames topics = TopicNames.defaults().withSuffix(suffix);
        stack.kafka().createTopics(PARTITIONS, topics.all());
        Map<String, String> s = stack.workerSettings(testName);
        s.put("kafka.application.id", "tw" + suffix);
        s.put("topic.refresh-needed", topics.refreshNeeded());
        s.put("topic.upstream-rejected", topics.upstreamRejected());
        s.put("topic.credential-updated", topics.credentialUpdated());
        s.put("topic.scheduler-outbox", topics.schedulerOutbox());
        s.put("topic.dead-letter", topics.deadLetter());
        s.put("kafka.commit.interval", "50ms");
        s.put("provider.max-per-second", "0");
        Migrations.apply(WorkerConfig.databaseFrom(ConfigSource.of(s)));
        return s;
    }

    /** The config of one worker process in the group: each gets its own state directory, as on separate hosts. */
    public static WorkerConfig workerConfig(Map<String, String> settings) {
        Map<String, String> s = new HashMap<>(settings);
        // Under target/ so `mvn clean` removes it; unique so workers in one JVM do not share state.
        s.put("kafka.state.dir", Path.of("target", "kafka-state", UUID.randomUUID().toString()).toAbsolutePath().toString());
        return WorkerConfig.from(ConfigSource.of(s));
    }

    public static TopicNames topics(Map<String, String> settings) {
        return WorkerConfig.Client.from(ConfigSource.of(settings)).topics();
    }
}
