/**
 * The compose demo's own processes: {@code tokenwarden fake-provider}, the sanctioned fake OAuth
 * token endpoint as a long-running server other containers reach by name, with an admin port that issues demo
 * refresh tokens and shows its call ledger; and {@code tokenwarden gateways}, a one-shot round of simulated
 * gateways that seeds accounts pointing at that provider, sends a refresh storm, waits for the workers and judges
 * the round from the database and the provider's ledger. Unlike {@code demo} and {@code chaos}, nothing here
 * starts a stack: Kafka, PostgreSQL, Redis and the workers are the compose file's containers.
 */
package dev.tokenwarden.demo.compose;
