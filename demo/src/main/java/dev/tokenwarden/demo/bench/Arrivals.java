package dev.tokenwarden.demo.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * When each key first became visible on a topic to a {@code read_committed} consumer, as a gateway reading
 * the output would see it: the end of an exactly-once hop is its commit, not its send.
 */
final class Arrivals implements AutoCloseable {
    private final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Arrivals(String bootstrap, String topic, int partitions) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config);
        consumer.assign(all);
        consumer.seekToBeginning(all);
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(5))) {
                        firstSeenNanos.putIfAbsent(r.key(), System.nanoTime());
                    }
                }
            }
        }, "bench-arrivals-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    Long firstSeenNanos(long accountId) {
        return firstSeenNanos.get(String.valueOf(accountId));
    }

    int seen() {
        return firstSeenNanos.size();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
