package dev.tokenwarden.runtime;

import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.DeadLetterReason;

/**
 * An output could not be serialised or produced: a retriable error is retried; anything else (a record too
 * large for the producer or the topic, say) skips that output and dead-letters the source record, which a
 * replay handles idempotently. A dead letter that cannot be produced is dropped and counted, never retried:
 * that is the loop that stalls partitions for good.
 */
public final class OutputFailureHandler extends FailureHandlerBase implements ProductionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(OutputFailureHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        return skip(context, record.topic(), exception, "producing");
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface's signature
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return skip(context, record.topic(), exception, "serialising the " + origin.name().toLowerCase() + " of");
    }

    private Response skip(ErrorHandlerContext context, String topic, Exception exception, String what) {
        if (deadLetters.isDeadLetterTopic(topic)) {
            failures.deadLettersDropped.increment();
            log.error("{} a dead letter failed ({}); dropped, the record stays at topic={} partition={} offset={}",
                    what, exception.getClass().getName(), context.topic(), context.partition(), context.offset());
            return Response.resume();
        }
        failures.output.increment();
        log.error("{} an output to {} failed ({}); output skipped, source topic={} partition={} offset={}"
                + " dead-lettered", what, topic, exception.getClass().getName(), context.topic(), context.partition(),
                context.offset());
        List<ProducerRecord<byte[], byte[]>> letters = deadLetters.of(context, exception,
                DeadLetterReason.OUTPUT_FAILED, what + " an output to " + topic + " failed");
        return Response.resume(letters);
    }
}
