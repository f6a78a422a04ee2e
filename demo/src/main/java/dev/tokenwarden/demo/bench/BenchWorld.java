package dev.tokenwarden.demo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.tokenwarden.config.ConfigSource;
import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.stack.LocalStack;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import dev.tokenwarden.store.DatabaseSettings;
import dev.tokenwarden.store.Migrations;

/**
 * One measurement's world on the shared stack: its own topics, migrated database, fake provider (so its
 * counters count this measurement only) and the worker settings pointing at them. Account writes are
 * counted by a trigger, from outside whatever writes them: the worker, a baseline, anything.
 */
final class BenchWorld implements AutoCloseable {
    static final int PARTITIONS = 6;

    private final String name;
    private final LocalStack stack;
    private final TopicNames topics;
    private final Map<String, String> settings;
    private final DatabaseSettings database;
    private final FakeOAuthServer oauth;
    private final Path dir;

    private BenchWorld(String name, LocalStack stack, TopicNames topics, Map<String, String> settings,
            DatabaseSettings database, FakeOAuthServer oauth, Path dir) {
        this.name = name;
        this.stack = stack;
        this.topics = topics;
        this.settings = settings;
        this.database = database;
        this.oauth = oauth;
        this.dir = dir;
    }

    /**
     * @param providerThreads handler threads of the fake; each answer held for the latency occupies one, so
     *     it must exceed the calls everything measured may have in flight
     */
    static BenchWorld prepare(LocalStack stack, Path runDir, String name, Duration providerLatency, int providerThreads)
            throws IOException, SQLException {
        String suffix = "-bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        TopicNames topics = TopicNames.defaults().withSuffix(suffix);
        stack.kafka().createTopics(PARTITIONS, topics.all());
        FakeOAuthServer oauth = FakeOAuthServer.builder().threads(providerThreads).start();
        oauth.latency(providerLatency);
        Map<String, String> s = new HashMap<>(stack.workerSettings("bench_" + name.replace('-', '_')));
        s.putAll(oauth.providerSettings());
        s.put("kafka.application.id", "tokenwarden" + suffix);
        // The gateways drive every measurement; a sweep would add events nobody sent.
        s.put("sweep.interval", "0s");
        s.put(TopicNames.KEY_REFRESH_NEEDED, topics.refreshNeeded());
        s.put(TopicNames.KEY_UPSTREAM_REJECTED, topics.upstreamRejected());
        s.put(TopicNames.KEY_CREDENTIAL_UPDATED, topics.credentialUpdated());
        s.put(TopicNames.KEY_SCHEDULER_OUTBOX, topics.schedulerOutbox());
        s.put(TopicNames.KEY_DEAD_LETTER, topics.deadLetter());
        DatabaseSettings db = WorkerConfig.databaseFrom(ConfigSource.of(s));
        Migrations.apply(db);
        countAccountWrites(db);
        Path dir = runDir.resolve(name + suffix);
        Files.createDirectories(dir);
        return new BenchWorld(name, stack, topics, s, db, oauth, dir);
    }

    /** An insert-only audit row per updated account row: no counter row for writers to queue on. */
    private static void countAccountWrites(DatabaseSettings db) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_account_writes (account_id BIGINT NOT NULL)");
            s.execute("CREATE FUNCTION bench_count_account_write() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN INSERT INTO bench_account_writes VALUES (NEW.id); RETURN NEW; END $$");
            s.execute("CREATE TRIGGER bench_account_writes AFTER UPDATE ON accounts FOR EACH ROW"
                    + " EXECUTE FUNCTION bench_count_account_write()");
        }
    }

    static Connection connect(DatabaseSettings db) throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    String name() {
        return name;
    }

    LocalStack stack() {
        return stack;
    }

    String bootstrap() {
        return stack.kafka().bootstrapServers();
    }

    TopicNames topics() {
        return topics;
    }

    /** The worker settings of this world (a copy: callers add their own). */
    Map<String, String> workerSettings() {
        return new HashMap<>(settings);
    }

    DatabaseSettings database() {
        return database;
    }

    FakeOAuthServer oauth() {
        return oauth;
    }

    Path dir() {
        return dir;
    }

    String redisUrl() {
        return settings.get("redis.url");
    }

    long accountWrites() {
        return count("SELECT count(*) FROM bench_account_writes");
    }

    long outboxRows() {
        return count("SELECT count(*) FROM scheduler_outbox");
    }

    /** Accounts whose token version moved past the seeded 1: refreshed at least once by anyone. */
    long refreshedAccounts() {
        return count("SELECT count(*) FROM accounts WHERE (credentials->>'_token_version')::bigint > 1");
    }

    long count(String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        oauth.close();
        BenchFiles.deleteRecursively(dir.resolve("state"));
    }
}
