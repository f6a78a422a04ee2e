package dev.tokenwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.Await;
import dev.tokenwarden.TestAccounts;
import dev.tokenwarden.TestWorkers;
import dev.tokenwarden.WorkerGroup;
import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.GatewayPublisher;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.envelope.EnvelopeCipher;

/**
 * Compatibility with sub2api's encrypted credentials, proven against an implementation that is not ours: rows
 * sealed by the Go program in {@code src/test/go/envelope} (Go's own encoding/json) are opened, refreshed against
 * the fake provider and written back by the worker, and the Go program then opens what the worker wrote.
 */
class EnvelopeCompatibilityIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A test key; never a real one. */
    private static final String KEY = "3f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String KEY_ID = "primary";
    private static final Set<String> ENVELOPE_KEYS = Set.of(EnvelopeCipher.ENVELOPE, EnvelopeCipher.FINGERPRINT,
            EnvelopeCipher.HAS_REFRESH_TOKEN, EnvelopeCipher.OLLAMA_CLOUD_BASE_URL);
    private static final String NOTE = "<b>\"Tom & Jerry\"</b> \\ \t \u2028\u2029";
    private static final String UNICODE = "h\u00e9llo \u4e16\u754c \ud83d\ude00";

    private static GoEnvelope go;
    private static FakeOAuthServer oauth;
    private static String bootstrap;
    private static Map<String, String> keyed;
    private static Map<String, String> keyless;
    private static TestAccounts keyedAccounts;
    private static TestAccounts keylessAccounts;
    private static WorkerGroup keyedWorker;
    private static WorkerGroup keylessWorker;

    @BeforeAll
    static void buildGoAndStartWorkers() throws Exception {
        StringBuilder why = new StringBuilder();
        Optional<GoEnvelope> built = GoEnvelope.build(why);
        assumeTrue(built.isPresent(), "Go toolchain not available and not installable (" + why + "): the Go"
                + " compatibility proof needs `apt-get install -y golang-go`; EnvelopeCipherTest still runs on committed"
                + " Go-sealed rows");
        go = built.get();
        oauth = SharedStack.get().oauth();
        bootstrap = SharedStack.get().kafka().bootstrapServers();
        keyed = TestWorkers.isolatedSettings("envelope");
        keyed.put("sub2api.credential-key", KEY);
        keyed.put("sub2api.credential-key-id", KEY_ID);
        keyless = TestWorkers.isolatedSettings("envelope-nokey");
        keyedAccounts = new TestAccounts(keyed);
        keylessAccounts = new TestAccounts(keyless);
        keyedWorker = new WorkerGroup(keyed, 1);
        keylessWorker = new WorkerGroup(keyless, 1);
    }

    @AfterAll
    static void stopWorkers() {
        if (keyedWorker != null) {
            keyedWorker.close();
        }
        if (keylessWorker != null) {
            keylessWorker.close();
        }
    }

    @Test
    void shouldRefreshGoSealedRowsAndWriteEnvelopesTheGoImplementationOpens() throws Exception {
        // Given one Go-sealed, expiring row per platform (two for anthropic), with HTML, unicode and large numbers
        List<Platform> platforms = List.of(Platform.ANTHROPIC, Platform.OPENAI, Platform.GEMINI, Platform.ANTIGRAVITY,
                Platform.GROK, Platform.ANTHROPIC);
        List<GoEnvelope.Row> rows = new ArrayList<>();
        for (Platform platform : platforms) {
            long id = keyedAccounts.insert(platform, "oauth", Map.of());
            rows.add(new GoEnvelope.Row(id, platform.json(), document(id, platform)));
        }
        List<String> sealed = go.seal(KEY, KEY_ID, rows);
        for (int i = 0; i < rows.size(); i++) {
            keyedAccounts.execute("UPDATE accounts SET credentials = ?::jsonb WHERE id = " + rows.get(i).accountId(),
                    sealed.get(i));
        }
        List<String> before = rows.stream().map(r -> rawCredentials(keyed, r.accountId())).toList();

        // When every row is asked to refresh
        try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, TestWorkers.topics(keyed), "envelope-it")) {
            for (GoEnvelope.Row row : rows) {
                gateway.publish(new RefreshNeeded(UUID.randomUUID().toString(), row.accountId(),
                        Platform.fromJson(row.platform()).orElseThrow(), 180, TestAccounts.INITIAL_VERSION,
                        RefreshReason.EXPIRING, false, Instant.now(), "envelope-it")).get();
            }
        }
        Await.until("every envelope row refreshed", WAIT,
                () -> rows.stream().allMatch(r -> oauth.successfulRefreshes(r.accountId()) == 1)
                        && keyedWorker.counter("account_writes") >= rows.size() && keyedWorker.idle());

        // Then Go opens every row the worker wrote, with every check, and finds our keys merged into its document
        List<GoEnvelope.Row> written = rows.stream()
                .map(r -> new GoEnvelope.Row(r.accountId(), r.platform(), rawCredentials(keyed, r.accountId()))).toList();
        List<JsonNode> opened = go.open(KEY, KEY_ID, written);
        int openedByGo = 0;
        for (int i = 0; i < rows.size(); i++) {
            long id = rows.get(i).accountId();
            JsonNode result = opened.get(i);
            assertTrue(result.get("ok").asBoolean(), "Go opens account " + id + ": " + result.path("error").asText());
            openedByGo++;
            JsonNode doc = result.get("document");
            assertEquals(oauth.currentRefreshToken(id), doc.get("refresh_token").asText(), "new refresh token");
            assertNotEquals("at-before-" + id, doc.get("access_token").asText(), "new access token");
            assertTrue(doc.get("_token_version").asLong() > TestAccounts.INITIAL_VERSION, "new version");
            assertTrue(Long.parseLong(doc.get("expires_at").asText()) > Instant.now().plusSeconds(600).getEpochSecond(),
                    "new expiry");
            assertEquals("kept-" + id, doc.get("org_uuid").asText(), "keys we do not own are kept");
            assertEquals(NOTE, doc.get("note").asText());
            assertEquals(UNICODE, doc.get("unicode").asText());
            assertEquals("12345678901234567000", doc.get("big").asText(), "a float64, as Go holds it");
            assertEquals(1714000000000L, doc.get("nested").get("ms").asLong());
            assertEquals("<&>", doc.get("nested").get("list").get(1).asText());
            JsonNode stored = EventJsonTree.parse(written.get(i).json());
            assertEquals(ENVELOPE_KEYS, names(stored), "exactly sub2api's top-level keys");
            assertTrue(stored.get(EnvelopeCipher.HAS_REFRESH_TOKEN).asBoolean());
            assertNotEquals(EventJsonTree.parse(before.get(i)).get(EnvelopeCipher.FINGERPRINT),
                    stored.get(EnvelopeCipher.FINGERPRINT), "fresh fingerprint");
            assertNotEquals(EventJsonTree.parse(before.get(i)).get(EnvelopeCipher.ENVELOPE).get("nonce"),
                    stored.get(EnvelopeCipher.ENVELOPE).get("nonce"), "fresh nonce");
        }
        // The AAD binds the row: the same envelope under another row's id does not open.
        GoEnvelope.Row first = written.get(0);
        assertTrue(!go.open(KEY, KEY_ID, List.of(new GoEnvelope.Row(first.accountId() + 1, first.platform(),
                first.json()))).get(0).get("ok").asBoolean(), "another row's id fails the AAD");
        System.out.printf("EnvelopeCompatibilityIT: %d Go-sealed envelope rows refreshed by the worker, %d written"
                + " envelopes opened by the Go implementation%n", rows.size(), openedByGo);
    }

    @Test
    void shouldLeaveAnEncryptedRowAloneWithoutAKeyNeitherRefreshedNorMarkedError() throws Exception {
        // Given a Go-sealed row, and a worker without sub2api.credential-key
        long id = keylessAccounts.insert(Platform.ANTHROPIC, "oauth", Map.of());
        String sealed = go.seal(KEY, KEY_ID, List.of(new GoEnvelope.Row(id, "anthropic", document(id,
                Platform.ANTHROPIC)))).get(0);
        keylessAccounts.execute("UPDATE accounts SET credentials = ?::jsonb WHERE id = " + id, sealed);
        String before = rawCredentials(keyless, id);

        // When a gateway reports a 401 on it and asks for a refresh
        try (GatewayPublisher gateway = new GatewayPublisher(bootstrap, TestWorkers.topics(keyless), "envelope-it")) {
            gateway.publish(new UpstreamRejected(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 401,
                    "authentication_error", "invalid bearer token", TestAccounts.INITIAL_VERSION, Instant.now(),
                    "envelope-it")).get();
            gateway.publish(new RefreshNeeded(UUID.randomUUID().toString(), id, Platform.ANTHROPIC, 180,
                    TestAccounts.INITIAL_VERSION, RefreshReason.EXPIRING, true, Instant.now(), "envelope-it")).get();
        }
        Await.until("both events met the unreadable row", WAIT,
                () -> keylessWorker.cooldownCounter("unreadable_envelope") >= 1
                        && keylessWorker.counter("unreadable_envelope") >= 1 && keylessWorker.idle());

        // Then
        assertEquals(0, oauth.calls(id), "never refreshed");
        assertEquals(before, rawCredentials(keyless, id), "credentials untouched");
        assertEquals("active", queryString(keyless, "SELECT status FROM accounts WHERE id = " + id), "never marked error");
        assertEquals(0, keylessAccounts.outboxRows(id), "no write, no outbox row");
    }

    /** A credential document as sub2api would hold it, with JSON text Go decodes itself. */
    private static String document(long id, Platform platform) {
        String refreshToken = oauth.register(platform.json(), id);
        long expiresAt = Instant.now().plusSeconds(60).getEpochSecond();
        String expiry = platform == Platform.OPENAI ? Long.toString(expiresAt) : "\"" + expiresAt + "\"";
        return "{\"access_token\":\"at-before-" + id + "\",\"refresh_token\":\"" + refreshToken + "\","
                + "\"expires_at\":" + expiry + ",\"_token_version\":" + TestAccounts.INITIAL_VERSION + ","
                + "\"org_uuid\":\"kept-" + id + "\",\"note\":" + EventJsonTree.quote(NOTE) + ","
                + "\"unicode\":" + EventJsonTree.quote(UNICODE) + ",\"big\":12345678901234567890,"
                + "\"nested\":{\"ms\":1714000000000,\"list\":[1e21,\"<&>\",null,true,0.000001]},"
                + "\"project_id\":\"proj-" + id + "\",\"oauth_type\":\"code_assist\"}";
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String rawCredentials(Map<String, String> settings, long id) {
        return queryString(settings, "SELECT credentials::text FROM accounts WHERE id = " + id);
    }

    private static String queryString(Map<String, String> settings, String sql) {
        DatabaseSettings db = WorkerConfig.databaseFrom(ConfigSource.of(settings));
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jackson helpers for the assertions. */
    private static final class EventJsonTree {
        static JsonNode parse(String json) {
            try {
                return dev.tokenwarden.events.EventJson.mapper().readTree(json);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        static String quote(String text) {
            return dev.tokenwarden.events.EventJson.mapper().getNodeFactory().textNode(text).toString();
        }
    }
}
