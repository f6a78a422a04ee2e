package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.DeadLetter;
import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.Decoded;
import dev.tokenwarden.events.EventType;

/**
 * Forwards accepted events, keyed by account id, to {@code acceptedChild}, and everything else to
 * {@code deadLetterChild} as a {@link DeadLetter}. Typed as {@code Object} outputs because the two
 * children take different records.
 */
final class IntakeProcessor<T> implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(IntakeProcessor.class);

    private final EventType<T> type;
    private final IntakeVerdict<T> verdict;
    private final String acceptedChild;
    private final String deadLetterChild;
    private final String source;

    private ProcessorContext<Object, Object> context;
    private Sensor accepted;
    private final Map<DeadLetterReason, Sensor> deadLettered = new EnumMap<>(DeadLetterReason.class);

    IntakeProcessor(EventType<T> type, IntakeVerdict<T> verdict, String acceptedChild, String deadLetterChild,
            String source) {
        this.type = type;
        this.verdict = verdict;
        this.acceptedChild = acceptedChild;
        this.deadLetterChild = deadLetterChild;
        this.source = source;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.accepted = IntakeMetrics.accepted(context, type);
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
            context.forward(record.<Object>withKey(accountKey).withValue(valid.event()), acceptedChild);
            return;
        }
        Decoded.Invalid<T> invalid = (Decoded.Invalid<T>) decoded;
        deadLetter(record, invalid.reason(), invalid.message());
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
        RecordMetadata at = context.recordMetadata().orElseThrow();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        DeadLetter letter = DeadLetter.of(at.topic(), at.partition(), at.offset(), record.key(), record.value(),
                reason, message, now);
        // Never the payload: it may hold a token a gateway put in the wrong field.
        log.warn("dead-lettered {} record topic={} partition={} offset={} reason={}: {}",
                type.name(), at.topic(), at.partition(), at.offset(), reason.json(), message);
        deadLettered.get(reason).record();
        Record<Object, Object> out = new Record<>((Object) record.key(), (Object) letter, record.timestamp(),
                record.headers());
        CloudEventHeaders.write(out.headers(), "dead-letter:" + at.topic() + ":" + at.partition() + ":" + at.offset(),
                EventType.DEAD_LETTER.cloudEventType(), source, now);
        context.forward(out, deadLetterChild);
    }
}
