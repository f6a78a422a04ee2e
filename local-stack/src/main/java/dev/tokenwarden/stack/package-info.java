/**
 * Real servers for tests and the demo, started from Maven artifacts: an in-JVM KRaft broker, embedded
 * PostgreSQL and Redis (or external ones by URL), and the fake OAuth token endpoint in {@code oauth}.
 * Nothing here is on the production worker's classpath.
 */
package dev.tokenwarden.stack;
