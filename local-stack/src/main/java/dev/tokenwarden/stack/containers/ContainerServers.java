package dev.tokenwarden.stack.containers;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;

import dev.tokenwarden.stack.ExternalServers;
import dev.tokenwarden.stack.LocalPostgres;
import dev.tokenwarden.stack.LocalRedis;

/**
 * Starts Kafka, PostgreSQL and Redis containers together and hands them to the stack as external servers,
 * configured like their embedded counterparts (a single KRaft node sized for exactly-once on one broker, no
 * topic auto-creation, PostgreSQL without fsync and with room for many workers' pools).
 */
final class ContainerServers {
    private static final Logger log = LoggerFactory.getLogger(ContainerServers.class);
    private static final int REDIS_PORT = 6379;
    /** The modules wait 60 s; on a shared two-core machine a JVM broker's first start has taken longer than that. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);
    /**
     * Every container carries this label with the run's id ({@code -Dtokenwarden.stack.run}, random by default):
     * with Ryuk disabled (it cannot be pulled here) nothing else would remove them after a killed JVM, and a
     * script removes exactly its own run's containers by it.
     */
    static final String RUN_LABEL = "dev.tokenwarden.stack.run";
    static final String RUN_PROPERTY = "tokenwarden.stack.run";

    private ContainerServers() {
    }

    static ExternalServers start(ContainerImages images) {
        KafkaContainer kafka = kafka(images);
        PostgreSQLContainer postgres = postgres(images);
        GenericContainer<?> redis = new GenericContainer<>(images.redis()).withExposedPorts(REDIS_PORT);
        List<GenericContainer<?>> all = List.of(kafka, postgres, redis);
        String run = System.getProperty(RUN_PROPERTY, UUID.randomUUID().toString());
        all.forEach(c -> c.withLabel(RUN_LABEL, run).withStartupTimeout(STARTUP_TIMEOUT));
        long startedAt = System.nanoTime();
        try {
            Startables.deepStart(all).join();
        } catch (CompletionException | IllegalStateException e) {
            stopAll(all);
            throw new IllegalStateException("the container stack failed to start (images " + images.kafka() + ", "
                    + images.postgres() + ", " + images.redis() + ")", e.getCause() == null ? e : e.getCause());
        }
        ExternalServers servers = new ExternalServers(
                kafka::getBootstrapServers,
                LocalPostgres.external("jdbc:postgresql://" + postgres.getHost() + ":"
                        + postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT) + "/",
                        postgres.getUsername(), postgres.getPassword()),
                LocalRedis.external("redis://" + redis.getHost() + ":" + redis.getMappedPort(REDIS_PORT)),
                () -> stopAll(all));
        log.info("container stack ready in {} ms (label {}={}): Kafka {} at {}, PostgreSQL {} at {}, Redis {} at {}",
                (System.nanoTime() - startedAt) / 1_000_000, RUN_LABEL, run, images.kafka(), kafka.getBootstrapServers(),
                images.postgres(), servers.postgres().jdbcUrl(""), images.redis(), servers.redis().url());
        return servers;
    }

    private static KafkaContainer kafka(ContainerImages images) {
        // What EmbeddedKafka sets beyond the module's defaults: tests create their topics and expect a typo to fail.
        return new KafkaContainer(images.kafka())
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_NUM_PARTITIONS", "3")
                .withEnv("KAFKA_DEFAULT_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_MIN_INSYNC_REPLICAS", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "5")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "5");
    }

    private static PostgreSQLContainer postgres(ContainerImages images) {
        PostgreSQLContainer postgres = new PostgreSQLContainer(images.postgres())
                .withDatabaseName("tokenwarden")
                .withUsername("tokenwarden")
                .withPassword("tokenwarden");
        // The module's own command plus what LocalPostgres sets: a suite runs many workers' pools at once.
        postgres.setCommand("postgres", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=300");
        return postgres;
    }

    private static void stopAll(List<GenericContainer<?>> containers) {
        for (GenericContainer<?> c : containers) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                log.warn("container stack: stopping {} failed: {}", c.getDockerImageName(), e.toString());
            }
        }
    }
}
