package dev.tokenwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.cooldown.CooldownReason;
import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.lock.LockResult;
import dev.tokenwarden.lock.RedissonAccountLocks;
import dev.tokenwarden.runtime.Worker;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.envelope.CredentialKey;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/** {@code explain} and {@code status} against the real database, Redis and broker, as an operator runs them. */
class ExplainAndStatusCommandsIT {

    @Test
    void shouldExplainAnAccountsCooldownTokenDecisionLockFenceAndOutboxWithoutASecret() throws Exception {
        // Given: an account in an auth_refresh_pending cooldown, its lock held, its fence taken
        Map<String, String> settings = TestWorkers.isolatedSettings("explain");
        TestAccounts accounts = new TestAccounts(settings);
        long id = accounts.oauthAccount(SharedStack.get().oauth(), Platform.ANTHROPIC, 3600);
        String refreshToken = (String) accounts.get(id).credentials().asMap().get("refresh_token");
        long version = Instant.now().minusSeconds(180).toEpochMilli(); // as a worker's refresh three minutes ago wrote it
        accounts.execute("UPDATE accounts SET credentials = jsonb_set(credentials, ARRAY['_token_version'],"
                + " to_jsonb(CAST(? AS bigint))) WHERE id = " + id, Long.toString(version));
        Instant until = Instant.now().plusSeconds(300);
        String reason = CooldownReason.of(CooldownReason.AUTH_REFRESH_PENDING, until, Instant.now(), 401,
                "token expired").toJson();
        AccountStore store = new AccountStore(AccountStore.jdbi(WorkerConfig.databaseFrom(ConfigSource.of(settings))));
        store.extendCooldown(id, until, reason, new AccountStore.OutboxRow("explain-test-" + id,
                EventJson.mapper().writeValueAsString(SchedulerOutboxEvent.accountChanged(id, OutboxChange.COOLDOWN_SET,
                        until.toEpochMilli(), until, reason, "active", Instant.now()))));
        store.claimFence(id, "worker-under-test:" + id, Duration.ofSeconds(30));
        try (RedissonAccountLocks locks = new RedissonAccountLocks(java.net.URI.create(settings.get("redis.url")),
                Duration.ofSeconds(10), Worker.LOCK_KEY_PREFIX, Duration.ofSeconds(10))) {
            LockResult held = locks.acquire(id, Duration.ofSeconds(5)).get();
            assertTrue(held instanceof LockResult.Held, held.toString());

            // When
            CommandOutput text = CommandOutput.run(settings, "explain", Long.toString(id));
            CommandOutput json = CommandOutput.run(settings, "explain", Long.toString(id), "--json");
            ((LockResult.Held) held).handle().release().get();

            // Then
            assertEquals(0, text.exitCode(), text.both());
            System.out.println("explain sample:\n" + text.out());
            assertTrue(text.out().startsWith("account " + id + ": anthropic oauth, status active, schedulable"), text.out());
            assertTrue(text.out().contains("kind auth_refresh_pending, status 401, message token expired"), text.out());
            assertTrue(text.out().contains("version " + version + " (set " + Instant.ofEpochMilli(version)), text.out());
            assertTrue(text.out().contains("refreshable [not_needed]"), text.out());
            assertTrue(text.out().contains("HELD, expires in"), text.out());
            assertTrue(text.out().contains("(" + Worker.LOCK_KEY_PREFIX + id + ")"), text.out());
            assertTrue(text.out().contains("free  (oauth:refresh_lock:claude:account:" + id + ")"), text.out());
            assertTrue(text.out().contains("held by worker-under-test:" + id), text.out());
            assertTrue(text.out().contains("cooldown_set"), text.out());

            assertEquals(0, json.exitCode(), json.both());
            JsonNode report = EventJson.mapper().readTree(json.out());
            assertEquals(id, report.get("account_id").asLong());
            assertEquals("auth_refresh_pending", report.at("/cooldown/kind").asText());
            assertTrue(report.at("/cooldown/active").asBoolean());
            assertEquals(version, report.at("/token/version").asLong());
            assertTrue(report.at("/token/version_age_seconds").asLong() >= 180, json.out());
            assertTrue(report.at("/token/expires_in_seconds").asLong() > 3000);
            assertEquals("not_needed", report.at("/refresh/verdict").asText());
            assertTrue(report.at("/locks/tokenwarden/held").asBoolean());
            assertFalse(report.at("/locks/sub2api/held").asBoolean());
            assertTrue(report.at("/fence/held").asBoolean());
            assertEquals(1, report.get("outbox").size());
            assertEquals("cooldown_set", report.at("/outbox/0/change").asText());

            for (CommandOutput o : List.of(text, json)) {
                assertFalse(o.both().contains(refreshToken), "the refresh token was printed");
                assertFalse(o.both().contains("at-test-" + id), "the access token was printed");
                assertFalse(o.both().contains("kept-" + id), "a credential field was printed");
            }
        }
    }

