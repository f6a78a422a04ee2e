package dev.tokenwarden;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tokenwarden.stack.SharedStack;
import dev.tokenwarden.stack.TopicReader;

/**
 * What a credential-updated consumer must cope with, written beside the worker's own event for one account: the
 * same record again (the worker's replay after a crash), a record of an aborted transaction, and then a sentinel
 * event for another account on the same partition, so a consumer that reaches the sentinel has read the rest.
 */
final class CredentialUpdatedCopies {
    private final String topic;
    private final String bootstrap = SharedStack.get().kafka().bootstrapServers();

    CredentialUpdatedCopies(String topic) {
        this.topic = topic;
    }

    /** The worker's committed credential-updated record for the account. */
    ConsumerRecord<String, byte[]> workersEvent(long id) {
        return TopicReader.await(bootstrap, topic, 1, Duration.ofSeconds(30)).stream()
                .filter(r -> r.key().equals(Long.toString(id))).findFirst()
                .orElseThrow(() -> new AssertionError("no credential-updated for " + id));
    }

    /** Writes the copies and returns the sentinel's account id. */
    long writeCopiesAndSentinel(ConsumerRecord<String, byte[]> workers, long id, int partitions) {
        produce(workers.key(), workers.value(), false);
        produce(workers.key(), document(id, Long.MAX_VALUE - 1), true);
        long sentinel = sentinelBeside(id, partitions);
        produce(Long.toString(sentinel), document(sentinel, 1), false);
        return sentinel;
    }

    /** The first id above {@code id} whose key Java's partitioner puts on the same partition. */
    static long sentinelBeside(long id, int partitions) {
        int partition = partition(id, partitions);
        long candidate = id + 1_000_000;
        while (partition(candidate, partitions) != partition) {
            candidate++;
        }
        return candidate;
    }

    static int partition(long id, int partitions) {
        return BuiltInPartitioner.partitionForKey(Long.toString(id).getBytes(StandardCharsets.UTF_8), partitions);
    }

    private static byte[] document(long id, long version) {
        return ("{\"event_id\":\"credential-updated:" + id + ":" + version + "\",\"account_id\":" + id
                + ",\"platform\":\"openai\",\"token_version\":" + version + ",\"expires_at\":null,"
                + "\"occurred_at\":\"2026-12-01T09:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    private void produce(String key, byte[] value, boolean abort) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (abort) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "copies-aborted-" + topic + "-" + key);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            if (abort) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
            if (abort) {
                producer.abortTransaction();
            }
        }
    }
}
