package dev.tokenwarden.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what reached a real topic, for tests and the demo's report. It assigns itself every partition
 * instead of joining a group, so a read costs milliseconds rather than a rebalance, and reads committed
 * records only, as the worker's exactly-once output is meant to be read.
 */
public final class TopicReader {
    private TopicReader() {
    }

    /** Everything in the topic now: reads up to the end offsets, so it never waits for records that never come. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        return readAll(bootstrap, topic, "read_committed");
    }

    /**
     * Everything in the topic now, aborted and open transactions' records too (read_uncommitted): what a crashed
     * transactional writer had written, for comparing with what was committed.
     */
    public static List<ConsumerRecord<String, byte[]>> readAllUncommitted(String bootstrap, String topic) {
        return readAll(bootstrap, topic, "read_uncommitted");
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, String isolation) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, isolation)) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /** Waits until at least {@code expected} records are there or the timeout passes; returns all it saw. */
    public static List<ConsumerRecord<String, byte[]>> await(String bootstrap, String topic, int expected,
            Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "read_committed")) {
            assignFromBeginning(consumer, topic);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, String isolation) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
