package dev.tokenwarden.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.tokenwarden.events.TopicNames;

/** Every configuration key the worker reads, in the order the README's table lists them. */
public final class Settings {
    private static final TopicNames DEFAULT_TOPICS = TopicNames.defaults();

    public static final Setting KAFKA_BOOTSTRAP_SERVERS = Setting.required("kafka.bootstrap.servers",
            "Kafka brokers, host:port[,host:port]");
    public static final Setting KAFKA_APPLICATION_ID = Setting.optional("kafka.application.id", "tokenwarden",
            "Kafka Streams application id: consumer group, prefix of internal topics and transactional ids");
    public static final Setting KAFKA_STREAM_THREADS = Setting.optional("kafka.stream.threads", "1",
            "stream threads per worker process (1-64)");
    public static final Setting KAFKA_STATE_DIR = Setting.optional("kafka.state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "tokenwarden-streams").toString(),
            "local state store directory; must be unique per process on one host");
    public static final Setting KAFKA_COMMIT_INTERVAL = Setting.optional("kafka.commit.interval", "100ms",
            "exactly-once commit interval; lower means faster output, more transactions");

    public static final Setting TOPIC_REFRESH_NEEDED = Setting.optional("topic.refresh-needed",
            DEFAULT_TOPICS.refreshNeeded(), "input: refresh-needed events from gateways and the sweep");
    public static final Setting TOPIC_UPSTREAM_REJECTED = Setting.optional("topic.upstream-rejected",
            DEFAULT_TOPICS.upstreamRejected(), "input: upstream-rejected (401/403/529) events from gateways");
    public static final Setting TOPIC_CREDENTIAL_UPDATED = Setting.optional("topic.credential-updated",
            DEFAULT_TOPICS.credentialUpdated(), "output: credential-updated events (no secrets)");
    public static final Setting TOPIC_SCHEDULER_OUTBOX = Setting.optional("topic.scheduler-outbox",
            DEFAULT_TOPICS.schedulerOutbox(), "output: scheduler-outbox account_changed events");
    public static final Setting TOPIC_DEAD_LETTER = Setting.optional("topic.dead-letter",
            DEFAULT_TOPICS.deadLetter(), "output: rejected input with its original bytes and the reason");

    public static final Setting INTAKE_MAX_EVENT_BYTES = Setting.optional("intake.max-event-bytes", "16384",
            "larger input records are dead-lettered as oversized (256-1048576)");

    public static final Setting DB_URL = Setting.required("db.url",
            "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/sub2api");
    public static final Setting DB_USER = Setting.optional("db.user", "postgres", "PostgreSQL user");
    public static final Setting DB_PASSWORD = Setting.secret("db.password", "", "PostgreSQL password (never printed)");

    public static final Setting REDIS_URL = Setting.optional("redis.url", "redis://127.0.0.1:6379",
            "Redis for the per-account refresh lock (redis:// or rediss://)");

    public static final List<Setting> ALL = List.of(
            KAFKA_BOOTSTRAP_SERVERS, KAFKA_APPLICATION_ID, KAFKA_STREAM_THREADS, KAFKA_STATE_DIR, KAFKA_COMMIT_INTERVAL,
            TOPIC_REFRESH_NEEDED, TOPIC_UPSTREAM_REJECTED, TOPIC_CREDENTIAL_UPDATED, TOPIC_SCHEDULER_OUTBOX,
            TOPIC_DEAD_LETTER,
            INTAKE_MAX_EVENT_BYTES,
            DB_URL, DB_USER, DB_PASSWORD,
            REDIS_URL);

    private Settings() {
    }

    public static Optional<Setting> byKey(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}
