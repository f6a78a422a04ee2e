package dev.tokenwarden.intake;

import static dev.tokenwarden.events.DeadLetterReason.MALFORMED_JSON;
import static dev.tokenwarden.events.DeadLetterReason.OVERSIZED;
import static dev.tokenwarden.events.DeadLetterReason.SCHEMA_VIOLATION;

import java.util.List;
import java.util.Random;

import dev.tokenwarden.events.EventType;
import dev.tokenwarden.intake.FuzzRecord.Category;
import dev.tokenwarden.intake.FuzzRecord.Expected;

/**
 * The schema's edges, one on each side: bounds of every length and range, 2^63 and 2^64, integral floats
 * (JSON Schema counts 7.0 as an integer), RFC 3339 date-times the schema accepts and rejects, escapes, extra and
 * duplicated properties, a padded event of exactly intake.max-event-bytes and one byte over, and number syntax
 * JSON forbids. Each edge is about an account with no row, so a valid one costs the worker nothing.
 */
final class FuzzSchemaEdges {
    private static final String EMOJI = "\uD83D\uDE00";
    private static final String MAX_LONG = "9223372036854775807";

    private final FuzzRecords records;
    private final Random random;

    FuzzSchemaEdges(FuzzRecords records, Random random) {
        this.records = records;
        this.random = random;
    }