    @Test
    void shouldExplainAnEncryptedAccountWithItsKeyAndWithoutItNeverPrintingTheEnvelope() throws Exception {
        // Given: a gemini account in sub2api's credential envelope, with a project id (sub2api's lock key uses it)
        Map<String, String> keyed = new java.util.HashMap<>(TestWorkers.isolatedSettings("explain-sealed"));
        TestAccounts accounts = new TestAccounts(keyed);
        String keyHex = "1a".repeat(32);
        EnvelopeCipher cipher = new EnvelopeCipher(CredentialKey.fromHex(keyHex, "primary"));
        long id = accounts.insert(Platform.GEMINI, "oauth", Map.of());
        long version = Instant.now().minusSeconds(60).toEpochMilli();
        Map<String, Object> document = new java.util.LinkedHashMap<>(Map.of("access_token", "ya29.SEALED-ACCESS",
                "refresh_token", "1//SEALED-REFRESH", "project_id", "proj-7", "_token_version", version,
                "expires_at", Long.toString(Instant.now().plusSeconds(600).getEpochSecond())));
        Map<String, Object> sealed = cipher.seal(id, "gemini", document);
        accounts.execute("UPDATE accounts SET credentials = CAST(? AS jsonb) WHERE id = " + id,
                EventJson.mapper().writeValueAsString(sealed));
        String envelope = String.valueOf(sealed.get(EnvelopeCipher.ENVELOPE));
        Map<String, String> keyless = new java.util.HashMap<>(keyed);
        keyed.put("sub2api.credential-key", keyHex);

        // When
        CommandOutput opened = CommandOutput.run(keyed, "explain", Long.toString(id), "--json");
        CommandOutput closed = CommandOutput.run(keyless, "explain", Long.toString(id));

        // Then
        assertEquals(0, opened.exitCode(), opened.both());
        JsonNode report = EventJson.mapper().readTree(opened.out());
        assertTrue(report.at("/token/encrypted").asBoolean());
        assertEquals(version, report.at("/token/version").asLong());
        assertEquals("refresh", report.at("/refresh/verdict").asText(), "expires within the sweep's window");
        assertEquals("oauth:refresh_lock:gemini:proj-7", report.at("/locks/sub2api/key").asText());
        assertEquals(0, closed.exitCode(), closed.both());
        assertTrue(closed.out().contains("encrypted (sub2api envelope), not readable here"), closed.out());
        assertTrue(closed.out().contains("not refreshable [unreadable]"), closed.out());
        assertTrue(closed.out().contains("sub2api lock: unknown  (oauth:refresh_lock:<project_id inside the envelope>)"),
                closed.out());
        for (CommandOutput o : List.of(opened, closed)) {
            for (String secret : List.of("SEALED-ACCESS", "SEALED-REFRESH", envelope, keyHex)) {
                assertFalse(o.both().contains(secret), "printed a secret or the envelope: " + o.both());
            }
        }
    }

    @Test
    void shouldSayWhyAnAccountIsNotRefreshableAndFailForAMissingOne() {
        // Given: an apikey account, which never refreshes
        Map<String, String> settings = TestWorkers.isolatedSettings("explain-apikey");
        TestAccounts accounts = new TestAccounts(settings);
        long id = accounts.insert(Platform.OPENAI, "apikey", Map.of("api_key", "sk-proj-NEVER-PRINTED"));

        // When
        CommandOutput apikey = CommandOutput.run(settings, "explain", Long.toString(id));
        CommandOutput missing = CommandOutput.run(settings, "explain", Long.toString(id + 1_000));

        // Then
        assertEquals(0, apikey.exitCode(), apikey.both());
        assertTrue(apikey.out().contains("not refreshable [skip]: account type apikey without a refresh token is not"
                + " refreshable"), apikey.out());
        assertFalse(apikey.both().contains("NEVER-PRINTED"));
        assertEquals(CliCommand.FAILED, missing.exitCode());
    }

