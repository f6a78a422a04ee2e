/**
 * The shared stack's Kafka, PostgreSQL and Redis in containers through Testcontainers, for
 * {@code -Dtokenwarden.stack=containers}: the only package that uses Testcontainers (an optional dependency of
 * local-stack, test scope in the worker). Images default to the official ones and can be replaced by compatible
 * ones ({@link dev.tokenwarden.stack.containers.ContainerImages}), e.g. the locally built stand-ins CI uses.
 */
package dev.tokenwarden.stack.containers;
