package dev.tokenwarden.demo;

import java.util.Map;
import java.util.UUID;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.LocalStack;
import dev.tokenwarden.store.DatabaseSettings;
import dev.tokenwarden.store.Migrations;

/** Worker settings for one run on a shared stack: its own topics, application id and migrated database. */
record IsolatedRun(Map<String, String> settings, TopicNames topics, DatabaseSettings database) {
    static final int PARTITIONS = 6;

    static IsolatedRun prepare(LocalStack stack, String name) {
        String suffix = "-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicNames topics = TopicNames.defaults().withSuffix(suffix);
        stack.kafka().createTopics(PARTITIONS, topics.all());
        Map<String, String> s = stack.workerSettings(name.replace('-', '_'));
        s.put("kafka.application.id", "tokenwarden" + suffix);
        s.put("kafka.commit.interval", "100ms");
        s.put("provider.max-per-second", "0");
        s.put("sweep.interval", "0s"); // runs are driven by their gateways; a sweep would only add noise
        s.put("topic.refresh-needed", topics.refreshNeeded());
        s.put("topic.upstream-rejected", topics.upstreamRejected());
        s.put("topic.credential-updated", topics.credentialUpdated());
        s.put("topic.scheduler-outbox", topics.schedulerOutbox());
        s.put("topic.dead-letter", topics.deadLetter());
        DatabaseSettings db = WorkerConfig.databaseFrom(ConfigSource.of(s));
        Migrations.apply(db);
        return new IsolatedRun(s, topics, db);
    }
}
