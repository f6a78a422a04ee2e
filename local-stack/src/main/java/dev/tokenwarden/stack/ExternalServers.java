package dev.tokenwarden.stack;

/**
 * Kafka, PostgreSQL and Redis running outside this JVM (PostgreSQL and Redis as {@link LocalPostgres#external}
 * and {@link LocalRedis#external}), and what stops them.
 */
public record ExternalServers(KafkaCluster kafka, LocalPostgres postgres, LocalRedis redis, AutoCloseable stopper) {
}
