package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.store.Migrations;

/** A cooldown action cut off by a stopping worker is finished by the next owner of the partition. */
class CooldownResumeIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void shouldWriteTheCooldownAfterTheWorkerThatConsumedTheEventStoppedDuringADatabaseOutage() throws Exception {
        try (LocalPostgres pg = LocalPostgres.embedded()) {
            Map<String, String> settings = TestWorkers.isolatedSettings("cooldown_resume");
            settings.put("db.url", pg.jdbcUrl(pg.createDatabase("cooldown_resume")));
            settings.put("db.user", pg.user());
            settings.put("db.password", pg.password());
            settings.put("refresh.retry.max-backoff", "500ms");
            Migrations.apply(WorkerConfig.databaseFrom(ConfigSource.of(settings)));
            TestAccounts accounts = new TestAccounts(settings);
            long id = accounts.oauthAccount(SharedStack.get().oauth(), Platform.OPENAI, 3600);
            TopicNames topics = TestWorkers.topics(settings);
            String bootstrap = SharedStack.get().kafka().bootstrapServers();

            try (WorkerGroup first = new WorkerGroup(settings, 1)) {
                pg.stop();
                try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, topics, "gw")) {
                    gateway.publish(new UpstreamRejected(UUID.randomUUID().toString(), id, Platform.OPENAI, 529,
                            "overloaded_error", "Overloaded", null, Instant.now(), "gw")).get();
                }
                Await.until("the action is retrying against the stopped database", WAIT,
                        () -> first.cooldownCounter("db_retries") >= 1);
            } // the event's offset is committed; only the in-flight mark remembers the action

            pg.start();
            try (WorkerGroup second = new WorkerGroup(settings, 1)) {
                // A 529 is an overload: sub2api keeps it in overload_until.
                Await.until("cooldown written by the next owner", WAIT, () -> overloaded(accounts, id));
                Await.until("its event emitted", WAIT, () -> TopicReader.readAll(bootstrap, topics.schedulerOutbox())
                        .stream().map(r -> EventSerdes.schedulerOutbox().deserializer().deserialize(r.topic(), r.value()))
                        .anyMatch(e -> e.accountId() == id && e.change() == OutboxChange.COOLDOWN_SET));
            }
            assertTrue(overloaded(accounts, id));
            assertEquals(1, accounts.outboxRows(id));
        }
    }

    private static boolean overloaded(TestAccounts accounts, long id) {
        return accounts.queryLong("SELECT count(*) FROM accounts WHERE overload_until IS NOT NULL AND id = " + id) == 1;
    }
}
