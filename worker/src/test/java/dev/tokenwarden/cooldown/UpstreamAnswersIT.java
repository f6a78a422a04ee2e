package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestGateways;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.EventSerdes;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;
import dev.tokenwarden.store.DatabaseSettings;

/**
 * Each upstream answer of sub2api's table, end to end through a worker on the reference schema: the columns written
 * (and nothing else in the row), the outbox rows, the events and their kind; and the storms that must not become
 * N writes.
 */
class UpstreamAnswersIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Map<String, String> settings;
    private static TopicNames topics;
    private static TestAccounts accounts;
    private static DatabaseSettings db;
    private static WorkerGroup group;
    private static String bootstrap;

    @BeforeAll
    static void startOneWorker() throws InterruptedException {
        settings = TestWorkers.isolatedSettings("answers");
        topics = TestWorkers.topics(settings);
        accounts = new TestAccounts(settings).auditUpdates();
        db = WorkerConfig.databaseFrom(ConfigSource.of(settings));
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        group = new WorkerGroup(settings, 1);
    }

    @AfterAll
    static void stopWorkers() {
        group.close();
    }

    /** One answer of the table: what the gateway sent, and the columns it must change. */
    private record Answer(String name, Platform platform, int status, Map<String, String> headers,
            Set<String> columns, String kind) {
    }

    @Test
    void shouldWriteEachUpstreamAnswerWhereSub2apiKeepsIt() throws Exception {
        // Given one fresh account per answer
        long now = Instant.now().getEpochSecond();
        List<Answer> answers = List.of(
                new Answer("anthropic 429, 5h window exhausted", Platform.ANTHROPIC, 429, anthropic("5h", now + 7200),
                        Set.of("rate_limited_at", "rate_limit_reset_at", "session_window_start", "session_window_end",
                                "session_window_status"), "rate_limited"),
                new Answer("anthropic 429, 7d window exhausted", Platform.ANTHROPIC, 429, anthropic("7d", now + 86400),
                        Set.of("rate_limited_at", "rate_limit_reset_at"), "rate_limited"),
                new Answer("anthropic 429, 7d_oi (family) exhausted", Platform.ANTHROPIC, 429,
                        anthropic("7d_oi", now + 86400), Set.of("extra"), "model_rate_limited"),
                new Answer("openai 429, codex 300-minute window exhausted", Platform.OPENAI, 429,
                        Map.of("x-codex-primary-used-percent", "100", "x-codex-primary-window-minutes", "300",
                                "x-codex-primary-reset-after-seconds", "3600", "x-codex-secondary-used-percent", "40",
                                "x-codex-secondary-window-minutes", "10080"),
                        Set.of("rate_limited_at", "rate_limit_reset_at"), "rate_limited"),
                new Answer("openai 429, no headers", Platform.OPENAI, 429, Map.of(),
                        Set.of("rate_limited_at", "rate_limit_reset_at"), "rate_limited"),
                new Answer("grok 529", Platform.GROK, 529, Map.of(), Set.of("overload_until"), "overloaded"),
                new Answer("anthropic 529", Platform.ANTHROPIC, 529, Map.of(), Set.of(), null),
                new Answer("openai 403", Platform.OPENAI, 403, Map.of(),
                        Set.of("temp_unschedulable_until", "temp_unschedulable_reason"), "upstream_rejected"));
        List<Long> ids = new ArrayList<>();
        List<JsonNode> before = new ArrayList<>();
        for (Answer a : answers) {
            long id = accounts.insert(a.platform(), "oauth", Map.of("access_token", "a", "_token_version", 1));
            accounts.execute("UPDATE accounts SET extra = '{\"privacy_mode\": \"on\"}' WHERE id = " + id);
            ids.add(id);
            before.add(row(id));
        }
        long ignored = group.cooldownCounter("ignored");

        // When
        Iterator<Long> next = ids.iterator();
        for (Answer a : answers) {
            long id = next.next();
            TestGateways.concurrently(bootstrap, topics, 1, 1, (gw, i) -> event(id, a.platform(), a.status(),
                    a.headers(), Instant.now()));
        }

        // Then
        Await.until("every answer handled", WAIT, () -> group.cooldownCounter("ignored") > ignored
                && ids.stream().filter(id -> accounts.outboxRows(id) > 0).count() == answers.size() - 1
                && group.idle());
        StringBuilder table = new StringBuilder("\n| upstream answer | columns written | outbox rows | kind |\n");
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            long id = ids.get(i);
            Set<String> changed = changed(before.get(i), row(id));
            assertEquals(a.columns(), changed, a.name() + ": the columns written, and nothing else");
            assertEquals(a.columns().isEmpty() ? 0 : 1, accounts.outboxRows(id), a.name());
            if (a.kind() != null) {
                Await.until("event of " + a.name(), WAIT, () -> outboxEvents().stream().anyMatch(e -> e.accountId() == id));
                SchedulerOutboxEvent event = outboxEvents().stream().filter(e -> e.accountId() == id).findFirst()
                        .orElseThrow();
                assertEquals(a.kind(), EventJson.mapper().readTree(event.cooldownReason()).get("kind").asText());
                assertNotNull(event.cooldownUntil());
            }
            table.append("| ").append(a.name()).append(" | ").append(changed.isEmpty() ? "nothing" : String.join(", ",
                    changed)).append(" | ").append(accounts.outboxRows(id)).append(" | ")
                    .append(a.kind() == null ? "- (counted as ignored)" : a.kind()).append(" |\n");
        }
        JsonNode scoped = row(ids.get(2)).get("extra");
        assertEquals("on", scoped.get("privacy_mode").asText(), "other extra keys kept");
        assertTrue(scoped.at("/model_rate_limits/claude-fable-5/rate_limit_reset_at").isTextual(), scoped.toString());
        System.out.println(table); // the figure for the closing note
    }

    @Test
    void shouldWriteOnceWhenFiveThousand429sWithAnthropicHeadersHitOneAccount() throws Exception {
        // Given
        long id = accounts.insert(Platform.ANTHROPIC, "oauth", Map.of("access_token", "a"));
        long seeding = accounts.updates(id);
        Map<String, String> headers = anthropic("5h", Instant.now().getEpochSecond() + 3600);

        // When
        TestGateways.concurrently(bootstrap, topics, 4, 1_250, (gw, i) -> event(id, Platform.ANTHROPIC, 429, headers,
                Instant.now()));

        // Then
        Await.until("rate limited", WAIT, () -> accounts.outboxRows(id) == 1 && group.idle());
        Await.until("every event read", WAIT, () -> group.idle());
        assertEquals(1, accounts.updates(id) - seeding, "account writes for the storm");
        assertEquals(1, accounts.outboxRows(id));
        System.out.println("\n429 storm of 5000 events on one account: " + (accounts.updates(id) - seeding)
                + " write(s)");
    }

    @Test
    void shouldWriteNothingPerAccountWhenAnAnthropic529StormHitsFiftyAccounts() throws Exception {
        // Given
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(accounts.insert(Platform.ANTHROPIC, "oauth", Map.of("access_token", "a")));
        }
        long seeding = ids.stream().mapToLong(accounts::updates).sum();
        long ignored = group.cooldownCounter("ignored");

        // When
        TestGateways.concurrently(bootstrap, topics, 2, 500, (gw, i) -> event(ids.get(i % 50), Platform.ANTHROPIC, 529,
                Map.of(), Instant.now()));

        // Then
        Await.until("every 529 counted", WAIT, () -> group.cooldownCounter("ignored") - ignored >= 1_000
                && group.idle());
        assertEquals(0, ids.stream().mapToLong(accounts::updates).sum() - seeding, "no account written");
        assertEquals(0, ids.stream().mapToLong(accounts::outboxRows).sum());
    }

    @Test
    void shouldLetAnAccountBackWithinAbout30SecondsWhenA503StopsAfter20Seconds() throws Exception {
        // Given 503s every two seconds for twenty seconds, as the gateway saw them
        long id = accounts.insert(Platform.OPENAI, "oauth", Map.of("access_token", "a"));
        Instant first = Instant.now().minusSeconds(20);

        // When
        TestGateways.concurrently(bootstrap, topics, 1, 11, (gw, i) -> event(id, Platform.OPENAI, 503, Map.of(),
                first.plusSeconds(2L * i)));

        // Then
        Await.until("overloaded", WAIT, () -> accounts.outboxRows(id) == 1 && group.idle());
        Instant back = instant(row(id), "overload_until");
        assertEquals(first.plusSeconds(30).toEpochMilli(), back.toEpochMilli(),
                "the first window is cooldown.adaptive-start; the storm's later 503s are its same episode");
        assertEquals(1, accounts.outboxRows(id), "one write");
        System.out.println("\n503 for 20 s: back " + Duration.between(first, back).toSeconds()
                + " s after the first 503, " + Duration.between(first.plusSeconds(20), back).toSeconds()
                + " s after the last (policy 503=10m)");
    }

    private static UpstreamRejected event(long id, Platform platform, int status, Map<String, String> headers,
            Instant at) {
        return new UpstreamRejected(UUID.randomUUID().toString(), id, platform, status, "error", "upstream said no",
                null, at, "gw", null, null, null, null, headers.isEmpty() ? null : headers);
    }

    /** A recorded Anthropic 429: one window rejected, the others allowed. */
    private static Map<String, String> anthropic(String rejected, long reset) {
        Map<String, String> h = new java.util.HashMap<>();
        for (String w : List.of("5h", "7d", "7d_oi")) {
            boolean out = w.equals(rejected);
            h.put("anthropic-ratelimit-unified-" + w + "-status", out ? "rejected" : "allowed");
            h.put("anthropic-ratelimit-unified-" + w + "-reset", Long.toString(out ? reset : reset + 3600));
            h.put("anthropic-ratelimit-unified-" + w + "-utilization", out ? "1.0" : "0.3");
        }
        h.put("anthropic-ratelimit-unified-status", "rejected");
        h.put("anthropic-ratelimit-unified-reset", Long.toString(reset));
        return h;
    }

    private static Set<String> changed(JsonNode before, JsonNode after) {
        Set<String> changed = new TreeSet<>();
        after.fieldNames().forEachRemaining(column -> {
            if (!column.equals("updated_at") && !after.get(column).equals(before.get(column))) {
                changed.add(column);
            }
        });
        return changed;
    }

    private static Instant instant(JsonNode row, String column) {
        return OffsetDateTime.parse(row.get(column).asText()).toInstant();
    }

    private static JsonNode row(long id) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_jsonb(a)::text FROM accounts a WHERE id = " + id)) {
            rs.next();
            return EventJson.mapper().readTree(rs.getString(1));
        }
    }

    private static List<SchedulerOutboxEvent> outboxEvents() {
        return TopicReader.readAll(bootstrap, topics.schedulerOutbox()).stream()
                .map(r -> EventSerdes.schedulerOutbox().deserializer().deserialize(r.topic(), r.value()))
                .collect(Collectors.toList());
    }
}
