package dev.tokenwarden.stack.containers;

import org.testcontainers.utility.DockerImageName;

/**
 * The images of the container stack: the official ones by default, or any image given by
 * {@code -Dtokenwarden.stack.kafka-image}, {@code -postgres-image}, {@code -redis-image}, declared a compatible
 * substitute for the official one (the Testcontainers modules refuse other names). CI uses locally built stand-ins
 * that honour the official images' environment variables (scripts/container-images).
 */
record ContainerImages(DockerImageName kafka, DockerImageName postgres, DockerImageName redis) {
    static final String KAFKA_PROPERTY = "tokenwarden.stack.kafka-image";
    static final String POSTGRES_PROPERTY = "tokenwarden.stack.postgres-image";
    static final String REDIS_PROPERTY = "tokenwarden.stack.redis-image";

    static ContainerImages fromSystemProperties() {
        return new ContainerImages(
                image(KAFKA_PROPERTY, "apache/kafka:4.4.0", "apache/kafka"),
                image(POSTGRES_PROPERTY, "postgres:15", "postgres"),
                image(REDIS_PROPERTY, "redis:7", "redis"));
    }

    private static DockerImageName image(String property, String official, String substituteFor) {
        String name = System.getProperty(property, official);
        try {
            return DockerImageName.parse(name.trim()).asCompatibleSubstituteFor(substituteFor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + property + " is not an image name: '" + name + "'", e);
        }
    }
}
