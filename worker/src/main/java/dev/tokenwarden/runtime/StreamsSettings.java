package dev.tokenwarden.runtime;

import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import dev.tokenwarden.config.WorkerConfig;

/**
 * Kafka Streams properties for a worker; {@code kafka.streams.*} overrides are applied last, and the configuration
 * has already refused those that would undo what correctness needs here (see config's StreamsPassthrough).
 */
final class StreamsSettings {
    /** How long an idle stream thread waits in poll; also the longest a finished attempt waits to be forwarded. */
    static final long POLL_MS = 10;

    private StreamsSettings() {
    }

    static Properties of(WorkerConfig config) {
        return of(config, new StreamFailures());
    }

    /** @param failures where the exception handlers count; handed to them through the configuration */
    @SuppressWarnings("deprecation") // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED: deprecated as the 5.0 default
    static Properties of(WorkerConfig config, StreamFailures failures) {
        WorkerConfig.Kafka kafka = config.kafka();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // Output events and the dedup store's changelog commit together with the input offsets. Side
        // effects outside Kafka (HTTP, PostgreSQL) are guarded separately; see the refresh package.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, kafka.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, kafka.stateDir().toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, kafka.commitInterval().toMillis());
        // Never wait for another input partition of a task to catch up: nothing here joins or orders across
        // topics. With 0, Kafka Streams formats "fetched lag" messages for every idle task on every loop, 17% of
        // the stream thread in a herd.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // An idle stream thread looks at finished refreshes every poll: 100 ms (the default) adds that much to a
        // refresh's latency and to the time a 401'd account is schedulable again.
        p.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
        // Small stores, bounded together: see BoundedRocksDb.
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A killed worker's partitions move after the session timeout; Kafka's 45 s default would keep its
        // accounts waiting far longer than their locks (they must resume within 15 s).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        // none by default: kafkajs cannot read lz4 without a codec ("LZ4 compression not implemented").
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), kafka.outputCompression());
        // With transactions v2 a partition's first batch must land before the next is sent; pipelined batches
        // are rejected (OutOfOrderSequence) and retried after retry.backoff.ms, which stalls every commit.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // the 5.0 default
        // No failure may stop a partition: each handler dead-letters the source record and goes on.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputFailureHandler.class.getName());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, InputFailureHandler.class.getName());
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetter());
        p.put(FailureDeadLetters.MAX_BYTES_KEY, Integer.toString(config.deadLetterMaxBytes()));
        p.put(StreamFailures.CONFIG_KEY, failures);
        // Headroom over dead-letter.max-bytes, so a dead letter at the bound is never refused by the producer.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Math.max(1024 * 1024, config.deadLetterMaxBytes() + 64 * 1024));
        p.putAll(kafka.streamsOverrides());
        return p;
    }
}