    @Test
    void shouldShowTheFleetAccountsCooldownsExpiringTokensLagAndDeadLetters() throws Exception {
        // Given: two anthropic accounts (one expiring in 10 minutes, in a cooldown), one openai account in error,
        // three records on the refresh-needed topic of which the worker's group committed one, one dead letter
        Map<String, String> settings = TestWorkers.isolatedSettings("status");
        TopicNames topics = TestWorkers.topics(settings);
        String bootstrap = settings.get("kafka.bootstrap.servers");
        TestAccounts accounts = new TestAccounts(settings);
        long expiring = accounts.oauthAccount(SharedStack.get().oauth(), Platform.ANTHROPIC, 600);
        accounts.oauthAccount(SharedStack.get().oauth(), Platform.ANTHROPIC, 7200);
        long dead = accounts.oauthAccount(SharedStack.get().oauth(), Platform.OPENAI, 7200);
        accounts.execute("UPDATE accounts SET status = 'error' WHERE id = " + dead);
        accounts.execute("UPDATE accounts SET temp_unschedulable_until = now() + interval '10 minutes',"
                + " temp_unschedulable_reason = ? WHERE id = " + expiring, CooldownReason.of(
                        CooldownReason.UPSTREAM_REJECTED, Instant.now().plusSeconds(600), Instant.now(), 529, null).toJson());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topics.refreshNeeded(), 0, null, "1".getBytes(), "{}".getBytes()));
            }
            DeadLetterRecord.Built letter = DeadLetterRecord.build(new DeadLetterRecord.Source(topics.refreshNeeded(),
                    0, 0), "1".getBytes(), "{".getBytes(), new RecordHeaders(), DeadLetterRecord.REJECTED,
                    DeadLetterReason.MALFORMED_JSON, "not JSON", Instant.now(), 1_000_000);
            producer.send(new ProducerRecord<>(topics.deadLetter(), 0, null, letter.key(), letter.value(),
                    letter.headers())).get();
        }
        try (KafkaConsumer<byte[], byte[]> group = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, settings.get("kafka.application.id")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            group.commitSync(Map.of(new TopicPartition(topics.refreshNeeded(), 0), new OffsetAndMetadata(1)));
        }

        // When
        CommandOutput text = CommandOutput.run(settings, "status");
        CommandOutput json = CommandOutput.run(settings, "status", "--json");

        // Then
        assertEquals(0, text.exitCode(), text.both());
        System.out.println("status sample:\n" + text.out());
        assertTrue(text.out().contains("1 expire within 1h 0m"), text.out());
        assertTrue(text.out().contains("dead letters in the last 1h 0m: 1 {malformed_json=1}"), text.out());
        assertEquals(0, json.exitCode(), json.both());
        JsonNode report = EventJson.mapper().readTree(json.out());
        assertEquals(List.of("anthropic active 2", "openai error 1"), rows(report.get("accounts"), "platform", "status",
                "accounts"));
        assertEquals(List.of("upstream_rejected 1"), rows(report.get("active_cooldowns"), "kind", "accounts"));
        assertEquals(1, report.get("expiring").asLong());
        JsonNode refreshLag = report.get("lag").get(0);
        assertEquals(topics.refreshNeeded(), refreshLag.get("topic").asText());
        assertEquals(2, refreshLag.get("lag").asLong(), "3 records, 1 committed");
        assertEquals(TestWorkers.PARTITIONS - 1, refreshLag.get("uncommitted_partitions").asInt());
        assertEquals(1, report.get("dead_letters_last_hour").asLong());
    }

    private static List<String> rows(JsonNode array, String... fields) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(String.join(" ", java.util.Arrays.stream(fields).map(f -> n.get(f).asText()).toList())));
        return out;
    }
}
