package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The one-pass reader takes what gateways really send, and leaves every doubtful document to the full
 * path; its agreement with the schema is the property test's ({@code EventDecoderSchemaAgreementTest}).
 */
class RefreshNeededFastPathTest {

    private static Optional<RefreshNeeded> read(String json) {
        return RefreshNeededFastPath.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadWhatOurOwnEncoderWritesInOnePass() {
        RefreshNeeded event = new RefreshNeeded("e-1", 42, Platform.OPENAI, 180, 1_700_000_000_000L,
                RefreshReason.UPSTREAM_401, true, Instant.parse("2026-12-01T10:00:00.123Z"), "gateway-1");
        byte[] bytes = EventSerdes.refreshNeeded().serializer().serialize("t", event);

        assertEquals(Optional.of(event), RefreshNeededFastPath.read(bytes));
    }

    @Test
    void shouldReadAGoGatewaysSpellingWithOtherFieldOrderNullVersionAndNoForce() {
        Optional<RefreshNeeded> read = read("{\"source\":\"go-gw\",\"occurred_at\":\"2026-12-01t10:00:00+01:00\","
                + "\"reason\":\"expiring\",\"observed_token_version\":null,\"refresh_window_seconds\":1800,"
                + "\"platform\":\"gemini\",\"account_id\":7,\"event_id\":\"x\"}");

        assertEquals(Optional.of(new RefreshNeeded("x", 7, Platform.GEMINI, 1800, null, RefreshReason.EXPIRING, false,
                Instant.parse("2026-12-01T09:00:00Z"), "go-gw")), read);
    }

    @Test
    void shouldLeaveEveryDoubtfulDocumentToTheFullPath() {
        String ok = "\"event_id\":\"x\",\"account_id\":7,\"platform\":\"grok\",\"refresh_window_seconds\":60,"
                + "\"reason\":\"sweep\",\"occurred_at\":\"2026-12-01T10:00:00Z\",\"source\":\"s\"";
        assertTrue(read("{" + ok + "}").isPresent());
        for (String doubtful : new String[] {
            "{" + ok + ",\"extra\":1}", "{" + ok + ",\"account_id\":7}", "{" + ok + "} 1", "[" + ok + "]",
            "{" + ok.replace("7,", "7.0,") + "}", "{" + ok.replace("7,", "-0,") + "}",
            "{" + ok.replace("60,", "86401,") + "}", "{" + ok.replace("10:00:00Z", "10:00:60Z") + "}",
            "{" + ok.replace("2026-12-01", "2025-02-29") + "}", "{" + ok.replace("\"s\"", "\"\\ud800\"") + "}",
            "{" + ok.replace("\"s\"", "\"\"") + "}", "{" + ok + ",\"force\":null}",
            "{" + ok.replace("\"account_id\":7", "\"account_id\":99999999999999999999") + "}",
            "{" + ok.replace("sweep", "SWEEP") + "}", "{" + ok.replace("Z\"", "-00:00\"") + "}"}) {
            assertEquals(Optional.empty(), read(doubtful), doubtful);
        }
    }
}
