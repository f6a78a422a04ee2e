package dev.tokenwarden.intake;

import static dev.tokenwarden.events.DeadLetterReason.KEY_MISMATCH;
import static dev.tokenwarden.events.DeadLetterReason.MALFORMED_JSON;
import static dev.tokenwarden.events.DeadLetterReason.OVERSIZED;
import static dev.tokenwarden.events.DeadLetterReason.SCHEMA_VIOLATION;
import static dev.tokenwarden.events.DeadLetterReason.UNSUPPORTED_VERSION;
import static dev.tokenwarden.intake.FuzzRecords.header;
import static dev.tokenwarden.intake.FuzzRecords.key;
import static dev.tokenwarden.intake.FuzzRecords.utf8;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.header.internals.RecordHeader;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.intake.FuzzRecord.Category;
import dev.tokenwarden.intake.FuzzRecord.Expected;
import dev.tokenwarden.intake.FuzzRecords.Target;

/**
 * Fuzz records whose value bytes are the fault: random bytes, cut and deeply nested JSON, 1 MB records, null and
 * empty values, bytes that are not UTF-8, and JSON in other encodings.
 */
final class FuzzBytes {
    private final FuzzRecords records;
    private final Random random;
    private final FuzzTokens tokens;

    FuzzBytes(FuzzRecords records, Random random, FuzzTokens tokens) {
        this.records = records;
        this.random = random;
        this.tokens = tokens;
    }

    FuzzRecord garbage() {
        int length = switch (random.nextInt(20)) {
            case 0, 1 -> random.nextInt(16);
            case 2 -> FuzzRecords.MAX_EVENT_BYTES + 1 + random.nextInt(4_000);
            case 3, 4, 5, 6, 7 -> 512 + random.nextInt(3_500);
            default -> 1 + random.nextInt(512);
        };
        byte[] value = records.randomBytes(length);
        Expected expected = Expected.rejected(length > FuzzRecords.MAX_EVENT_BYTES ? OVERSIZED : MALFORMED_JSON);
        return records.record(Category.RANDOM_BYTES, records.anyType(), records.anyKey(), value, List.of(), expected);
    }

