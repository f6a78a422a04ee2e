package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestGateways;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.TraceContext;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.Account;

/**
 * The upstream-rejected path against the real stack: a storm is one write, refresh comes first, healthy accounts
 * come back.
 */
class UpstreamRejectedIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static WorkerGroup group;
    private static FakeOAuthServer oauth;
    private static String bootstrap;

    @BeforeAll
    static void startThreeWorkers() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("rejected");
        settings.put("cooldown.granularity", "1s");
        settings.put("cooldown.refresh-grace", "2m");
        settings.put("cooldown.outage-hold", "500ms");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings).auditUpdates();
        oauth = SharedStack.get().oauth();
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        group = new WorkerGroup(settings, 3);
    }

    @AfterAll
    static void stopWorkers() {
        group.close();
    }

    @Test
    void shouldRefreshOnceAndWriteTwiceWhenTenThousand401sHitOneAccount() throws Exception {
        // The token is fine by expiry: only the 401 says it is dead, so only a forced refresh helps.
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 3600);
        long seeding = accounts.updates(id);
        long ranAhead = group.counter("ran_ahead");

        storm(4, 2_500, id, Platform.ANTHROPIC, 401, TestAccounts.INITIAL_VERSION, Instant.now());
        Await.until("refreshed and the cooldown cleared", WAIT, () -> oauth.successfulRefreshes(id) == 1
                && accounts.get(id).tempUnschedulableUntil() == null && outboxEvents(id).size() >= 2);
        Await.until("idle", WAIT, group::idle);

        assertEquals(1, oauth.calls(id), "provider calls");
        assertEquals(1, group.counter("ran_ahead") - ranAhead, "the forced refresh started at the cooldown write");
        assertEquals(2, accounts.updates(id) - seeding, "account writes: the cooldown, then the refresh that clears it");
        assertEquals(2, accounts.outboxRows(id));
        assertEquals(List.of(OutboxChange.COOLDOWN_SET, OutboxChange.CREDENTIALS_REFRESHED),
                outboxEvents(id).stream().map(SchedulerOutboxEvent::change).distinct().collect(Collectors.toList()));
        Account after = accounts.get(id);
        assertEquals("active", after.status());
        assertNull(after.tempUnschedulableReason(), "the refresh's own write cleared the 401 window");
    }

    @Test
    void shouldWriteOnceForA403StormExtendForALaterOneAndIgnoreAShorterOne() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.OPENAI, 3600);
        storm(4, 250, id, Platform.OPENAI, 403, null, Instant.now());
        Await.until("cooldown set", WAIT, () -> accounts.get(id).tempUnschedulableUntil() != null && group.idle());
        assertEquals(1, accounts.outboxRows(id), "one write for the storm");
        Instant first = accounts.get(id).tempUnschedulableUntil();

        Thread.sleep(1_500); // beyond the 1 s granularity
        storm(1, 1, id, Platform.OPENAI, 403, null, Instant.now());
        Await.until("extended", WAIT, () -> accounts.get(id).tempUnschedulableUntil().isAfter(first) && group.idle());
        assertEquals(2, accounts.outboxRows(id));
        Instant extended = accounts.get(id).tempUnschedulableUntil();

        storm(1, 1, id, Platform.OPENAI, 403, null, Instant.now().minusSeconds(120));
        Await.until("handled", WAIT, group::idle);
        Thread.sleep(500);
        assertEquals(extended, accounts.get(id).tempUnschedulableUntil(), "a shorter window never shortens");
        assertEquals(2, accounts.outboxRows(id), "and writes no outbox row");
        assertEquals(0, oauth.calls(id), "a 403 never refreshes");
        assertTrue(accounts.get(id).tempUnschedulableReason().contains("\"status_code\":403"));
    }

    @Test
    void shouldMarkAnAccountWithoutRefreshTokenErrorOn401() throws Exception {
        long id = accounts.insert(Platform.ANTHROPIC, "oauth", Map.of("access_token", "a", "_token_version", 5));
        storm(2, 50, id, Platform.ANTHROPIC, 401, 5L, Instant.now());
        Await.until("marked error", WAIT, () -> "error".equals(accounts.get(id).status()) && group.idle());
        Await.until("event emitted", WAIT, () -> !outboxEvents(id).isEmpty());
        assertEquals(1, accounts.outboxRows(id));
        assertEquals(List.of(OutboxChange.STATUS_ERROR),
                outboxEvents(id).stream().map(SchedulerOutboxEvent::change).distinct().collect(Collectors.toList()));

        // An admin re-activates it without a new token, and it dies again: a second change, a second row.
        accounts.execute("UPDATE accounts SET status = 'active', error_message = NULL, credentials = credentials"
                + " || '{\"_token_version\": 6}'::jsonb WHERE id = " + id);
        storm(1, 10, id, Platform.ANTHROPIC, 401, 6L, Instant.now());
        Await.until("marked error again", WAIT, () -> "error".equals(accounts.get(id).status()) && group.idle());
        assertEquals(2, accounts.outboxRows(id));
        assertEquals(2, accounts.outboxKeys(id).stream().distinct().count(), "one key per death");
    }

    @Test
    void shouldMarkErrorInsteadOfLoopingWhenAJustRefreshedTokenIsRejectedAgain() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.GROK, 60);
        // A refresh happened moments ago: the stored version is now-ish.
        accounts.execute("UPDATE accounts SET credentials = credentials || jsonb_build_object('_token_version', "
                + System.currentTimeMillis() + ", 'expires_at', '" + Instant.now().plusSeconds(3600).getEpochSecond()
                + "') WHERE id = " + id);
        long justRefreshed = accounts.get(id).credentials().tokenVersion();
        storm(1, 10, id, Platform.GROK, 401, justRefreshed, Instant.now());
        Await.until("marked error", WAIT, () -> "error".equals(accounts.get(id).status()) && group.idle());
        assertEquals(0, oauth.calls(id), "no refresh loop (sub2api #3707)");
        assertTrue(accounts.get(id).errorMessage().contains("refreshed"), accounts.get(id).errorMessage());
    }

    @Test
    void shouldDoNothingFor401sThatObservedAnOlderTokenThanTheStoredOne() throws Exception {
        long id = accounts.oauthAccount(oauth, Platform.GEMINI, 3600);
        accounts.execute("UPDATE accounts SET credentials = credentials || jsonb_build_object('_token_version', "
                + (TestAccounts.INITIAL_VERSION + 1) + ") WHERE id = " + id);
        storm(2, 50, id, Platform.GEMINI, 401, TestAccounts.INITIAL_VERSION, Instant.now());
        Await.until("handled", WAIT, () -> group.cooldownCounter("stale_token") >= 1 && group.idle());
        assertEquals(0, oauth.calls(id));
        assertEquals(0, accounts.outboxRows(id));
        assertNull(accounts.get(id).tempUnschedulableUntil());
    }

    @Test
    void shouldCarryA401sTraceOntoTheForcedRefreshTheCooldownAndTheCredentialUpdate() throws Exception {
        // Given an account whose token is fine by expiry, and a 401 sent with a traceparent
        long id = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 3600);
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String traceparent = "00-" + traceId + "-00f067aa0ba902b7-01";
        UpstreamRejected rejected = new UpstreamRejected(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 401,
                "authentication_error", "invalid bearer token", TestAccounts.INITIAL_VERSION, Instant.now(), "gw");

        // When
        sendWithTraceparent(rejected, traceparent);

        // Then the forced refresh-needed, both scheduler-outbox events and the credential-updated continue its trace
        Await.until("refreshed and both outbox events out", WAIT, () -> oauth.successfulRefreshes(id) == 1
                && outboxEvents(id).size() >= 2 && !records(topics.credentialUpdated(), id).isEmpty());
        Await.until("idle", WAIT, group::idle);
        List<ConsumerRecord<String, byte[]>> outputs = new ArrayList<>();
        outputs.addAll(records(topics.refreshNeeded(), id));
        outputs.addAll(records(topics.schedulerOutbox(), id));
        outputs.addAll(records(topics.credentialUpdated(), id));
        assertTrue(outputs.size() >= 4, "refresh-needed, two scheduler-outbox, credential-updated: " + outputs.size());
        for (ConsumerRecord<String, byte[]> out : outputs) {
            TraceContext trace = TraceContext.parse(header(out, TraceContext.TRACEPARENT)).orElseThrow();
            assertEquals(traceId, trace.traceId(), out.topic());
            assertTrue(trace.sampled(), out.topic());
            assertNotEquals("00f067aa0ba902b7", trace.spanId(), out.topic() + ": a new span");
        }
    }

    private static void sendWithTraceparent(UpstreamRejected event, String traceparent) throws Exception {
        try (KafkaProducer<String, UpstreamRejected> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                EventSerdes.upstreamRejected().serializer())) {
            ProducerRecord<String, UpstreamRejected> record = new ProducerRecord<>(topics.upstreamRejected(),
                    Long.toString(event.accountId()), event);
            record.headers().add(TraceContext.TRACEPARENT, traceparent.getBytes(StandardCharsets.US_ASCII));
            producer.send(record).get(60, TimeUnit.SECONDS);
        }
    }

    /** The account's records in {@code topic}: the key is the account id. */
    private static List<ConsumerRecord<String, byte[]>> records(String topic, long accountId) {
        return TopicReader.readAll(bootstrap, topic).stream()
                .filter(r -> Long.toString(accountId).equals(r.key()))
                .collect(Collectors.toList());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
    }

    private static void storm(int producers, int eachSends, long accountId, Platform platform, int status,
            Long observed, Instant occurredAt) throws Exception {
        TestGateways.concurrently(bootstrap, topics, producers, eachSends, (gateway, i) -> new UpstreamRejected(
                UUID.randomUUID().toString(), accountId, platform, status, "authentication_error",
                "invalid bearer token", observed, occurredAt.plusMillis(i % 50), gateway));
    }

    private static List<SchedulerOutboxEvent> outboxEvents(long accountId) {
        return TopicReader.readAll(bootstrap, topics.schedulerOutbox()).stream()
                .map(r -> EventSerdes.schedulerOutbox().deserializer().deserialize(r.topic(), r.value()))
                .filter(e -> e.accountId() == accountId)
                .collect(Collectors.toList());
    }
}