    FuzzRecord next() {
        EventType<?> type = records.anyType();
        FuzzRecords.Target t = records.unknownTarget();
        FuzzJson json = records.event(type, t);
        boolean refresh = type == EventType.REFRESH_NEEDED;
        String key = Long.toString(t.id());
        Expected valid = Expected.accepted();
        Expected schema = Expected.rejected(SCHEMA_VIOLATION);
        Expected malformed = Expected.rejected(MALFORMED_JSON);
        Expected expected;
        switch (random.nextInt(30)) {
            case 0 -> expected = set(json, "event_id", quoted(pick("a".repeat(128), EMOJI.repeat(128),
                    "\\uD83D\\uDE00".repeat(128), "\\u0000", "x")), valid);
            case 1 -> expected = set(json, "source", quoted(pick("s".repeat(256), "键".repeat(256), "\\ud800",
                    "\\u0061\\u0062", "s")), valid);
            case 2 -> expected = refresh
                    ? set(json, "refresh_window_seconds", pick("1", "86400", "180.0", "1e2", "1.8E2"), valid)
                    : set(json, "status_code", pick("400", "599", "418.0", "5.0e2"), valid);
            case 3 -> expected = refresh ? set(json, "force", "true", valid)
                    : set(json, pick("error_code", "error_message"), quoted(pick("c".repeat(128), EMOJI.repeat(128))),
                            valid);
            case 4 -> expected = refresh ? set(json, "observed_token_version", pick("0", "-0", MAX_LONG), valid)
                    : set(json, "error_message", quoted(pick("m".repeat(2048), EMOJI.repeat(2048))), valid);
            case 5 -> {
                String id = pick(MAX_LONG, key + ".0", key + "e0", key + ".000");
                json.set("account_id", id);
                key = id.equals(MAX_LONG) ? MAX_LONG : key;
                expected = valid;
            }
            case 6 -> expected = set(json, "occurred_at", quoted(pick("2026-01-01 00:00:00Z", "2026-01-01t00:00:00z",
                    "2026-01-01T00:00:00+18:00", "2026-01-01T00:00:00-18:00", "2026-01-01T00:00:00.123456789Z",
                    "2024-02-29T12:00:00Z", "0000-01-01T00:00:00Z", "2026-06-30T23:59:59.5+05:30")), valid);
            case 7 -> {
                // The platform with its first letter as a JSON unicode escape: the same string once parsed.
                String platform = t.platform().json();
                expected = set(json, "platform", quoted("\\u00" + Integer.toHexString(platform.charAt(0))
                        + platform.substring(1)), valid);
            }
            case 8 -> {
                return padded(type, key, json, FuzzRecords.MAX_EVENT_BYTES, valid);
            }
            case 9 -> {
                return padded(type, key, json, FuzzRecords.MAX_EVENT_BYTES + 1, Expected.rejected(OVERSIZED));
            }
            case 10 -> {
                // Valid by the schema, though the instant falls outside years 0000-9999 in UTC: on any partition,
                // so some cross the repartition topic, which once refused our own re-encoding (+10000-…).
                json.setString("occurred_at", pick("9999-12-31T23:59:59-18:00", "0000-01-01T00:00:00+00:01"));
                return records.record(Category.SCHEMA_EDGES, type, FuzzRecords.utf8(key), json.bytes(), List.of(),
                        valid);
            }
            case 11 -> expected = set(json, "event_id", quoted(pick("", "a".repeat(129), EMOJI.repeat(129))), schema);
            case 12 -> expected = set(json, "source", quoted(pick("", "s".repeat(257))), schema);
            case 13 -> expected = refresh
                    ? set(json, "refresh_window_seconds", pick("0", "86401", "-1", "2147483648", "0.5"), schema)
                    : set(json, pick("error_code", "error_message"), quoted("c".repeat(2049)), schema);
            case 14 -> expected = refresh ? set(json, "observed_token_version", pick("-1", "0.5"), schema)
                    : set(json, "error_code", quoted("c".repeat(129)), schema);
            case 15 -> expected = set(json, "account_id", pick("0", "-1", "9223372036854775808",
                    "18446744073709551616", "1.5", "1e19", "-0"), schema);
            case 16 -> expected = set(json, "observed_token_version", pick("18446744073709551616",
                    "9223372036854775808", "1e30", "-9223372036854775809"), schema);
            case 17 -> expected = set(json, "occurred_at", quoted(pick("2026-02-29T00:00:00Z", "2026-01-01T00:00:60Z",
                    "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00+18:01", "2026-01-01T00:00:00-00:00",
                    "2026-13-01T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01", "", "1767225600",
                    "2026-01-01T24:00:00Z", "2026-1-1T00:00:00Z", "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00 Z",
                    "2026-04-31T00:00:00Z", "2026-01-01T00:00:00+1800")), schema);
            case 18 -> expected = set(json, pick("extra", "EVENT_ID", "$schema", "ce_type", "Account_Id"), "1", schema);
            case 19 -> {
                json.remove(records.pick(json.names().subList(0, 3)));
                expected = schema;
            }
            case 20 -> expected = set(json, "occurred_at", "null", schema);
            case 21 -> {
                json.append("event_id", pick("\"fuzz\"", "\"other\""));
                expected = malformed;
            }
            case 22 -> expected = set(json, "observed_token_version", "1" + "0".repeat(1_200), malformed);
            case 23 -> expected = set(json, "account_id", pick("NaN", "Infinity", "07", "+7", ".7", "0x10", "7.",
                    "1e", "--1"), malformed);
            case 24 -> {
                String text = json + pick(" x", "{}", ",", "\u0000", "]", " null");
                return records.record(Category.SCHEMA_EDGES, type, FuzzRecords.utf8(key), FuzzRecords.utf8(text),
                        List.of(), malformed);
            }
            case 25 -> {
                String text = pick(json.toString().replace('"', '\''), "/* c */" + json, json + " // c",
                        json.toString().replace("\"event_id\"", "event_id"));
                return records.record(Category.SCHEMA_EDGES, type, FuzzRecords.utf8(key), FuzzRecords.utf8(text),
                        List.of(), malformed);
            }
            case 26 -> expected = set(json, "source", "\"tab\there\"", malformed);
            case 27 -> expected = set(json, "source", pick("\"\\x41\"", "\"\\u12\"", "\"\\q\"", "\"a\\\""), malformed);
            case 28 -> expected = set(json, "source", quoted("line\\nbreak\\t\\\\\\/\\\"\\b\\f\\r"), valid);
            default -> expected = set(json, "nested", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}", schema);
        }
        return records.record(Category.SCHEMA_EDGES, type, FuzzRecords.utf8(key), json.bytes(), List.of(), expected);
    }

    /** The event with JSON whitespace before its closing brace, to exactly {@code size} bytes. */
    private FuzzRecord padded(EventType<?> type, String key, FuzzJson json, int size, Expected expected) {
        String text = json.toString();
        int pad = size - FuzzRecords.utf8(text).length;
        String value = text.substring(0, text.length() - 1) + " ".repeat(pad) + "}";
        return records.record(Category.SCHEMA_EDGES, type, FuzzRecords.utf8(key), FuzzRecords.utf8(value), List.of(),
                expected);
    }

    private static Expected set(FuzzJson json, String field, String rawValue, Expected expected) {
        json.set(field, rawValue);
        return expected;
    }

    /** A JSON string literal of text that is already escaped as it should appear. */
    private static String quoted(String escaped) {
        return "\"" + escaped + "\"";
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }
}
