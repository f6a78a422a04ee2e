package dev.tokenwarden.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.tokenwarden.cooldown.AdaptiveCooldown;
import dev.tokenwarden.cooldown.CooldownPolicy;
import dev.tokenwarden.cooldown.CooldownSettings;
import dev.tokenwarden.cooldown.OutageDetector;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.provider.ProviderSettings;
import dev.tokenwarden.refresh.RefreshSettings;
import dev.tokenwarden.refresh.SweepSettings;
import dev.tokenwarden.store.DatabaseSettings;
import dev.tokenwarden.store.envelope.CredentialKey;

/**
 * The validated configuration of one worker process. Built only by {@link #from(ConfigSource)}, which
 * reports every bad setting at once.
 */
public record WorkerConfig(
        Kafka kafka,
        TopicNames topics,
        int maxEventBytes,
        int deadLetterMaxBytes,
        DatabaseSettings database,
        URI redisUrl,
        RefreshSettings refresh,
        SweepSettings sweep,
        CooldownSettings cooldown,
        Shutdown shutdown,
        Map<Platform, ProviderSettings> providers,
        Sub2api sub2api,
        Operate operate) {

    /**
     * How operators watch the worker.
     *
     * @param httpPort 0 when there is no operator HTTP server: several workers share a host in tests
     * @param jsonLogs one JSON object per log line instead of text
     */
    public record Operate(int httpPort, String httpBindAddress, boolean jsonLogs) {
        public boolean httpEnabled() {
            return httpPort != 0;
        }

        /** Only the logging choice, read before anything else logs. */
        public static boolean jsonLogs(ConfigSource source) {
            String v = source.raw(Settings.LOG_FORMAT);
            return v != null && v.strip().equalsIgnoreCase("json");
        }
    }

    /**
     * Running beside sub2api. {@code credentialKey} is empty when {@code sub2api.credential-key} is not set; its
     * {@code toString} never shows the key.
     *
     * @param compatibleLock also hold sub2api's own refresh lock while refreshing
     */
    public record Sub2api(Optional<CredentialKey> credentialKey, boolean compatibleLock) {
    }

    /**
     * How a stop goes: the stream threads close and held provider answers are written in parallel;
     * {@code timeout} bounds the whole stop, {@code answerDrain} the wait for answers.
     */
    public record Shutdown(Duration timeout, Duration answerDrain) {
    }

    /** Every part, with passwords in URLs hidden. */
    @Override
    public String toString() {
        return "WorkerConfig[kafka=" + kafka + ", topics=" + topics + ", maxEventBytes=" + maxEventBytes
                + ", deadLetterMaxBytes=" + deadLetterMaxBytes
                + ", database=" + describe(database)
                + ", redisUrl=" + Setting.redactCredentials(String.valueOf(redisUrl))
                + ", refresh=" + refresh + ", sweep=" + sweep + ", cooldown=" + cooldown + ", shutdown=" + shutdown
                + ", providers=" + providers + ", sub2api=" + sub2api + ", operate=" + operate
                + "]";
    }

    /** The database settings as {@link #toString()} shows them: the URL with any password in it hidden. */
    private static String describe(DatabaseSettings db) {
        return "Database[url=" + Setting.redactCredentials(db.url()) + ", user=" + db.user()
                + ", password=<redacted>]";
    }

    /**
     * @param outputCompression the producer's {@code compression.type} for every output
     * @param streamsOverrides raw Kafka Streams settings given as {@code kafka.streams.*}
     */
    public record Kafka(String bootstrapServers, String applicationId, int streamThreads, Path stateDir,
            Duration commitInterval, String outputCompression, Map<String, String> streamsOverrides) {
    }

    /** What a gateway-side client (the {@code produce} command) needs: brokers and topic names. */
    public record Client(String bootstrapServers, TopicNames topics) {
        public static Client from(ConfigSource source) {
            ConfigReader r = new ConfigReader(source);
            Client client = new Client(r.hostPortList(Settings.KAFKA_BOOTSTRAP_SERVERS), readTopics(r));
            r.finish();
            return client;
        }
    }

    /**
     * What {@code tokenwarden topics --create} makes and {@code --check} expects.
     *
     * @param replicationFactor {@link #BROKER_DEFAULT} for the broker's {@code default.replication.factor}
     */
    public record TopicLayout(int partitions, int replicationFactor, Duration deadLetterRetention) {
        public static final int BROKER_DEFAULT = -1;
    }

    /** What the Kafka-only operator commands ({@code topics}, {@code dead-letters}) need: no database, no Redis. */
    public record KafkaAccess(Kafka kafka, TopicNames topics, int deadLetterMaxBytes, TopicLayout layout) {
        public static KafkaAccess from(ConfigSource source) {
            ConfigReader r = new ConfigReader(source);
            KafkaAccess access = new KafkaAccess(readKafka(r, source), readTopics(r), readDeadLetterMaxBytes(r),
                    readTopicLayout(r));
            r.finish();
            return access;
        }
    }

    /** Only the database settings, for commands such as {@code migrate} that need nothing else. */
    public static DatabaseSettings databaseFrom(ConfigSource source) {
        ConfigReader r = new ConfigReader(source);
        DatabaseSettings db = readDatabase(r);
        r.finish();
        return db;
    }

    public static WorkerConfig from(ConfigSource source) {
        ConfigReader r = new ConfigReader(source);
        Kafka kafka = readKafka(r, source);
        TopicNames topics = readTopics(r);
        readTopicLayout(r); // unused by run, but a bad value in the shared file is reported at start like any other
        int maxEventBytes = r.intBetween(Settings.INTAKE_MAX_EVENT_BYTES, 256, 1024 * 1024);
        int deadLetterMaxBytes = readDeadLetterMaxBytes(r);
        DatabaseSettings database = readDatabase(r);
        URI redisUrl = r.uri(Settings.REDIS_URL, Set.of("redis", "rediss"));
        RefreshSettings refresh = new RefreshSettings(
                r.durationBetween(Settings.REFRESH_DEDUP_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
                r.durationBetween(Settings.REFRESH_LOCK_LEASE, Duration.ofSeconds(2), Duration.ofMinutes(10)),
                r.intBetween(Settings.REFRESH_RETRY_ATTEMPTS, 1, 20),
                r.durationBetween(Settings.REFRESH_RETRY_BACKOFF, Duration.ofMillis(10), Duration.ofMinutes(5)),
                r.durationBetween(Settings.REFRESH_RETRY_MAX_BACKOFF, Duration.ofMillis(10), Duration.ofHours(1)),
                r.durationBetween(Settings.REFRESH_EXHAUSTED_COOLDOWN, Duration.ofSeconds(1), Duration.ofDays(1)),
                r.durationBetween(Settings.LOCK_CONNECT_WAIT, Duration.ZERO, Duration.ofMinutes(5)));
        SweepSettings sweep = new SweepSettings(
                r.durationBetween(Settings.SWEEP_INTERVAL, Duration.ZERO, Duration.ofDays(1)),
                r.durationBetween(Settings.SWEEP_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
                r.intBetween(Settings.SWEEP_PAGE_SIZE, 10, 10_000));
        CooldownSettings cooldown = readCooldown(r);
        Map<Platform, ProviderSettings> providers = ProviderConfig.read(r);
        Shutdown shutdown = new Shutdown(
                r.durationBetween(Settings.SHUTDOWN_TIMEOUT, Duration.ofSeconds(1), Duration.ofMinutes(10)),
                r.durationBetween(Settings.SHUTDOWN_ANSWER_DRAIN, Duration.ZERO, Duration.ofMinutes(10)));
        if (shutdown.answerDrain().compareTo(shutdown.timeout()) > 0) {
            r.problem(Settings.SHUTDOWN_ANSWER_DRAIN, "must not exceed shutdown.timeout (" + shutdown.timeout() + ")",
                    shutdown.answerDrain().toString());
        }
        Sub2api sub2api = readSub2api(r);
        Operate operate = readOperate(r);
        r.finish();
        return new WorkerConfig(kafka, topics, maxEventBytes, deadLetterMaxBytes, database, redisUrl, refresh, sweep,
                cooldown, shutdown, providers, sub2api, operate);
    }

    private static DatabaseSettings readDatabase(ConfigReader r) {
        return new DatabaseSettings(r.jdbcUrl(Settings.DB_URL), r.string(Settings.DB_USER),
                r.string(Settings.DB_PASSWORD));
    }

    private static Operate readOperate(ConfigReader r) {
        int port = r.intBetween(Settings.HTTP_PORT, 0, 65_535);
        String bind = r.string(Settings.HTTP_BIND_ADDRESS);
        if (bind == null || bind.isBlank() || bind.strip().contains(" ")) {
            r.problem(Settings.HTTP_BIND_ADDRESS, "must be an IP address or host name", bind);
        }
        String format = r.oneOf(Settings.LOG_FORMAT, Settings.LOG_FORMATS);
        return new Operate(port, bind == null ? "" : bind.strip(), "json".equals(format));
    }

    private static Kafka readKafka(ConfigReader r, ConfigSource source) {
        return new Kafka(
                r.hostPortList(Settings.KAFKA_BOOTSTRAP_SERVERS),
                r.string(Settings.KAFKA_APPLICATION_ID),
                r.intBetween(Settings.KAFKA_STREAM_THREADS, 1, 64),
                Path.of(r.string(Settings.KAFKA_STATE_DIR)),
                r.durationBetween(Settings.KAFKA_COMMIT_INTERVAL, Duration.ofMillis(10), Duration.ofMinutes(1)),
                r.oneOf(Settings.KAFKA_OUTPUT_COMPRESSION, Settings.OUTPUT_COMPRESSIONS),
                StreamsPassthrough.read(r, source));
    }

    private static int readDeadLetterMaxBytes(ConfigReader r) {
        return r.intBetween(Settings.DEAD_LETTER_MAX_BYTES, 64 * 1024, 100 * 1024 * 1024);
    }

    private static TopicLayout readTopicLayout(ConfigReader r) {
        int partitions = r.intBetween(Settings.TOPICS_PARTITIONS, 1, 10_000);
        int replication = r.intBetween(Settings.TOPICS_REPLICATION_FACTOR, TopicLayout.BROKER_DEFAULT, 32);
        if (replication == 0) {
            r.problem(Settings.TOPICS_REPLICATION_FACTOR, "must be -1 (the broker's default) or 1 to 32", "0");
        }
        return new TopicLayout(partitions, replication,
                r.durationBetween(Settings.TOPICS_DEAD_LETTER_RETENTION, Duration.ofHours(1), Duration.ofDays(3650)));
    }

    private static Sub2api readSub2api(ConfigReader r) {
        String hex = r.string(Settings.SUB2API_CREDENTIAL_KEY);
        String keyId = r.string(Settings.SUB2API_CREDENTIAL_KEY_ID);
        Optional<CredentialKey> key = Optional.empty();
        if (keyId == null || keyId.isBlank()) {
            r.problem(Settings.SUB2API_CREDENTIAL_KEY_ID, "must not be blank", keyId);
        } else if (hex != null && !hex.isBlank()) {
            try {
                key = Optional.of(CredentialKey.fromHex(hex, keyId.strip()));
            } catch (IllegalArgumentException e) {
                r.problem(Settings.SUB2API_CREDENTIAL_KEY, e.getMessage(), hex); // shown as <redacted>
            }
        }
        String lock = r.string(Settings.LOCK_SUB2API_COMPATIBLE);
        String flag = lock == null ? "" : lock.strip().toLowerCase(Locale.ROOT);
        if (!flag.equals("true") && !flag.equals("false")) {
            r.problem(Settings.LOCK_SUB2API_COMPATIBLE, "must be true or false", lock);
        }
        return new Sub2api(key, flag.equals("true"));
    }

    private static CooldownSettings readCooldown(ConfigReader r) {
        String spec = r.string(Settings.COOLDOWN_POLICY);
        CooldownPolicy policy = CooldownPolicySyntax.parse(CooldownPolicySyntax.DEFAULT);
        try {
            policy = CooldownPolicySyntax.parse(spec == null ? "" : spec);
        } catch (IllegalArgumentException e) {
            r.problem(Settings.COOLDOWN_POLICY, e.getMessage(), spec);
        }
        return new CooldownSettings(policy,
                r.durationBetween(Settings.COOLDOWN_AUTH_PENDING, Duration.ofSeconds(1), Duration.ofHours(1)),
                r.durationBetween(Settings.COOLDOWN_REFRESH_GRACE, Duration.ZERO, Duration.ofHours(1)),
                r.durationBetween(Settings.COOLDOWN_MAX, Duration.ofSeconds(1), Duration.ofDays(1)),
                r.durationBetween(Settings.COOLDOWN_GRANULARITY, Duration.ZERO, Duration.ofHours(1)),
                r.durationBetween(Settings.COOLDOWN_DEDUP_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
                r.durationBetween(Settings.COOLDOWN_REFRESH_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
                new OutageDetector.Settings(
                        r.durationBetween(Settings.COOLDOWN_OUTAGE_WINDOW, Duration.ofSeconds(10), Duration.ofHours(1)),
                        r.intBetween(Settings.COOLDOWN_OUTAGE_MIN_ACCOUNTS, 2, 100_000),
                        r.intBetween(Settings.COOLDOWN_OUTAGE_SHARE, 1, 100) / 100.0),
                r.durationBetween(Settings.COOLDOWN_OUTAGE_HOLD, Duration.ZERO, Duration.ofMinutes(5)),
                r.durationBetween(Settings.COOLDOWN_RATE_LIMIT_MAX, Duration.ofMinutes(1), Duration.ofDays(30)),
                readAdaptive(r));
    }

    private static AdaptiveCooldown readAdaptive(ConfigReader r) {
        Duration start = r.durationBetween(Settings.COOLDOWN_ADAPTIVE_START, Duration.ofSeconds(1), Duration.ofHours(1));
        Duration window = r.durationBetween(Settings.COOLDOWN_ADAPTIVE_WINDOW, Duration.ofSeconds(1),
                Duration.ofDays(1));
        String spec = r.string(Settings.COOLDOWN_ADAPTIVE);
        try {
            return AdaptiveCooldown.parse(spec, start == null ? Duration.ofSeconds(30) : start,
                    window == null ? Duration.ofMinutes(10) : window);
        } catch (IllegalArgumentException e) {
            r.problem(Settings.COOLDOWN_ADAPTIVE, e.getMessage(), spec);
            return AdaptiveCooldown.none();
        }
    }

    private static TopicNames readTopics(ConfigReader r) {
        TopicNames defaults = TopicNames.defaults();
        String[] names = {
            r.string(Settings.TOPIC_REFRESH_NEEDED), r.string(Settings.TOPIC_UPSTREAM_REJECTED),
            r.string(Settings.TOPIC_CREDENTIAL_UPDATED), r.string(Settings.TOPIC_SCHEDULER_OUTBOX),
            r.string(Settings.TOPIC_DEAD_LETTER)};
        try {
            TopicNames topics = new TopicNames(names[0], names[1], names[2], names[3], names[4]);
            if (topics.all().stream().distinct().count() != topics.all().size()) {
                r.problem(Settings.TOPIC_DEAD_LETTER, "every topic.* setting must name a different topic",
                        String.join(",", topics.all()));
            }
            return topics;
        } catch (IllegalArgumentException e) {
            r.problem(e.getMessage()); // TopicNames names the key, the rule and the value

            return defaults;
        }
    }
}
