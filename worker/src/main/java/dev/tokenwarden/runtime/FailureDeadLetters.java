package dev.tokenwarden.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;

/**
 * Builds the dead letter of a record whose handling failed, for the exception handlers. The message names the
 * exception's class and where it happened, never its text: a parser's or driver's message can quote a token.
 */
final class FailureDeadLetters {
    /** Set by the worker; the handlers' own copy of {@code dead-letter.max-bytes}. */
    static final String MAX_BYTES_KEY = "tokenwarden.dead-letter.max-bytes";
    private static final int DEFAULT_MAX_BYTES = 1_000_000;

    private final String topic;
    private final int maxBytes;

    private FailureDeadLetters(String topic, int maxBytes) {
        this.topic = topic;
        this.maxBytes = maxBytes;
    }

    static FailureDeadLetters from(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        Object max = configs.get(MAX_BYTES_KEY);
        return new FailureDeadLetters(topic == null ? null : topic.toString(),
                max == null ? DEFAULT_MAX_BYTES : Integer.parseInt(max.toString()));
    }

    boolean isDeadLetterTopic(String name) {
        return topic != null && topic.equals(name);
    }

    /** The source record's dead letter, or none when its bytes are unknown (a punctuator's output). */
    List<ProducerRecord<byte[], byte[]>> of(ErrorHandlerContext context, Exception e, DeadLetterReason reason,
            String what) {
        if (context.topic() == null || context.sourceRawValue() == null) {
            return List.of();
        }
        return of(new DeadLetterRecord.Source(context.topic(), context.partition(), context.offset()),
                context.sourceRawKey(), context.sourceRawValue(), context.headers(), context.timestamp(), e, reason,
                what + ": " + e.getClass().getSimpleName() + " at node " + context.processorNodeId());
    }

    List<ProducerRecord<byte[], byte[]>> of(DeadLetterRecord.Source source, byte[] key, byte[] value,
            Headers headers, long timestamp, Exception e, DeadLetterReason reason, String message) {
        if (topic == null) {
            return List.of();
        }
        DeadLetterRecord.Built letter = DeadLetterRecord.build(source, key, value, headers, e.getClass().getName(),
                reason, message, Instant.now(), maxBytes);
        return List.of(new ProducerRecord<>(topic, null, timestamp, letter.key(), letter.value(), letter.headers()));
    }

    /** For a log line: the class, then the frames of the root cause, without any exception message. */
    static String describe(Throwable e) {
        Throwable root = e;
        StringBuilder chain = new StringBuilder(e.getClass().getName());
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            chain.append(" <- ").append(root.getClass().getName());
        }
        StackTraceElement[] frames = root.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 8); i++) {
            chain.append("\n\tat ").append(frames[i]);
        }
        return chain.toString();
    }
}
