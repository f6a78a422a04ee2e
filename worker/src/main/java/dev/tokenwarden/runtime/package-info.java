/**
 * Wiring and lifecycle of one worker process: the whole topology from its sub-topologies, the Kafka
 * Streams settings (exactly-once v2), start, health of the stream threads, and orderly shutdown.
 * {@link dev.tokenwarden.runtime.Worker} starts, stops and waits; {@code Dependencies} wires the clients and pools;
 * {@link dev.tokenwarden.runtime.WorkerStatus} is all that metrics, health checks and tests read of a running worker.
 */
package dev.tokenwarden.runtime;
