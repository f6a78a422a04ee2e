package dev.tokenwarden.intake;

import static dev.tokenwarden.events.DeadLetterReason.KEY_MISMATCH;
import static dev.tokenwarden.events.DeadLetterReason.MALFORMED_JSON;
import static dev.tokenwarden.events.DeadLetterReason.SCHEMA_VIOLATION;
import static dev.tokenwarden.events.DeadLetterReason.UNSUPPORTED_VERSION;
import static dev.tokenwarden.intake.FuzzRecords.header;
import static dev.tokenwarden.intake.FuzzRecords.key;
import static dev.tokenwarden.intake.FuzzRecords.utf8;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.header.Header;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.intake.FuzzRecord.Category;
import dev.tokenwarden.intake.FuzzRecord.Expected;
import dev.tokenwarden.intake.FuzzRecords.Target;

/**
 * Fuzz records whose payload fields are the fault (or are fine): valid events, wrong types, unknown platforms,
 * reasons and statuses, and token-shaped strings in every place a payload has.
 */
final class FuzzFields {
    /** Statuses the default cooldown policy has no action for: counted, nothing written. */
    private static final int[] NO_ACTION_STATUSES = {400, 402, 404, 409, 418, 422, 429, 451, 499, 500, 502, 503, 599};

    private final FuzzRecords records;
    private final Random random;
    private final FuzzTokens tokens;

    FuzzFields(FuzzRecords records, Random random, FuzzTokens tokens) {
        this.records = records;
        this.random = random;
        this.tokens = tokens;
    }

    FuzzRecord valid() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        FuzzJson json = records.event(type, t);
        List<Header> headers = random.nextBoolean() ? List.of() : records.ceHeaders(type);
        return records.record(Category.VALID, type, key(t.id()), json.bytes(), headers, Expected.accepted());
    }

    FuzzRecord wrongTypes() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        FuzzJson json = records.event(type, t);
        List<String> fields = type == EventType.REFRESH_NEEDED
                ? List.of("event_id", "account_id", "platform", "refresh_window_seconds", "observed_token_version",
                        "reason", "force", "occurred_at", "source")
                : List.of("event_id", "account_id", "platform", "status_code", "error_code", "error_message",
                        "observed_token_version", "occurred_at", "source");
        String field = records.pick(fields);
        boolean required = !List.of("observed_token_version", "force", "error_code", "error_message").contains(field);
        if (required && random.nextInt(6) == 0) {
            json.remove(field);
        } else {
            json.set(field, wrongValue(field, required));
        }
        return records.record(Category.WRONG_TYPES, type, key(t.id()), json.bytes(), List.of(),
                Expected.rejected(SCHEMA_VIOLATION));
    }

    private String wrongValue(String field, boolean required) {
        List<String> wrong = new ArrayList<>(switch (field) {
            case "account_id", "refresh_window_seconds", "status_code", "observed_token_version" ->
                    List.of("\"7\"", "\"\"", "1.5", "true", "[]", "{}", "[7]", "\"1e3\"", "-0.5", "false");
            case "force" -> List.of("\"true\"", "1", "0", "[]", "{}", "\"false\"", "\"\"");
            default -> List.of("7", "1.5", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":\"b\"}", "-1");
        });
        if (required || field.equals("force")) {
            wrong.add("null");
        }
        return records.pick(wrong);
    }

    FuzzRecord unknownPlatform() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        FuzzJson json = records.event(type, t);
        String platform = records.pick(List.of("mistral", "Anthropic", "ANTHROPIC", "", " anthropic", "anthropic\u0000",
                "claude", "openai/", "gémini", tokens.next()));
        json.setString("platform", platform);
        if (type == EventType.REFRESH_NEEDED && random.nextBoolean()) {
            json.setString("reason", records.pick(List.of("expired", "EXPIRING", "", "401", tokens.next())));
        }
        return records.record(Category.UNKNOWN_PLATFORM, type, key(t.id()), json.bytes(), List.of(),
                Expected.rejected(SCHEMA_VIOLATION));
    }

    FuzzRecord unknownStatus() {
        Target t = records.target();
        FuzzJson json = records.event(EventType.UPSTREAM_REJECTED, t);
        if (random.nextBoolean()) {
            // In the schema's range yet without a policy action: counted, nothing written.
            json.set("status_code", Integer.toString(NO_ACTION_STATUSES[random.nextInt(NO_ACTION_STATUSES.length)]));
            return records.record(Category.UNKNOWN_STATUS, EventType.UPSTREAM_REJECTED, key(t.id()), json.bytes(),
                    List.of(), Expected.accepted());
        }
        json.set("status_code", records.pick(List.of("0", "99", "200", "302", "399", "600", "999", "-403", "2147483648",
                "9223372036854775807", "18446744073709551616", "401.5")));
        return records.record(Category.UNKNOWN_STATUS, EventType.UPSTREAM_REJECTED, key(t.id()), json.bytes(),
                List.of(), Expected.rejected(SCHEMA_VIOLATION));
    }

    FuzzRecord tokenShaped() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        String token = tokens.next();
        FuzzJson json = records.event(type, t);
        byte[] key = key(t.id());
        byte[] value;
        List<Header> headers = List.of();
        Expected expected;
        switch (random.nextInt(14)) {
            case 0 -> {
                value = utf8(token);
                expected = Expected.rejected(MALFORMED_JSON);
            }
            case 1 -> {
                value = utf8(FuzzJson.quote(token));
                expected = Expected.rejected(MALFORMED_JSON);
            }
            case 2 -> {
                value = utf8("{\"event_id\":" + token + "}");
                expected = Expected.rejected(MALFORMED_JSON);
            }
            case 3 -> {
                value = utf8("{\"event_id\":\"e\",\"refresh_token\":\"" + token);
                expected = Expected.rejected(MALFORMED_JSON);
            }
            case 4 -> {
                value = json.append(token, "1").append(token, "2").bytes();
                expected = Expected.rejected(MALFORMED_JSON);
            }
            case 5 -> {
                value = json.set(token, FuzzJson.quote(token)).bytes();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
            case 6 -> {
                value = json.setString("platform", token).bytes();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
            case 7 -> {
                value = json.setString("occurred_at", token).bytes();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
            case 8 -> {
                value = json.setString("account_id", token).bytes();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
            case 9 -> {
                value = json.bytes();
                key = utf8(token);
                expected = Expected.rejected(KEY_MISMATCH);
            }
            case 10 -> {
                value = json.bytes();
                headers = List.of(header(CloudEventHeaders.TYPE, token));
                expected = Expected.rejected(UNSUPPORTED_VERSION);
            }
            case 11 -> {
                // A token where text is allowed, but in a record broken elsewhere.
                value = json.setString("event_id", token).set("account_id", "0").bytes();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
            case 12 -> {
                // event_id allows 128 characters, source 256: a long JWT fits only the latter.
                value = json.setString("event_id", token.length() <= 128 ? token : "fuzz-token")
                        .setString("source", tokens.next()).bytes();
                expected = Expected.accepted();
            }
            default -> {
                value = utf8("{\"event_id\":\"e\"," + FuzzJson.quote(token) + ":" + token + "}");
                expected = Expected.rejected(MALFORMED_JSON);
            }
        }
        return records.record(Category.TOKEN_SHAPED, type, key, value, headers, expected);
    }

}
