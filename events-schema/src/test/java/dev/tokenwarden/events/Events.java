package dev.tokenwarden.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Valid sample events and JSON helpers shared by the tests. */
final class Events {

    static final Instant OCCURRED_AT = Instant.parse("2025-03-01T12:00:00.123456789Z");

    private Events() {}

    static RefreshNeeded refreshNeeded() {
        return new RefreshNeeded("evt-1", 42L, Platform.ANTHROPIC, 180, 1_740_000_000_000L,
                RefreshReason.UPSTREAM_401, true, OCCURRED_AT, "gateway-a");
    }

    static UpstreamRejected upstreamRejected() {
        return new UpstreamRejected("evt-2", 42L, Platform.OPENAI, 401, "invalid_token", "token expired",
                null, OCCURRED_AT, "gateway-a");
    }

    static CredentialUpdated credentialUpdated() {
        return CredentialUpdated.of(42L, Platform.GEMINI, 1_740_000_000_001L,
                Instant.parse("2025-03-01T20:00:00Z"), OCCURRED_AT);
    }

    static SchedulerOutboxEvent schedulerOutbox() {
        Instant until = Instant.parse("2025-03-01T12:10:00Z");
        return SchedulerOutboxEvent.accountChanged(42L, OutboxChange.COOLDOWN_SET, until.toEpochMilli(), until,
                "upstream 529", null, OCCURRED_AT);
    }

    static DeadLetter deadLetter() {
        return DeadLetter.of("tokenwarden.refresh-needed.v1", 3, 1234L, "42".getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', 0, (byte) 0xff}, DeadLetterReason.MALFORMED_JSON, "bad", OCCURRED_AT);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The valid refresh-needed JSON with each override (e.g. {@code "\"account_id\": -1"}) added or replacing. */
    static String refreshNeededJson(String... overrides) {
        ObjectNode node = EventJson.mapper().valueToTree(refreshNeeded());
        for (String override : overrides) {
            try {
                node.setAll((ObjectNode) EventJson.mapper().readTree("{" + override + "}"));
            } catch (IOException e) {
                throw new IllegalArgumentException(override, e);
            }
        }
        return node.toString();
    }
}