    FuzzRecord truncated() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        FuzzJson json = records.event(type, t);
        if (random.nextInt(3) == 0) {
            json.setString("source", tokens.next());
        }
        byte[] whole = json.bytes();
        // Every proper prefix of one JSON object is unfinished; a cut may fall inside a multi-byte character.
        byte[] cut = Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 1));
        return records.record(Category.TRUNCATED_JSON, type, key(t.id()), cut, List.of(),
                Expected.rejected(MALFORMED_JSON));
    }

    FuzzRecord deeplyNested() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        String value;
        Expected expected = Expected.rejected(MALFORMED_JSON);
        switch (random.nextInt(6)) {
            case 0 -> value = "[".repeat(10_000);
            case 1 -> value = "[".repeat(8_000) + "]".repeat(8_000);
            case 2 -> value = "{\"a\":".repeat(2_700) + "1" + "}".repeat(2_700);
            case 3 -> value = "{".repeat(10_000);
            case 4 -> {
                // Within Jackson's nesting limit, so the schema is what rejects it.
                value = records.event(type, t).set("source", "[".repeat(900) + "]".repeat(900)).toString();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
            default -> {
                value = records.event(type, t).set("nested", "[".repeat(990) + "{}" + "]".repeat(990)).toString();
                expected = Expected.rejected(SCHEMA_VIOLATION);
            }
        }
        return records.record(Category.DEEPLY_NESTED, type, key(t.id()), utf8(value), List.of(), expected);
    }

    /**
     * Per input: random bytes of 0.9 MB (its dead letter keeps them) and 1.04 MB (left out), a valid event padded
     * with JSON whitespace to 1 MB, one whose source is 0.95 MB; and one record with a 1 MB key. All stay under the
     * embedded broker's message.max.bytes (Kafka's default, 1,048,588).
     */
    List<FuzzRecord> oneMegabyteRecords() {
        List<FuzzRecord> out = new ArrayList<>();
        for (EventType<?> type : List.of(EventType.REFRESH_NEEDED, EventType.UPSTREAM_REJECTED)) {
            Target t = records.unknownTarget();
            out.add(records.record(Category.ONE_MEGABYTE, type, key(t.id()), records.randomBytes(900_000), List.of(),
                    Expected.rejected(OVERSIZED)));
            out.add(records.record(Category.ONE_MEGABYTE, type, key(t.id()), records.randomBytes(1_040_000), List.of(),
                    Expected.rejected(OVERSIZED)));
            String padded = records.event(type, t).toString();
            byte[] whitespacePadded = utf8(padded + " ".repeat(1_000_000 - padded.length()));
            out.add(records.record(Category.ONE_MEGABYTE, type, key(t.id()), whitespacePadded, records.ceHeaders(type),
                    Expected.rejected(OVERSIZED)));
            out.add(records.record(Category.ONE_MEGABYTE, type, key(t.id()),
                    records.event(type, t).setString("source", "x".repeat(950_000)).bytes(), records.ceHeaders(type),
                    Expected.rejected(OVERSIZED)));
        }
        Target t = records.unknownTarget();
        out.add(records.record(Category.ONE_MEGABYTE, EventType.UPSTREAM_REJECTED, records.randomBytes(1_000_000),
                records.event(EventType.UPSTREAM_REJECTED, t).bytes(), records.ceHeaders(EventType.UPSTREAM_REJECTED),
                Expected.rejected(KEY_MISMATCH)));
        return out;
    }

    FuzzRecord nullValue() {
        EventType<?> type = records.anyType();
        int roll = random.nextInt(10);
        if (roll < 7) {
            return records.record(Category.NULL_VALUE, type, records.anyKey(), null, List.of(),
                    Expected.rejected(MALFORMED_JSON));
        }
        if (roll < 9) {
            return records.record(Category.NULL_VALUE, type, records.anyKey(), null, records.ceHeaders(type),
                    Expected.rejected(MALFORMED_JSON));
        }
        // Two faults: which one is named first is not part of the contract.
        return records.record(Category.NULL_VALUE, type, records.anyKey(), null,
                List.of(header(CloudEventHeaders.TYPE, "v0.example")), Expected.rejectedAs(UNSUPPORTED_VERSION,
                        MALFORMED_JSON));
    }

    FuzzRecord emptyValue() {
        String value = records.pick(List.of("", "", " ", "\n\t  \r\n", "\uFEFF", "null", "[]", "\"text\"", "true", "0",
                "-1.5e3", "[{}]", "{}x", "{"));
        return records.record(Category.EMPTY_VALUE, records.anyType(), records.anyKey(), utf8(value), List.of(),
                Expected.rejected(MALFORMED_JSON));
    }

    FuzzRecord badUtf8() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        byte[][] sequences = {{(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC3},
            {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}};
        byte[] bad = sequences[random.nextInt(sequences.length)];
        int roll = random.nextInt(10);
        if (roll == 0) {
            byte[] key = splice(utf8(Long.toString(t.id()) + "@@"), "@@", bad);
            return records.record(Category.BAD_UTF8, type, key, records.event(type, t).bytes(), List.of(),
                    Expected.rejected(KEY_MISMATCH));
        }
        if (roll == 1) {
            return records.record(Category.BAD_UTF8, type, key(t.id()), records.event(type, t).bytes(),
                    List.of(new RecordHeader(CloudEventHeaders.TYPE,
                            splice(utf8(type.cloudEventType() + "@@"), "@@", bad))),
                    Expected.rejected(UNSUPPORTED_VERSION));
        }
        FuzzJson json = records.event(type, t);
        if (roll == 2) {
            json.set("x@@y", "1");
        } else {
            json.setString(records.pick(List.of("event_id", "source", "platform", "occurred_at")), "a@@b");
        }
        return records.record(Category.BAD_UTF8, type, key(t.id()), splice(json.bytes(), "@@", bad), List.of(),
                Expected.rejected(MALFORMED_JSON));
    }

    /** JSON in encodings Jackson detects on its own (RFC 8259 allows only UTF-8, and a BOM may be ignored). */
    FuzzRecord otherEncodings() {
        EventType<?> type = records.anyType();
        Target t = records.unknownTarget();
        String json = records.event(type, t).toString();
        byte[] value = switch (random.nextInt(5)) {
            case 0 -> json.getBytes(StandardCharsets.UTF_16BE);
            case 1 -> json.getBytes(StandardCharsets.UTF_16LE);
            case 2 -> json.getBytes(StandardCharsets.UTF_16);
            case 3 -> json.getBytes(Charset.forName("UTF-32BE"));
            default -> utf8("\uFEFF" + json);
        };
        return records.record(Category.OTHER_ENCODINGS, type, key(t.id()), value, List.of(),
                Expected.either(MALFORMED_JSON));
    }

    /** {@code bytes} with the first ASCII {@code marker} replaced by {@code insert}. */
    private static byte[] splice(byte[] bytes, String marker, byte[] insert) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(marker);
        byte[] out = new byte[bytes.length - marker.length() + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + marker.length(), out, at + insert.length, bytes.length - at - marker.length());
        return out;
    }
}
