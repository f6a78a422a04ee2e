package dev.tokenwarden.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;

class LineEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void backToText() {
        LogFormat.useJson(false);
    }

    private LoggingEvent event(String logger, Level level, String template, Object... args) {
        LoggingEvent e = new LoggingEvent("x", context.getLogger(logger), level, template, null, args);
        e.setThreadName("t1");
        return e;
    }

    private String encode(LineEncoder encoder, LoggingEvent e) {
        return new String(encoder.encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTextAsSlf4jSimpleDidByDefault() {
        String line = encode(new LineEncoder(), event("dev.tokenwarden.intake.IntakeProcessor", Level.WARN,
                "dead-lettered {} record", "refresh-needed"));
        assertTrue(line.matches("\\S+ \\[t1] WARN dev\\.tokenwarden\\.intake\\.IntakeProcessor - dead-lettered"
                + " refresh-needed record\n"), line);
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithTheAccountAndRecordAsFields() throws Exception {
        LogFormat.useJson(true);
        LoggingEvent e = event("dev.tokenwarden.refresh.RefreshAttempt", Level.WARN,
                "account {}: marked error \"quoted\"\nnext", 42L);
        e.setMDCPropertyMap(Map.of("topic", "tokenwarden.refresh-needed", "partition", "2", "offset", "17",
                "attempt_id", "a-1"));
        String line = encode(new LineEncoder(), e);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        JsonNode node = JSON.readTree(line);
        assertEquals("42", node.get("account_id").asText());
        assertEquals("tokenwarden.refresh-needed", node.get("topic").asText());
        assertEquals("2", node.get("partition").asText());
        assertEquals("17", node.get("offset").asText());
        assertEquals("a-1", node.get("attempt_id").asText());
        assertEquals("WARN", node.get("level").asText());
        assertEquals("account 42: marked error \"quoted\"\nnext", node.get("message").asText());
    }

    @Test
    void shouldWriteTheTraceAndSpanIdsAsFieldsWhenAnAttemptRunsUnderATrace() throws Exception {
        // Given a line logged under a trace
        LogFormat.useJson(true);
        LoggingEvent e = event("dev.tokenwarden.cooldown.CooldownAttempt", Level.WARN, "account {}: marked error", 42L);
        e.setMDCPropertyMap(Map.of(TraceMdc.TRACE_ID, "4bf92f3577b34da6a3ce929d0e0e4736", TraceMdc.SPAN_ID,
                "00f067aa0ba902b7"));

        // When
        JsonNode node = JSON.readTree(encode(new LineEncoder(), e));

        // Then
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", node.get("trace_id").asText());
        assertEquals("00f067aa0ba902b7", node.get("span_id").asText());
    }

    @Test
    void shouldCapAHugeMessageAndStackToAFewKilobytes() throws Exception {
        String huge = "x".repeat(1_600_000); // the Redisson warning that was 1.6 MB
        LoggingEvent e = event("org.redisson.client.handler.CommandsQueue", Level.WARN, huge);
        e.setMDCPropertyMap(Map.of());
        e.setThrowableProxy(new ch.qos.logback.classic.spi.ThrowableProxy(
                new IllegalStateException(huge, new RuntimeException(huge))));
        String text = encode(new LineEncoder(), e);
        assertTrue(text.length() <= LineEncoder.MAX_LINE + 100, "text line of " + text.length());
        LogFormat.useJson(true);
        String json = encode(new LineEncoder(), e);
        assertTrue(json.length() <= LineEncoder.MAX_LINE + 100, "JSON line of " + json.length());
        assertTrue(JSON.readTree(json).get("message").asText().contains("more characters cut"));
    }

    @Test
    void shouldLimitAnOutagesRepeatedWarningsAndCountWhatItLeftOut() {
        RepeatLimiter limiter = new RepeatLimiter();
        LoggingEvent e = event("dev.tokenwarden.refresh.RefreshAttempt", Level.WARN,
                "account {}: lock unavailable ({}); fenced in PostgreSQL instead", 1L, "down");
        long t = 0;
        for (int i = 0; i < RepeatLimiter.BURST; i++) {
            assertEquals(0, limiter.admit(e, t));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(-1, limiter.admit(e, t + i));
        }
        assertEquals(100, limiter.admit(e, t + java.util.concurrent.TimeUnit.SECONDS.toNanos(31)),
                "the first line after the window says how many were suppressed");
    }

    @Test
    void shouldLimitAClientsWarningsAsOneKindWhateverTheirText() {
        RepeatLimiter limiter = new RepeatLimiter();
        for (int i = 0; i < RepeatLimiter.BURST; i++) {
            assertEquals(0, limiter.admit(event("org.redisson.client.handler.ConnectionWatchdog", Level.WARN,
                    "reconnecting channel " + i), i));
        }
        assertEquals(-1, limiter.admit(event("org.redisson.client.handler.ConnectionWatchdog", Level.WARN,
                "reconnecting channel 99"), 99));
    }

    @Test
    void shouldNeverLimitPerRecordLinesSuchAsDeadLetters() {
        RepeatLimiter limiter = new RepeatLimiter();
        LoggingEvent e = event("dev.tokenwarden.intake.IntakeProcessor", Level.WARN,
                "dead-lettered {} record topic={} partition={} offset={} reason={}: {}");
        for (int i = 0; i < 1_000; i++) {
            assertEquals(0, limiter.admit(e, i));
        }
    }
}
