package dev.tokenwarden.stack;

import java.util.HashMap;
import java.util.Map;

import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * Everything a worker needs, started together: Kafka, PostgreSQL, Redis and the fake OAuth endpoint.
 * {@link #start()} runs them in this JVM (PostgreSQL and Redis come from {@code TOKENWARDEN_STACK_JDBC_URL} /
 * {@code TOKENWARDEN_STACK_REDIS_URL} when those are set); {@link #on} uses servers started elsewhere
 * (containers). Closing stops everything and deletes every temp dir.
 */
public final class LocalStack implements AutoCloseable {
    private final KafkaCluster kafka;
    private final LocalPostgres postgres;
    private final LocalRedis redis;
    private final FakeOAuthServer oauth;
    /** Stops the servers: the embedded Kafka, or whatever started the external ones. */
    private final AutoCloseable servers;

    private LocalStack(KafkaCluster kafka, LocalPostgres postgres, LocalRedis redis, FakeOAuthServer oauth,
            AutoCloseable servers) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.redis = redis;
        this.oauth = oauth;
        this.servers = servers;
    }

    public static LocalStack start() {
        EmbeddedKafka kafka = null;
        LocalPostgres postgres = null;
        LocalRedis redis = null;
        try {
            kafka = EmbeddedKafka.start();
            postgres = LocalPostgres.fromEnvironment();
            redis = LocalRedis.fromEnvironment();
            return new LocalStack(kafka, postgres, redis, FakeOAuthServer.start(), kafka);
        } catch (RuntimeException e) {
            closeQuietly(redis);
            closeQuietly(postgres);
            closeQuietly(kafka);
            throw e;
        }
    }

    /** Servers started elsewhere, with the fake OAuth endpoint in this JVM; closing it closes {@code servers}. */
    public static LocalStack on(ExternalServers servers) {
        try {
            return new LocalStack(servers.kafka(), servers.postgres(), servers.redis(), FakeOAuthServer.start(),
                    servers.stopper());
        } catch (RuntimeException e) {
            closeQuietly(servers.stopper());
            throw e;
        }
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public LocalRedis redis() {
        return redis;
    }

    public FakeOAuthServer oauth() {
        return oauth;
    }

    /**
     * Worker settings (the keys of the worker's configuration table) pointing at this stack, with a fresh
     * database of its own: brokers, PostgreSQL, Redis, and every platform's token endpoint at the fake
     * provider with its client ids and secrets.
     */
    public Map<String, String> workerSettings(String runName) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        s.put("db.url", postgres.jdbcUrl(postgres.createDatabase(runName)));
        s.put("db.user", postgres.user());
        s.put("db.password", postgres.password());
        s.put("redis.url", redis.url());
        s.putAll(oauth.providerSettings());
        return s;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // Keep closing the rest; say what could not be cleaned up.
            System.err.println("local stack: closing " + c.getClass().getSimpleName() + " failed: " + e);
        }
    }

    @Override
    public void close() {
        closeQuietly(oauth);
        closeQuietly(redis);
        closeQuietly(postgres);
        closeQuietly(servers);
    }
}
