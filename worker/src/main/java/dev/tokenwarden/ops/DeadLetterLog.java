package dev.tokenwarden.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.runtime.KafkaClients;

/**
 * Reads the dead-letter topic from a point in time (the broker's time index: {@code offsetsForTimes}) up to its
 * end, and replays chosen dead letters to their source topics: the original key, value and headers, minus the
 * error headers, exactly the bytes that arrived (KIP-1034: a dead letter carries them untouched).
 */
public final class DeadLetterLog {
    private static final Duration POLL = Duration.ofMillis(200);

    private final WorkerConfig.Kafka kafka;
    private final String topic;

    public DeadLetterLog(WorkerConfig.Kafka kafka, String deadLetterTopic) {
        this.kafka = kafka;
        this.topic = deadLetterTopic;
    }

    /**
     * What a dead letter may show: its place, its reason, sizes, and its key only when that is a plain account id.
     * Never its value, which may hold token text.
     *
     * @param replayable false when the value or key was left out (too large) or the source is unknown
     */
    public record Entry(int partition, long offset, Instant timestamp, String reason, String exception,
            String message, String sourceTopic, Integer sourcePartition, Long sourceOffset, String accountKey,
            Integer keyBytes, Integer valueBytes, Integer valueOmittedBytes, boolean headersOmitted,
            boolean replayable) {

        public String place() {
            return partition + ":" + offset;
        }
    }

    /** A dead letter with the record it came from, which only {@link #replay} reads. */
    public record Letter(Entry entry, ConsumerRecord<byte[], byte[]> record) {
    }

    /** One replayed dead letter: from where on the dead-letter topic, to where on its source topic. */
    public record Replayed(String from, String topic, int partition, long offset) {
    }

    /** Every committed dead letter with a timestamp at or after {@code since}, oldest first per partition. */
    public List<Letter> since(Instant since, Duration maxWait) {
        List<Letter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.consumer(kafka, "tokenwarden-dead-letters"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, maxWait).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("the dead-letter topic " + topic + " does not exist");
            }
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, maxWait);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, maxWait);
            Map<TopicPartition, Long> todo = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                if (start != null && start.offset() < ends.get(tp)) {
                    todo.put(tp, ends.get(tp));
                }
            }
            consumer.assign(todo.keySet());
            todo.keySet().forEach(tp -> consumer.seek(tp, starts.get(tp).offset()));
            long deadline = System.nanoTime() + maxWait.toNanos();
            while (!todo.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    Long end = todo.get(new TopicPartition(r.topic(), r.partition()));
                    if (end != null && r.offset() < end) {
                        out.add(new Letter(entry(r), r));
                    }
                }
                // A transaction marker can be the last offset: a position at the end means done.
                todo.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            if (!todo.isEmpty()) {
                throw new IllegalStateException("reading " + topic + " did not reach its end within " + maxWait);
            }
        }
        out.sort(Comparator.comparing((Letter l) -> l.entry().partition()).thenComparing(l -> l.entry().offset()));
        return out;
    }

    /** Produces each letter's original record to its source partition and waits until all are written. */
    public List<Replayed> replay(List<Letter> letters) throws Exception {
        List<Replayed> out = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaClients.producer(kafka, "tokenwarden-dead-letter-replay"))) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (Letter l : letters) {
                if (!l.entry().replayable()) {
                    throw new IllegalArgumentException("dead letter " + l.entry().place() + " cannot be replayed");
                }
                // Timestamp null (now): the original time may lie beyond the source topic's retention.
                sent.add(producer.send(new ProducerRecord<>(l.entry().sourceTopic(), l.entry().sourcePartition(), null,
                        l.record().key(), l.record().value(), originalHeaders(l.record().headers()))));
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                out.add(new Replayed(letters.get(i).entry().place(), m.topic(), m.partition(), m.offset()));
            }
        }
        return out;
    }

    /** The headers the original record had: every header but the error headers a failure added. */
    static Headers originalHeaders(Headers headers) {
        Headers out = new RecordHeaders();
        for (Header h : headers) {
            if (!h.key().startsWith("__streams.errors.") && !h.key().startsWith("tokenwarden.errors.")) {
                out.add(h.key(), h.value());
            }
        }
        return out;
    }

    private Entry entry(ConsumerRecord<byte[], byte[]> r) {
        Headers h = r.headers();
        String sourceTopic = DeadLetterRecord.text(h, DeadLetterRecord.TOPIC);
        Integer sourcePartition = number(DeadLetterRecord.text(h, DeadLetterRecord.PARTITION)) == null ? null
                : number(DeadLetterRecord.text(h, DeadLetterRecord.PARTITION)).intValue();
        Long sourceOffset = number(DeadLetterRecord.text(h, DeadLetterRecord.OFFSET));
        Long valueOmitted = number(DeadLetterRecord.text(h, DeadLetterRecord.VALUE_OMITTED));
        boolean keyOmitted = h.lastHeader(DeadLetterRecord.KEY_OMITTED) != null;
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        boolean replayable = valueOmitted == null && !keyOmitted && sourceTopic != null && sourcePartition != null
                && sourcePartition >= 0 && !sourceTopic.equals(topic);
        return new Entry(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()),
                DeadLetterRecord.text(h, DeadLetterRecord.ERROR_CLASS), DeadLetterRecord.text(h, DeadLetterRecord.EXCEPTION),
                Report.cut(DeadLetterRecord.text(h, DeadLetterRecord.MESSAGE), 300), sourceTopic, sourcePartition,
                sourceOffset, key != null && key.matches("[0-9]{1,19}") ? key : null,
                r.key() == null ? null : r.key().length, r.value() == null ? null : r.value().length,
                valueOmitted == null ? null : valueOmitted.intValue(), h.lastHeader(DeadLetterRecord.HEADERS_OMITTED) != null,
                replayable);
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
