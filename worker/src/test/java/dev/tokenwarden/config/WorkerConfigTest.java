package dev.tokenwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        m.put("db.url", "jdbc:postgresql://127.0.0.1:5432/sub2api");
        m.put("provider.gemini.client-secret", "g-secret");
        m.put("provider.antigravity.client-secret", "a-secret");
        return m;
    }

    @Test
    void shouldApplyDefaultsWhenOnlyRequiredSettingsAreGiven() {
        WorkerConfig c = WorkerConfig.from(ConfigSource.of(minimal()));
        assertEquals("tokenwarden", c.kafka().applicationId());
        assertEquals("tokenwarden.refresh-needed.v1", c.topics().refreshNeeded());
        assertEquals(Duration.ofMillis(100), c.kafka().commitInterval());
        assertEquals(16384, c.maxEventBytes());
        assertEquals("redis://127.0.0.1:6379", c.redisUrl().toString());
    }

    @Test
    void shouldNameEveryMissingRequiredSettingAndItsEnvVarWhenNothingIsGiven() {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(Map.of())));
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.bootstrap.servers (env TOKENWARDEN_KAFKA_BOOTSTRAP_SERVERS): required"));
        assertTrue(e.getMessage().contains("db.url (env TOKENWARDEN_DB_URL): required"));
        assertTrue(e.getMessage().contains("provider.gemini.client-secret (env TOKENWARDEN_PROVIDER_GEMINI_CLIENT_SECRET):"
                + " required while gemini is in provider.enabled"), e.getMessage());
    }

    @Test
    void shouldNameTheKeyTheRuleAndTheValueWhenValuesAreInvalid() {
        Map<String, String> m = minimal();
        m.put("kafka.stream.threads", "0");
        m.put("kafka.commit.interval", "soon");
        m.put("db.url", "postgres://x");
        m.put("redis.url", "http://x");
        m.put("intake.max-event-bytes", "10");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.stream.threads (env TOKENWARDEN_KAFKA_STREAM_THREADS): must be an integer from 1 to 64, was '0'"), e.getMessage());
        assertTrue(e.getMessage().contains("kafka.commit.interval"), e.getMessage());
        assertTrue(e.getMessage().contains("was 'soon'"), e.getMessage());
        assertTrue(e.getMessage().contains("db.url (env TOKENWARDEN_DB_URL): must start with jdbc:postgresql:"), e.getMessage());
        assertTrue(e.getMessage().contains("redis.url"), e.getMessage());
    }

    @Test
    void shouldServeNoOperatorPortAndWriteTextLogsUnlessAskedTo() {
        WorkerConfig c = WorkerConfig.from(ConfigSource.of(minimal()));
        assertFalse(c.operate().httpEnabled());
        assertEquals("0.0.0.0", c.operate().httpBindAddress());
        assertFalse(c.operate().jsonLogs());
        Map<String, String> m = minimal();
        m.put("http.port", "9464");
        m.put("log.format", "JSON");
        WorkerConfig asked = WorkerConfig.from(ConfigSource.of(m));
        assertEquals(9464, asked.operate().httpPort());
        assertTrue(asked.operate().jsonLogs());
    }

    @Test
    void shouldNameTheOperatorSettingsWhenTheirValuesAreInvalid() {
        Map<String, String> m = minimal();
        m.put("http.port", "70000");
        m.put("http.bind-address", "0.0.0.0 :9464");
        m.put("log.format", "xml");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("http.port (env TOKENWARDEN_HTTP_PORT): must be an integer from 0 to 65535"),
                e.getMessage());
        assertTrue(e.getMessage().contains("http.bind-address (env TOKENWARDEN_HTTP_BIND_ADDRESS)"), e.getMessage());
        assertTrue(e.getMessage().contains("log.format (env TOKENWARDEN_LOG_FORMAT): must be one of text, json"),
                e.getMessage());
    }

    @Test
    void shouldRejectAnUnknownKeyInTheFileWhenItIsATypo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "kafka.bootstrap.servers=k:9092\ndb.url=jdbc:postgresql://h/db\ndb.pasword=x\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> WorkerConfig.from(ConfigSource.load(file, Map.of(), Map.of())));
        assertTrue(e.getMessage().contains("db.pasword (in " + file + "): unknown setting"), e.getMessage());
    }

    @Test
    void shouldLetEnvironmentOverrideTheFileAndSetOverrideTheEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "kafka.bootstrap.servers=file:9092\ndb.url=jdbc:postgresql://h/db\n"
                + "kafka.application.id=from-file\nkafka.streams.replication.factor=3\nprovider.enabled=anthropic\n");
        WorkerConfig c = WorkerConfig.from(ConfigSource.load(file,
                Map.of("TOKENWARDEN_KAFKA_BOOTSTRAP_SERVERS", "env:9092", "TOKENWARDEN_KAFKA_APPLICATION_ID", "from-env"),
                Map.of("kafka.application.id", "from-set")));
        assertEquals("env:9092", c.kafka().bootstrapServers());
        assertEquals("from-set", c.kafka().applicationId());
        assertEquals("3", c.kafka().streamsOverrides().get("replication.factor"), "kafka.streams.* passes through");
    }

    @Test
    void shouldNeverPrintThePasswordWhenConfigIsShownOrRejected() {
        Map<String, String> m = minimal();
        m.put("db.password", "hunter2");
        assertFalse(WorkerConfig.from(ConfigSource.of(m)).toString().contains("hunter2"));
        assertEquals("<redacted>", Settings.DB_PASSWORD.display("hunter2"));
    }

    @Test
    void shouldHidePasswordsWrittenIntoUrlsWhenConfigIsShownOrRejected() {
        Map<String, String> m = minimal();
        m.put("redis.url", "redis://:s3cret@127.0.0.1:6379");
        m.put("db.url", "jdbc:postgresql://h/db?user=u&password=hunter2");
        String shown = WorkerConfig.from(ConfigSource.of(m)).toString();
        assertFalse(shown.contains("s3cret") || shown.contains("hunter2"), shown);
        m.put("redis.url", "redis://:s3cret@");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void shouldRejectTwoTopicSettingsThatNameTheSameTopic() {
        Map<String, String> m = minimal();
        m.put("topic.dead-letter", "tokenwarden.refresh-needed.v1");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertTrue(e.getMessage().contains("must name a different topic"), e.getMessage());
    }

    @Test
    void shouldRejectAnAnswerDrainLongerThanTheWholeShutdown() {
        Map<String, String> m = minimal();
        m.put("shutdown.timeout", "10s");
        m.put("shutdown.answer-drain", "20s");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertTrue(e.getMessage().contains("shutdown.answer-drain (env TOKENWARDEN_SHUTDOWN_ANSWER_DRAIN): must not"
                + " exceed shutdown.timeout (PT10S)"), e.getMessage());
    }

    @Test
    void shouldBuildProviderSettingsForEnabledPlatformsOnly() {
        Map<String, String> m = minimal();
        m.put("provider.enabled", "anthropic, openai");
        m.put("provider.anthropic.token-url", "http://127.0.0.1:1/anthropic/v1/oauth/token");
        WorkerConfig c = WorkerConfig.from(ConfigSource.of(m));
        assertEquals(2, c.providers().size());
        assertEquals("http://127.0.0.1:1/anthropic/v1/oauth/token",
                c.providers().get(dev.tokenwarden.events.Platform.ANTHROPIC).tokenUrl().toString());
        m.put("provider.enabled", "anthropic,claude");
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));
        assertTrue(e.getMessage().contains("provider.enabled"), e.getMessage());
    }

    @Test
    void shouldReadGeminiClientsPerOAuthTypeAndLeaveUnsetTypesToThePlatformClient() {
        // Given
        Map<String, String> m = minimal();
        m.put("provider.gemini.ai_studio.client-id", "studio-id");
        m.put("provider.gemini.ai_studio.client-secret", "studio-secret");
        m.put("provider.gemini.google_one.client-id", "one-id");

        // When
        WorkerConfig c = WorkerConfig.from(ConfigSource.of(m));

        // Then
        var gemini = c.providers().get(dev.tokenwarden.events.Platform.GEMINI);
        assertEquals(Map.of("ai_studio", new dev.tokenwarden.provider.OAuthClient("studio-id", "studio-secret"),
                "google_one", new dev.tokenwarden.provider.OAuthClient("one-id", "g-secret")), gemini.oauthTypeClients());
        assertFalse(c.toString().contains("studio-secret"), "the secret is never shown");
        assertEquals("https://platform.claude.com/v1/oauth/token",
                c.providers().get(dev.tokenwarden.events.Platform.ANTHROPIC).tokenUrl().toString());
    }

    @Test
    void shouldRejectAnOAuthTypeSecretWithoutItsClientId() {
        // Given
        Map<String, String> m = minimal();
        m.put("provider.gemini.code_assist.client-secret", "orphan");

        // When
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));

        // Then
        assertTrue(e.getMessage().contains("provider.gemini.code_assist.client-secret"), e.getMessage());
        assertFalse(e.getMessage().contains("orphan"), "the secret is never shown");
    }

    @Test
    void shouldAcceptShortAndIsoDurations() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
        assertEquals(null, Durations.parse("5 minutes"));
    }

    @Test
    void shouldNameTheCredentialKeySettingWithoutPrintingItWhenTheKeyIsNotSixtyFourHex() {
        // Given a key one character short, and a lock flag that is no boolean
        Map<String, String> m = minimal();
        String badKey = "ab".repeat(31) + "c";
        m.put("sub2api.credential-key", badKey);
        m.put("lock.sub2api-compatible", "yes");

        // When
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.from(ConfigSource.of(m)));

        // Then
        assertTrue(e.getMessage().contains("sub2api.credential-key (env TOKENWARDEN_SUB2API_CREDENTIAL_KEY)"));
        assertTrue(e.getMessage().contains("64 hexadecimal"));
        assertFalse(e.getMessage().contains(badKey), "the key is never printed");
        assertTrue(e.getMessage().contains("lock.sub2api-compatible"));
    }

    @Test
    void shouldReadTheCredentialKeyAndNeverShowItWhenConfigIsPrinted() {
        // Given
        Map<String, String> m = minimal();
        String key = "0f".repeat(32);
        m.put("sub2api.credential-key", key);
        m.put("sub2api.credential-key-id", "k2");

        // When
        WorkerConfig c = WorkerConfig.from(ConfigSource.of(m));

        // Then
        assertEquals("k2", c.sub2api().credentialKey().orElseThrow().keyId());
        assertFalse(c.toString().contains(key));
        assertFalse(c.sub2api().compatibleLock());
        assertTrue(WorkerConfig.from(ConfigSource.of(minimal())).sub2api().credentialKey().isEmpty(), "no key by default");
    }
    @Test
    void shouldReadSecretsFromTheFilesTheirFileVariablesNameWhenMountedAsDockerAndKubernetesDo(@TempDir Path dir)
            throws IOException {
        // Given: a password file ending in a newline, as `echo` and editors write it, and a Redis URL with its password
        Path password = dir.resolve("db-password");
        Files.writeString(password, "  hunter2\n");
        Path redis = dir.resolve("redis-url");
        Files.writeString(redis, "redis://:s3cret@redis:6379\n");
        Map<String, String> env = Map.of("TOKENWARDEN_DB_PASSWORD_FILE", password.toString(),
                "TOKENWARDEN_REDIS_URL_FILE", redis.toString());

        // When
        WorkerConfig c = WorkerConfig.from(ConfigSource.load(null, env, minimal()));

        // Then
        assertEquals("hunter2", c.database().password());
        assertEquals("redis://:s3cret@redis:6379", c.redisUrl().toString());
        assertFalse(c.toString().contains("hunter2") || c.toString().contains("s3cret"), c.toString());
    }

    @Test
    void shouldFailAtStartNamingTheSettingAndNeverTheValueWhenASecretFileIsMissingOrAmbiguous(@TempDir Path dir)
            throws IOException {
        // Given: one file that is missing, one that exists beside its own plain variable, one directory
        Path key = dir.resolve("credential-key");
        Files.writeString(key, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        Map<String, String> env = Map.of(
                "TOKENWARDEN_DB_PASSWORD_FILE", dir.resolve("absent").toString(),
                "TOKENWARDEN_SUB2API_CREDENTIAL_KEY_FILE", key.toString(),
                "TOKENWARDEN_SUB2API_CREDENTIAL_KEY", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "TOKENWARDEN_PROVIDER_GROK_CLIENT_SECRET_FILE", dir.toString());

        // When
        ConfigException e = assertThrows(ConfigException.class,
                () -> WorkerConfig.from(ConfigSource.load(null, env, minimal())));

        // Then
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("db.password (env TOKENWARDEN_DB_PASSWORD_FILE): cannot read the file '"
                + dir.resolve("absent") + "' (NoSuchFileException)"), e.getMessage());
        assertTrue(e.getMessage().contains("sub2api.credential-key (env TOKENWARDEN_SUB2API_CREDENTIAL_KEY): set either"
                + " TOKENWARDEN_SUB2API_CREDENTIAL_KEY or TOKENWARDEN_SUB2API_CREDENTIAL_KEY_FILE, not both"),
                e.getMessage());
        assertTrue(e.getMessage().contains("provider.grok.client-secret (env"
                + " TOKENWARDEN_PROVIDER_GROK_CLIENT_SECRET_FILE): cannot read the file"), e.getMessage());
        assertFalse(e.getMessage().contains("0123456789abcdef"), e.getMessage());
    }

    @Test
    void shouldGiveEverySettingAFileVariableThatIsNoOtherSettingsVariable() {
        java.util.Set<String> variables = new java.util.HashSet<>();
        Settings.ALL.forEach(s -> variables.add(s.envVar()));

        for (Setting s : Settings.ALL) {
            assertFalse(variables.contains(ConfigSource.fileEnvVar(s)), ConfigSource.fileEnvVar(s));
            assertFalse(ConfigSource.fileEnvVar(s).startsWith(ConfigSource.STREAMS_ENV_PREFIX), s.key());
        }
    }
}
