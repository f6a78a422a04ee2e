package dev.tokenwarden.stack;

import dev.tokenwarden.stack.oauth.FakeOAuthServer;

/**
 * Everything a worker needs, started together: Kafka, PostgreSQL, Redis and the fake OAuth endpoint.
 * PostgreSQL and Redis come from {@code TOKENWARDEN_STACK_JDBC_URL} / {@code TOKENWARDEN_STACK_REDIS_URL}
 * when those are set. Closing stops everything and deletes every temp dir.
 */
public final class LocalStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final LocalPostgres postgres;
    private final LocalRedis redis;
    private final FakeOAuthServer oauth;

    private LocalStack(EmbeddedKafka kafka, LocalPostgres postgres, LocalRedis redis, FakeOAuthServer oauth) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.redis = redis;
        this.oauth = oauth;
    }

    public static LocalStack start() {
        EmbeddedKafka kafka = null;
        LocalPostgres postgres = null;
        LocalRedis redis = null;
        try {
            kafka = EmbeddedKafka.start();
            postgres = LocalPostgres.fromEnvironment();
            redis = LocalRedis.fromEnvironment();
            return new LocalStack(kafka, postgres, redis, FakeOAuthServer.start());
        } catch (RuntimeException e) {
            closeQuietly(redis);
            closeQuietly(postgres);
            closeQuietly(kafka);
            throw e;
        }
    }

    public EmbeddedKafka kafka() {
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

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // Best effort while unwinding a failed start; the original failure is what matters.
        }
    }

    @Override
    public void close() {
        closeQuietly(oauth);
        closeQuietly(redis);
        closeQuietly(postgres);
        closeQuietly(kafka);
    }
}
