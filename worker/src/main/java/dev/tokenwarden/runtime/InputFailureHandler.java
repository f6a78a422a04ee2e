package dev.tokenwarden.runtime;


import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;

/**
 * Input topics are read as raw bytes and judged by intake, so only a repartition topic's record, which we wrote
 * ourselves, can fail to deserialise: dead-letter it and go on rather than kill the thread.
 */
public final class InputFailureHandler extends FailureHandlerBase implements DeserializationExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(InputFailureHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        failures.input.increment();
        log.error("reading topic={} partition={} offset={} failed ({}); dead-lettered and skipped", record.topic(),
                record.partition(), record.offset(), exception.getClass().getName());
        return Response.resume(deadLetters.of(
                new DeadLetterRecord.Source(record.topic(), record.partition(), record.offset()), record.key(),
                record.value(), record.headers(), record.timestamp(), exception, DeadLetterReason.MALFORMED_JSON,
                "deserialising failed: " + exception.getClass().getSimpleName()));
    }
}
