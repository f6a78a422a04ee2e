/**
 * Liveness and readiness: {@link dev.tokenwarden.health.HealthRules} decides from the Kafka Streams
 * state and whether PostgreSQL and Redis answer; {@link dev.tokenwarden.health.HealthChecks} asks them, each check
 * bounded in time and cached for a second so a probe storm never becomes a database storm.
 */
package dev.tokenwarden.health;
