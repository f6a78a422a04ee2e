/**
 * Real servers for tests and the demo, started from Maven artifacts: an in-JVM KRaft broker, embedded
 * PostgreSQL and Redis (or external ones by URL), and the fake OAuth token endpoint in {@code oauth}.
 * {@link dev.tokenwarden.stack.SharedStack} can run Kafka, PostgreSQL and Redis elsewhere instead, through a
 * {@link dev.tokenwarden.stack.ServerProvider} ({@code containers}, found by ServiceLoader so this package does not
 * depend on it). Nothing here is on the production worker's classpath.
 */
package dev.tokenwarden.stack;
