package dev.tokenwarden.runtime;


import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.DeadLetterReason;

/**
 * A processor threw (a defect of ours, since intake judged the record): dead-letter the source record and go
 * on. Failing instead would kill the thread, and its replacement would read the same record and die again.
 */
public final class ProcessingFailureHandler extends FailureHandlerBase implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProcessingFailureHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        failures.processing.increment();
        log.error("processing failed at node {} topic={} partition={} offset={}; record dead-lettered and skipped: {}",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(),
                FailureDeadLetters.describe(exception));
        return Response.resume(deadLetters.of(context, exception, DeadLetterReason.PROCESSING_FAILED,
                "processing failed"));
    }
}
