package dev.tokenwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.DeadLetterRecord;

/** Nothing that fails while handling or producing a record may stop its partition. */
class FailureHandlersTest {
    private static final String DLQ = "tokenwarden.dead-letter.v1";
    private final StreamFailures failures = new StreamFailures();
    private final Map<String, Object> configs = Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DLQ,
            StreamFailures.CONFIG_KEY, failures);

    /** Where the failing record was read; what Kafka Streams hands a handler. */
    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "tokenwarden.refresh-needed.v1"; }
            public int partition() { return 2; }
            public long offset() { return 41; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "refresh-deduplicator"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 0; }
            public byte[] sourceRawKey() { return "7".getBytes(StandardCharsets.UTF_8); }
            public byte[] sourceRawValue() { return "{\"token\":\"secret\"}".getBytes(StandardCharsets.UTF_8); }
        };
    }

    @Test
    void shouldSkipAnOutputTooLargeToProduceAndDeadLetterItsSourceRecord() {
        // Given
        OutputFailureHandler handler = new OutputFailureHandler();
        handler.configure(configs);

        // When an output cannot be produced
        ProductionExceptionHandler.Response response = handler.handleError(context(),
                new ProducerRecord<>("tokenwarden.credential-updated.v1", new byte[1], new byte[1]),
                new RecordTooLargeException("quoted: secret"));

        // Then the partition goes on, and the source record is a dead letter with the reason, not the text
        assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertEquals(DLQ, letter.topic());
        assertArrayEquals("7".getBytes(StandardCharsets.UTF_8), letter.key());
        assertEquals("output_failed", DeadLetterRecord.text(letter.headers(), DeadLetterRecord.ERROR_CLASS));
        assertEquals("41", DeadLetterRecord.text(letter.headers(), DeadLetterRecord.OFFSET));
        assertTrue(!DeadLetterRecord.text(letter.headers(), DeadLetterRecord.MESSAGE).contains("secret"));
        assertEquals(1, failures.output());
    }

    @Test
    void shouldDropADeadLetterThatCannotBeProducedInsteadOfRetryingItForEver() {
        OutputFailureHandler handler = new OutputFailureHandler();
        handler.configure(configs);

        ProductionExceptionHandler.Response response = handler.handleError(context(),
                new ProducerRecord<>(DLQ, new byte[1], new byte[1]), new RecordTooLargeException("too large"));

        assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
        assertEquals(1, failures.deadLettersDropped());
    }

    @Test
    void shouldDeadLetterTheSourceRecordWhenAProcessorThrows() {
        ProcessingFailureHandler handler = new ProcessingFailureHandler();
        handler.configure(configs);

        ProcessingExceptionHandler.Response response = handler.handleError(context(), null,
                new IllegalStateException("a bug"));

        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        assertEquals("processing_failed", DeadLetterRecord.text(
                response.deadLetterQueueRecords().get(0).headers(), DeadLetterRecord.ERROR_CLASS));
        assertEquals(1, failures.processing());
    }
}
