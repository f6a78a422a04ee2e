package dev.tokenwarden.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.tokenwarden.events.TopicNames;

/**
 * The validated configuration of one worker process. Built only by {@link #from(ConfigSource)}, which
 * reports every bad setting at once.
 */
public record WorkerConfig(
        Kafka kafka,
        TopicNames topics,
        int maxEventBytes,
        Database database,
        URI redisUrl) {

    /** @param streamsOverrides raw Kafka Streams settings given as {@code kafka.streams.*} */
    public record Kafka(String bootstrapServers, String applicationId, int streamThreads, Path stateDir,
            Duration commitInterval, Map<String, String> streamsOverrides) {
    }

    /** @param password never printed; see {@link #toString()} */
    public record Database(String url, String user, String password) {

        /** Only the database settings, for commands such as {@code migrate} that need nothing else. */
        public static Database from(ConfigSource source) {
            ConfigReader r = new ConfigReader(source);
            Database db = read(r);
            r.finish();
            return db;
        }

        static Database read(ConfigReader r) {
            return new Database(r.jdbcUrl(Settings.DB_URL), r.string(Settings.DB_USER), r.string(Settings.DB_PASSWORD));
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=<redacted>]";
        }
    }

    /** What a gateway-side client (the {@code produce} command) needs: brokers and topic names. */
    public record Client(String bootstrapServers, TopicNames topics) {
        public static Client from(ConfigSource source) {
            ConfigReader r = new ConfigReader(source);
            Client client = new Client(r.nonBlankList(Settings.KAFKA_BOOTSTRAP_SERVERS), readTopics(r));
            r.finish();
            return client;
        }
    }

    public static WorkerConfig from(ConfigSource source) {
        ConfigReader r = new ConfigReader(source);
        Kafka kafka = new Kafka(
                r.nonBlankList(Settings.KAFKA_BOOTSTRAP_SERVERS),
                r.string(Settings.KAFKA_APPLICATION_ID),
                r.intBetween(Settings.KAFKA_STREAM_THREADS, 1, 64),
                Path.of(r.string(Settings.KAFKA_STATE_DIR)),
                r.durationBetween(Settings.KAFKA_COMMIT_INTERVAL, Duration.ofMillis(10), Duration.ofMinutes(1)),
                source.streamsPassthrough());
        TopicNames topics = readTopics(r);
        int maxEventBytes = r.intBetween(Settings.INTAKE_MAX_EVENT_BYTES, 256, 1024 * 1024);
        Database database = Database.read(r);
        URI redisUrl = r.uri(Settings.REDIS_URL, Set.of("redis", "rediss"));
        r.finish();
        return new WorkerConfig(kafka, topics, maxEventBytes, database, redisUrl);
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
