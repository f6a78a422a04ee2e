/**
 * Wiring and lifecycle of one worker process: the whole topology from its sub-topologies, the Kafka
 * Streams settings (exactly-once v2), start, health of the stream threads, and orderly shutdown.
 */
package dev.tokenwarden.runtime;
