package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";
    private static final String VALID = "00-" + TRACE + "-" + SPAN + "-01";

    @Test
    void shouldReadEveryFieldWhenTheTraceparentIsValid() {
        // Given
        String header = "00-" + TRACE + "-" + SPAN + "-03";

        // When
        Optional<TraceContext> parsed = TraceContext.parse(header, "congo=t61rcWkgMzE");

        // Then
        assertEquals(Optional.of(new TraceContext(TRACE, SPAN, 0x03, "congo=t61rcWkgMzE")), parsed);
    }

    @Test
    void shouldFormatWhatWasParsedWhenWrittenBack() {
        // Given
        TraceContext context = TraceContext.parse(VALID).orElseThrow();

        // When
        String formatted = context.traceparent();

        // Then
        assertEquals(VALID, formatted);
    }

    @Test
    void shouldAcceptALaterVersionWhenItOnlyAppendsFields() {
        // Given
        String header = "cc-" + TRACE + "-" + SPAN + "-01-what-the-future-adds";

        // When
        Optional<TraceContext> parsed = TraceContext.parse(header);

        // Then
        assertEquals("00-" + TRACE + "-" + SPAN + "-01", parsed.orElseThrow().traceparent());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
        "",
        "00-" + TRACE + "-" + SPAN + "-0",                       // too short
        "00-" + TRACE + "-" + SPAN + "-01-",                     // version 00 is exactly 55 characters
        "00-" + TRACE + "-" + SPAN + "-01x",
        "ff-" + TRACE + "-" + SPAN + "-01",                      // version ff is forbidden
        "0g-" + TRACE + "-" + SPAN + "-01",
        "00-00000000000000000000000000000000-" + SPAN + "-01",   // all-zero trace id
        "00-" + TRACE + "-0000000000000000-01",                  // all-zero span id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + SPAN + "-01",   // upper case
        "00-" + TRACE + "-" + SPAN + "-0z",
        "00-4bf92f3577b34da6a3ce929d0e0e473x-" + SPAN + "-01",
        "00_" + TRACE + "-" + SPAN + "-01",
        "00-" + TRACE + "_" + SPAN + "-01",
        "00-" + TRACE + "-" + SPAN + "_01",
        "cc-" + TRACE + "-" + SPAN + "-01x",                     // a later version still needs the dash
    })
    void shouldBeEmptyWhenTheTraceparentIsInvalid(String header) {
        // When
        Optional<TraceContext> parsed = TraceContext.parse(header, "congo=t61rcWkgMzE");

        // Then
        assertTrue(parsed.isEmpty());
    }

    @Test
    void shouldDropOnlyTheTracestateWhenItIsNotPrintableAscii() {
        // When
        TraceContext context = TraceContext.parse(VALID, "congo=\u0000").orElseThrow();

        // Then
        assertNull(context.traceState());
        assertEquals(TRACE, context.traceId());
    }

    @Test
    void shouldKeepTraceIdFlagsAndStateWithANewSpanWhenAChildIsMade() {
        // Given
        TraceContext parent = TraceContext.parse("00-" + TRACE + "-" + SPAN + "-00", "a=1").orElseThrow();

        // When
        TraceContext child = parent.child(new Random(7));

        // Then
        assertEquals(TRACE, child.traceId());
        assertEquals(0x00, child.flags());
        assertEquals("a=1", child.traceState());
        assertNotEquals(SPAN, child.spanId());
        assertTrue(TraceContext.parse(child.traceparent()).isPresent());
    }

    @Test
    void shouldStartASampledTraceWithValidIdsWhenNew() {
        // When
        TraceContext started = TraceContext.newTrace(new Random(1));

        // Then
        assertTrue(started.sampled());
        assertEquals(Optional.of(started), TraceContext.parse(started.traceparent()));
        assertNotEquals(started.traceId(), TraceContext.newTrace(new Random(2)).traceId());
    }

    @Test
    void shouldReadTheCloudEventsPrefixWhenThePlainHeaderIsAbsentOrInvalid() {
        // Given
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceContext.TRACEPARENT, "garbage".getBytes(StandardCharsets.US_ASCII));
        headers.add(TraceContext.CE_TRACEPARENT, VALID.getBytes(StandardCharsets.US_ASCII));
        headers.add(TraceContext.CE_TRACESTATE, "b=2".getBytes(StandardCharsets.US_ASCII));

        // When
        TraceContext read = TraceContext.read(headers).orElseThrow();

        // Then
        assertEquals(new TraceContext(TRACE, SPAN, 1, "b=2"), read);
    }

    @Test
    void shouldStartANewTraceWhenNoHeaderIsValid() {
        // Given
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceContext.TRACEPARENT, new byte[] {(byte) 0xff, 0, 1});

        // When
        TraceContext context = TraceContext.readOrStart(headers);

        // Then
        assertNotEquals(TRACE, context.traceId());
        assertTrue(context.sampled());
    }

    @Test
    void shouldReplaceBothHeadersWhenWritten() {
        // Given
        RecordHeaders headers = new RecordHeaders();
        TraceContext.parse(VALID, "a=1").orElseThrow().write(headers);
        TraceContext second = TraceContext.parse("00-" + TRACE + "-" + "1111111111111111" + "-01").orElseThrow();

        // When
        second.write(headers);

        // Then
        assertEquals(1, headers.toArray().length);
        assertEquals(Optional.of(second), TraceContext.read(headers));
        assertFalse(second.toString().contains("a=1"));
    }
}
