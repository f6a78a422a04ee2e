package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;
import dev.tokenwarden.events.Decoded;
import dev.tokenwarden.events.EventType;

/**
 * Forwards accepted events, keyed by account id, to the entry node when the record sits on the partition Java's
 * default partitioner gives its key, to the repartition topic otherwise, and everything else to the dead-letter
 * sink as a {@link DeadLetterRecord}. Typed as {@code Object} outputs because the children take different records.
 */
final class IntakeProcessor<T> implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(IntakeProcessor.class);

    /**
     * @param partitions the input topic's partition count, read from the broker at start
     */
    record Routing(String entry, String repartition, String deadLetter, int partitions) {
        Routing {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
            }
        }

        /** Java's {@code BuiltInPartitioner.partitionForKey}: what a Java producer's default partitioner picks. */
        int javaPartitionOf(byte[] key) {
            return Utils.toPositive(Utils.murmur2(key)) % partitions;
        }
    }

    private final EventType<T> type;
    private final IntakeVerdict<T> verdict;
    private final Routing routing;
    private final int deadLetterMaxBytes;

    private ProcessorContext<Object, Object> context;
    private Sensor accepted;
    private Sensor repartitioned;
    private final Map<DeadLetterReason, Sensor> deadLettered = new EnumMap<>(DeadLetterReason.class);

    IntakeProcessor(EventType<T> type, IntakeVerdict<T> verdict, Routing routing, int deadLetterMaxBytes) {
        this.type = type;
        this.verdict = verdict;
        this.routing = routing;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.accepted = IntakeMetrics.accepted(context, type);
        this.repartitioned = IntakeMetrics.repartitioned(context, type);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason, IntakeMetrics.deadLettered(context, type, reason));
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Decoded<T> decoded = verdict.judge(record.key(), record.value(), record.headers());
        if (decoded instanceof Decoded.Valid<T> valid) {
            accepted.record();
            // The verdict proved the key is the account id, so it is safe to carry on as a string.
            String accountKey = new String(record.key(), StandardCharsets.UTF_8);
            Record<Object, Object> out = record.<Object>withKey(accountKey).withValue(valid.event());
            int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(-1);
            if (partition == routing.javaPartitionOf(record.key())) {
                context.forward(out, routing.entry());
            } else {
                repartitioned.record();
                context.forward(out, routing.repartition());
            }
            return;
        }
        Decoded.Invalid<T> invalid = (Decoded.Invalid<T>) decoded;
        deadLetter(record, invalid.reason(), invalid.message());
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
        RecordMetadata at = context.recordMetadata().orElseThrow();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        DeadLetterRecord.Built letter = DeadLetterRecord.build(
                new DeadLetterRecord.Source(at.topic(), at.partition(), at.offset()), record.key(), record.value(),
                record.headers(), DeadLetterRecord.REJECTED, reason, message, now, deadLetterMaxBytes);
        // Never the payload: it may hold a token a gateway put in the wrong field. The message is ours.
        try (var topic = MDC.putCloseable("topic", at.topic());
                var partition = MDC.putCloseable("partition", Integer.toString(at.partition()));
                var offset = MDC.putCloseable("offset", Long.toString(at.offset()))) {
            log.warn("dead-lettered {} record topic={} partition={} offset={} reason={}: {}",
                    type.name(), at.topic(), at.partition(), at.offset(), reason.json(), message);
        }
        deadLettered.get(reason).record();
        context.forward(new Record<Object, Object>(letter.key(), letter.value(), record.timestamp(), letter.headers()),
                routing.deadLetter());
    }
}
