package dev.tokenwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.config.ConfigException;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.logs.LogFormat;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.stack.oauth.Fault;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * Strings shaped like each provider's tokens, fed through every error path the worker has — intake, provider,
 * database, configuration — never come out in a log line, a dead letter's headers, an output event or a row the
 * worker wrote. Dead letters keep the original value by design; their headers are ours and are scanned.
 */
class TokenLeakIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Random RANDOM = new Random(7);
    /** The random middle of each token; a leak of any 12 characters of it would show. */
    private static final List<String> SECRETS = new ArrayList<>();
    private static final Map<Platform, String> REFRESH_TOKENS = new HashMap<>();

    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static String bootstrap;
    private static CapturedStderr logs;

    @BeforeAll
    static void captureLogsAndStartWorkers() throws InterruptedException {
        REFRESH_TOKENS.put(Platform.ANTHROPIC, token("sk-ant-ort01-", 80));
        REFRESH_TOKENS.put(Platform.OPENAI, token("rt_", 60));
        REFRESH_TOKENS.put(Platform.GEMINI, token("1//0g", 90));
        REFRESH_TOKENS.put(Platform.ANTIGRAVITY, token("1//06", 90));
        REFRESH_TOKENS.put(Platform.GROK, token("xai-", 70));
        token("sk-ant-oat01-", 80);
        token("eyJhbGciOiJSUzI1NiJ9.", 60);
        token("ya29.a0", 90);
        logs = CapturedStderr.install(line -> false);
        // JSON lines carry all the text lines carry (same message, capped the same) plus the MDC fields and the
        // stack as one field: grepping them covers both formats.
        LogFormat.useJson(true);
        settings = TestWorkers.isolatedSettings("leak");
        settings.put("refresh.retry.max-attempts", "2");
        settings.put("refresh.retry.initial-backoff", "10ms");
        settings.put("refresh.retry.max-backoff", "20ms");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings);
        oauth = SharedStack.get().oauth();
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        group = new WorkerGroup(settings, 2);
    }

    @AfterAll
    static void stop() {
        group.close();
        LogFormat.useJson(false);
        logs.close();
    }

    @Test
    void shouldNeverLogOrEmitATokenFedThroughAnyErrorPath() throws Exception {
        // Given accounts whose refresh tokens a provider echoes back in its errors, and rows that hold tokens
        // where no version or object should be
        List<Long> echoed = new ArrayList<>();
        for (Map.Entry<Platform, String> e : REFRESH_TOKENS.entrySet()) {
            long id = accounts.insert(e.getKey(), "oauth", Map.of("refresh_token", e.getValue(),
                    "expires_at", Instant.now().plusSeconds(30).getEpochSecond(), "_token_version", 1000));
            oauth.register(e.getKey().json(), id, e.getValue());
            oauth.failNext(id, Fault.ECHO_TOKEN, 2);
            echoed.add(id);
        }
        long versionIsAToken = accounts.insert(Platform.OPENAI, "oauth", Map.of("refresh_token", SECRETS.get(1),
                "_token_version", SECRETS.get(2)));
        long credentialsAreAToken = accounts.insert(Platform.OPENAI, "oauth", Map.of());
        accounts.execute("UPDATE accounts SET credentials = to_jsonb(?::text) WHERE id = " + credentialsAreAToken,
                SECRETS.get(3));
        int badRecords;

        // When refreshes are asked for, and gateways send records with tokens in every wrong place
        try (KafkaProducer<byte[], byte[]> gateway = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long id : echoed) {
                send(gateway, topics.refreshNeeded(), Long.toString(id), refreshNeeded(id, platformOf(id)), null);
            }
            send(gateway, topics.refreshNeeded(), Long.toString(versionIsAToken), refreshNeeded(versionIsAToken, "openai"), null);
            send(gateway, topics.refreshNeeded(), Long.toString(credentialsAreAToken),
                    refreshNeeded(credentialsAreAToken, "openai"), null);
            badRecords = sendBadRecords(gateway);
        }

        // Then
        Await.until("every echoing account cooled down", WAIT, () -> echoed.stream().allMatch(id ->
                accounts.get(id).tempUnschedulableReason() != null) && group.idle());
        Await.until("every bad record dead-lettered", WAIT,
                () -> TopicReader.readAll(bootstrap, topics.deadLetter()).size() >= badRecords);
        Await.until("the unusable version counted", WAIT, () -> group.counter("unusable_version") == 1);
        String captured = logs.text();
        assertTrue(captured.contains("dead-lettered"), "the capture sees the worker's log");
        assertTrue(captured.contains("\"topic\":\"" + topics.refreshNeeded() + "\""), "and in JSON, with fields");
        assertNoSecret("logs", captured);
        for (String topic : List.of(topics.credentialUpdated(), topics.schedulerOutbox())) {
            for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(bootstrap, topic)) {
                assertNoSecret(topic, new String(r.value(), StandardCharsets.UTF_8) + headers(r));
            }
        }
        List<ConsumerRecord<String, byte[]>> letters = TopicReader.readAll(bootstrap, topics.deadLetter());
        assertEquals(badRecords, letters.size());
        for (ConsumerRecord<String, byte[]> r : letters) {
            StringBuilder ours = new StringBuilder();
            for (Header h : r.headers()) {
                if (h.key().startsWith("__streams.errors.") || h.key().startsWith("tokenwarden.errors.")) {
                    ours.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)).append('\n');
                }
            }
            assertNoSecret("dead-letter headers", ours.toString());
        }
        for (long id : echoed) {
            assertNoSecret("cooldown reason", accounts.get(id).tempUnschedulableReason());
        }
    }

    @Test
    void shouldNameTheSettingButNeverTheSecretWhenConfigurationIsBad() {
        // Given secrets shaped like tokens, and one bad setting beside them
        Map<String, String> bad = new HashMap<>(settings);
        bad.put("db.password", SECRETS.get(4));
        bad.put("provider.gemini.client-secret", SECRETS.get(5));
        bad.put("redis.url", "redis://:" + SECRETS.get(6) + "@127.0.0.1:6379");
        bad.put("db.url", "jdbc:postgresql://127.0.0.1/db?password=" + SECRETS.get(7));
        bad.put("refresh.lock-lease", "soon");

        // When
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(bad)));
        bad.remove("refresh.lock-lease");
        String printed = WorkerConfig.from(ConfigSource.of(bad)).toString();

        // Then
        assertTrue(e.getMessage().contains("refresh.lock-lease"), e.getMessage());
        assertNoSecret("configuration error", e.getMessage());
        assertNoSecret("configuration as printed", printed);
    }

    private static int sendBadRecords(KafkaProducer<byte[], byte[]> gateway) throws Exception {
        int sent = 0;
        for (String secret : SECRETS) {
            String rn = topics.refreshNeeded();
            String ur = topics.upstreamRejected();
            send(gateway, rn, "7", "{\"event_id\":\"" + secret, null);                       // half-written line
            send(gateway, rn, "7", "{\"account_id\": " + secret + "}", null);               // bare token
            send(gateway, rn, secret, refreshNeeded(7, "openai"), null);                     // token as key
            send(gateway, rn, "7", refreshNeeded(7, secret), null);                          // token as enum value
            send(gateway, rn, "7", refreshNeeded(7, "openai").replace("{", "{\"" + secret + "\":1,"), null);
            send(gateway, rn, "7", refreshNeeded(7, "openai").replace("\"source\":\"gw\"",
                    "\"source\":\"" + secret.repeat(20) + "\""), null);                       // too long
            send(gateway, rn, "7", refreshNeeded(7, "openai"), secret);                      // token as ce_type
            send(gateway, ur, "7", "{\"event_id\":\"e\",\"account_id\":7,\"platform\":\"openai\",\"status_code\":\""
                    + secret + "\",\"occurred_at\":\"2026-01-01T00:00:00Z\",\"source\":\"gw\"}", null);
            send(gateway, ur, "7", "{\"event_id\":\"e\",\"account_id\":7,\"platform\":\"openai\",\"status_code\":401,"
                    + "\"occurred_at\":\"" + secret + "\",\"source\":\"gw\"}", null);
            sent += 9;
        }
        gateway.flush();
        return sent;
    }

    private static String refreshNeeded(long id, String platform) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"account_id\":" + id + ",\"platform\":\"" + platform
                + "\",\"refresh_window_seconds\":180,\"reason\":\"expiring\",\"observed_token_version\":1000,"
                + "\"occurred_at\":\"" + Instant.now() + "\",\"source\":\"gw\"}";
    }

    private static void send(KafkaProducer<byte[], byte[]> gateway, String topic, String key, String value,
            String ceType) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        if (ceType != null) {
            headers.add(CloudEventHeaders.TYPE, ceType.getBytes(StandardCharsets.UTF_8));
        }
        gateway.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), headers)).get();
    }

    private static String platformOf(long id) {
        return accounts.get(id).platform();
    }

    private static String headers(ConsumerRecord<String, byte[]> r) {
        StringBuilder out = new StringBuilder();
        r.headers().forEach(h -> out.append(h.key()).append('=')
                .append(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** Fails when any 12 consecutive characters of any fed secret's random part appear in {@code text}. */
    private static void assertNoSecret(String where, String text) {
        if (text == null) {
            return;
        }
        for (String secret : SECRETS) {
            String body = secret.substring(secret.length() - 40);
            for (int i = 0; i + 12 <= body.length(); i += 4) {
                String piece = body.substring(i, i + 12);
                assertFalse(text.contains(piece), where + " leaks a token: ..." + piece + "...");
            }
        }
    }

    /** A token with {@code prefix} and {@code length} random characters from the alphabet tokens use. */
    private static String token(String prefix, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        SECRETS.add(b.toString());
        return b.toString();
    }
}
