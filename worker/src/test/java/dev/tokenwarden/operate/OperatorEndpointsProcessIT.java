package dev.tokenwarden.operate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.LocalRedis;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.Fault;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.Migrations;

/**
 * {@code tokenwarden run} as operators watch it: a real worker process, a known workload, {@code /metrics}
 * scraped over HTTP and its counters compared with the workload; then {@code /health/live} and
 * {@code /health/ready} through a second worker joining (a rebalance), a Redis stop and a PostgreSQL stop. Redis and
 * PostgreSQL are private servers, so stopping them hurts no other test.
 */
class OperatorEndpointsProcessIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REFRESHED = 5;
    private static final int REJECTED_GRANT = 1;
    private static final int COOLED_DOWN = 2;
    private static final int MALFORMED = 3;

    private static LocalRedis privateRedis;
    private static LocalPostgres privatePostgres;

    @BeforeAll
    static void startPrivateServers() {
        privateRedis = LocalRedis.embedded();
        privatePostgres = LocalPostgres.embedded();
    }

    @AfterAll
    static void stopPrivateServers() {
        if (privateRedis != null) {
            privateRedis.close();
        }
        if (privatePostgres != null) {
            privatePostgres.close();
        }
    }

    @Test
    void shouldCountTheWorkloadAndAnswerHealthThroughARebalanceARedisStopAndAPostgresStop(@TempDir Path dir)
            throws Exception {
        Map<String, String> settings = TestWorkers.isolatedSettings("operate");
        settings.put("db.url", privatePostgres.jdbcUrl(privatePostgres.createDatabase("operate")));
        settings.put("db.user", privatePostgres.user());
        settings.put("db.password", privatePostgres.password());
        settings.put("redis.url", privateRedis.url());
        settings.put("sweep.interval", "0s");
        settings.put("log.format", "json");
        Migrations.apply(WorkerConfig.databaseFrom(ConfigSource.of(settings)));
        TestAccounts accounts = new TestAccounts(settings);
        FakeOAuthServer oauth = SharedStack.get().oauth();
        TopicNames topics = TestWorkers.topics(settings);
        String bootstrap = SharedStack.get().kafka().bootstrapServers();

        List<Long> refreshed = new ArrayList<>();
        for (int i = 0; i < REFRESHED; i++) {
            refreshed.add(accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60));
        }
        long revoked = accounts.oauthAccount(oauth, Platform.ANTHROPIC, 60);
        oauth.failNext(revoked, Fault.INVALID_GRANT, 1);
        List<Long> cooled = List.of(accounts.oauthAccount(oauth, Platform.OPENAI, 3600),
                accounts.oauthAccount(oauth, Platform.OPENAI, 3600));

        try (WorkerProcessUnderTest first = WorkerProcessUnderTest.start(settings, dir, "first")) {
            awaitAnswer(first, "/health/ready", 200, WAIT);
            assertEquals(200, first.get("/health/live").status());

            try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, topics, "gw")) {
                for (long id : refreshed) {
                    gateway.publish(expiring(id));
                }
                gateway.publish(expiring(revoked));
                for (long id : cooled) {
                    gateway.publish(new UpstreamRejected(UUID.randomUUID().toString(), id, Platform.OPENAI, 529,
                            "overloaded_error", null, null, Instant.now(), "gw")).get();
                }
                for (int i = 0; i < MALFORMED; i++) {
                    gateway.publishRaw(topics.refreshNeeded(), "7", "{not json".getBytes(StandardCharsets.UTF_8)).get();
                }
                gateway.flush();
            }

            Await.until("every event of the workload counted", WAIT, () -> {
                Scrape s = first.scrape();
                return s.value("tokenwarden_account_writes_total", "path", "refresh") >= REFRESHED + REJECTED_GRANT
                        && s.value("tokenwarden_account_writes_total", "path", "cooldown") >= COOLED_DOWN
                        && s.value("tokenwarden_dead_letters_total", "reason", "malformed_json") >= MALFORMED;
            });
            Thread.sleep(1_000); // anything counted twice would show by now
            Scrape s = first.scrape();
            // Kept for reading: what an operator's scraper sees after this workload.
            java.nio.file.Files.writeString(Path.of("target", "operate-metrics-sample.txt"), s.text());
            assertEquals(REFRESHED + REJECTED_GRANT, s.value("tokenwarden_events_accepted_total", "type", "refresh-needed"));
            assertEquals(COOLED_DOWN, s.value("tokenwarden_events_accepted_total", "type", "upstream-rejected"));
            assertEquals(MALFORMED, s.value("tokenwarden_dead_letters_total", "reason", "malformed_json"));
            assertEquals(MALFORMED, s.value("tokenwarden_dead_letters_total"));
            assertEquals(REFRESHED, s.value("tokenwarden_provider_calls_seconds_count",
                    "platform", "anthropic", "outcome", "refreshed"));
            assertEquals(REJECTED_GRANT, s.value("tokenwarden_provider_calls_seconds_count",
                    "platform", "anthropic", "outcome", "invalid_grant"));
            assertEquals(REFRESHED + REJECTED_GRANT, s.value("tokenwarden_provider_calls_seconds_count"));
            assertEquals(REFRESHED + REJECTED_GRANT, s.value("tokenwarden_provider_calls_seconds_bucket", "le", "+Inf"));
            assertEquals(REFRESHED + REJECTED_GRANT, s.value("tokenwarden_refresh_attempts_started_total"));
            assertEquals(REFRESHED, s.value("tokenwarden_refresh_attempts_total", "outcome", "refreshed"));
            assertEquals(REJECTED_GRANT, s.value("tokenwarden_refresh_attempts_total", "outcome", "marked_error"));
            assertEquals(REFRESHED + REJECTED_GRANT, s.value("tokenwarden_lock_results_total", "result", "acquired"));
            assertEquals(REFRESHED + REJECTED_GRANT, s.value("tokenwarden_account_writes_total", "path", "refresh"));
            assertEquals(COOLED_DOWN, s.value("tokenwarden_account_writes_total", "path", "cooldown"));
            // A fresh worker that nothing crashed before: a revoked token is refresh_token_rejected, never the crash
            // reason, however soon after the start it comes.
            assertEquals(REJECTED_GRANT, s.value("tokenwarden_accounts_marked_error_total", "reason",
                    "refresh_token_rejected"));
            assertEquals(0, s.value("tokenwarden_accounts_marked_error_total", "reason", "crash_interrupted"));
            assertEquals(COOLED_DOWN, s.value("tokenwarden_cooldowns_total", "change", "set"));
            assertEquals(COOLED_DOWN, s.value("tokenwarden_cooldown_unschedulable_seconds_count",
                    "kind", "overloaded")); // a 529 is an overload, kept in overload_until
            assertEquals(0, s.value("tokenwarden_jobs", "path", "refresh", "state", "in_flight"));
            assertTrue(s.has("kafka_consumer_fetch_manager_records_consumed_total")
                    || s.text().contains("kafka_consumer_"), "Kafka Streams' client metrics are bound");
            assertTrue(s.has("jvm_memory_used_bytes"), "JVM metrics are bound");
            assertTrue(s.has("process_cpu_usage"), "process metrics are bound");
            assertTrue(s.value("tokenwarden_db_pool_connections", "state", "max") > 0, "the pool is bound");
            for (long id : refreshed) {
                assertFalse(s.text().contains("\"" + id + "\""), "no label carries an account id");
            }

            // A second worker joins: the group rebalances. Live throughout; ready again once RUNNING.
            try (WorkerProcessUnderTest second = WorkerProcessUnderTest.start(settings, dir, "second")) {
                List<String> seen = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                boolean bothReady = false;
                while (!bothReady && System.nanoTime() < deadline) {
                    for (WorkerProcessUnderTest w : List.of(first, second)) {
                        WorkerProcessUnderTest.Answer live = w.get("/health/live");
                        WorkerProcessUnderTest.Answer ready = w.get("/health/ready");
                        if (live.status() != -1) {
                            assertEquals(200, live.status(), "live during the rebalance: " + live.body());
                            seen.add(ready.status() + " " + field(ready.body(), "streams"));
                            if (ready.status() == 503) {
                                assertEquals("DOWN", field(ready.body(), "status"), ready.body());
                            }
                        }
                    }
                    bothReady = first.get("/health/ready").status() == 200
                            && second.get("/health/ready").status() == 200 && seen.contains("503 REBALANCING");
                    Thread.sleep(20);
                }
                assertTrue(seen.contains("503 REBALANCING"), "a rebalancing worker is not ready: " + seen);
                assertTrue(bothReady, "both ready after the rebalance: " + seen);

                // Redis stops: degraded, still ready (the lock falls back to PostgreSQL fences).
                privateRedis.stop();
                WorkerProcessUnderTest.Answer degraded = awaitAnswer(first, "/health/ready", 200,
                        body -> "DEGRADED".equals(field(body, "status")), WAIT);
                assertEquals("DOWN", JSON.readTree(degraded.body()).at("/checks/redis/status").asText());
                assertEquals(200, first.get("/health/live").status());
                privateRedis.start();
                awaitAnswer(first, "/health/ready", 200, body -> "UP".equals(field(body, "status")), WAIT);

                // PostgreSQL stops: not ready, still live.
                privatePostgres.stop();
                try {
                    WorkerProcessUnderTest.Answer down = awaitAnswer(first, "/health/ready", 503, body -> true, WAIT);
                    JsonNode body = JSON.readTree(down.body());
                    assertEquals("DOWN", body.at("/checks/postgresql/status").asText(), down.body());
                    assertEquals(200, first.get("/health/live").status());
                    assertEquals(200, second.get("/health/live").status());
                } finally {
                    privatePostgres.start();
                }
                awaitAnswer(first, "/health/ready", 200, body -> "UP".equals(field(body, "status")), WAIT);
                assertEquals(0, second.stop(), "second worker stops cleanly");
            }
            assertEquals(0, first.stop(), "first worker stops cleanly");
            assertEquals(-1, first.get("/health/live").status(), "the server is gone with the process");
            assertJsonLogsWithoutTokens(first, oauth, refreshed);
        }
    }

    private static void assertJsonLogsWithoutTokens(WorkerProcessUnderTest worker, FakeOAuthServer oauth,
            List<Long> accounts) throws Exception {
        String text = worker.logText();
        for (long id : accounts) {
            assertFalse(text.contains(oauth.currentRefreshToken(id)), "no token in the log");
        }
        int lines = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line); // every line one JSON object
            assertTrue(node.has("level") && node.has("message") && node.has("logger"), line);
            assertTrue(line.length() <= 8 * 1024, "a line of " + line.length() + " bytes");
            lines++;
        }
        assertTrue(lines > 5, "the worker logged: " + lines + " lines");
    }

    private static RefreshNeeded expiring(long id) {
        return new RefreshNeeded(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 180,
                TestAccounts.INITIAL_VERSION, RefreshReason.EXPIRING, false, Instant.now(), "gw");
    }

    private static String field(String json, String name) {
        try {
            return JSON.readTree(json).path(name).asText();
        } catch (Exception e) {
            return "";
        }
    }

    private static WorkerProcessUnderTest.Answer awaitAnswer(WorkerProcessUnderTest w, String path, int status,
            Duration wait) throws Exception {
        return awaitAnswer(w, path, status, body -> true, wait);
    }

    private static WorkerProcessUnderTest.Answer awaitAnswer(WorkerProcessUnderTest w, String path, int status,
            Predicate<String> body, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        WorkerProcessUnderTest.Answer last = null;
        while (System.nanoTime() < deadline) {
            assertTrue(w.alive(), "worker process alive; log:\n" + w.logText());
            last = w.get(path);
            if (last.status() == status && body.test(last.body())) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " never answered " + status + " as expected; last: "
                + (last == null ? "none" : last.status() + " " + last.body()));
    }
}
