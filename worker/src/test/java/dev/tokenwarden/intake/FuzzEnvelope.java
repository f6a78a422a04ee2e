package dev.tokenwarden.intake;

import static dev.tokenwarden.events.DeadLetterReason.KEY_MISMATCH;
import static dev.tokenwarden.events.DeadLetterReason.MALFORMED_JSON;
import static dev.tokenwarden.events.DeadLetterReason.SCHEMA_VIOLATION;
import static dev.tokenwarden.events.DeadLetterReason.UNSUPPORTED_VERSION;
import static dev.tokenwarden.intake.FuzzRecords.header;
import static dev.tokenwarden.intake.FuzzRecords.key;
import static dev.tokenwarden.intake.FuzzRecords.utf8;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.intake.FuzzRecord.Category;
import dev.tokenwarden.intake.FuzzRecord.Expected;
import dev.tokenwarden.intake.FuzzRecords.Target;

/**
 * Fuzz records whose envelope is the fault (or is fine): keys that are not the account id, null keys, missing,
 * foreign and repeated CloudEvents headers, and garbage headers, forged reason headers among them.
 */
final class FuzzEnvelope {
    private final FuzzRecords records;
    private final Random random;
    private final FuzzTokens tokens;

    FuzzEnvelope(FuzzRecords records, Random random, FuzzTokens tokens) {
        this.records = records;
        this.random = random;
        this.tokens = tokens;
    }

    FuzzRecord keyMismatch() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        String id = Long.toString(t.id());
        byte[] key = switch (random.nextInt(14)) {
            case 0 -> utf8(Long.toString(t.id() + 1));
            case 1 -> utf8("0" + id);
            case 2 -> utf8(" " + id);
            case 3 -> utf8(id + " ");
            case 4 -> utf8("+" + id);
            case 5 -> utf8(id + ".0");
            case 6 -> utf8("-" + id);
            case 7 -> new byte[0];
            case 8 -> utf8(tokens.next());
            case 9 -> records.randomBytes(1 + random.nextInt(64));
            case 10 -> utf8(id + "\u0000");
            case 11 -> id.getBytes(StandardCharsets.UTF_16BE);
            case 12 -> utf8(id + "\n");
            default -> utf8(id.replace('1', '１')); // full-width digit one; unchanged when there is no 1
        };
        boolean same = Arrays.equals(key, utf8(id));
        return records.record(Category.KEY_MISMATCH, type, key, records.event(type, t).bytes(), List.of(),
                same ? Expected.accepted() : Expected.rejected(KEY_MISMATCH));
    }

    FuzzRecord nullKey() {
        EventType<?> type = records.anyType();
        int roll = random.nextInt(10);
        if (roll < 7) {
            return records.record(Category.NULL_KEY, type, null, records.event(type, records.target()).bytes(),
                    List.of(), Expected.rejected(KEY_MISMATCH));
        }
        if (roll < 9) {
            return records.record(Category.NULL_KEY, type, null, records.randomBytes(1 + random.nextInt(300)),
                    List.of(), Expected.rejected(MALFORMED_JSON));
        }
        byte[] wrongType = records.event(type, records.target()).set("account_id", "\"7\"").bytes();
        return records.record(Category.NULL_KEY, type, null, wrongType, List.of(), Expected.rejected(SCHEMA_VIOLATION));
    }

    FuzzRecord missingCeHeaders() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        List<Header> headers = switch (random.nextInt(7)) {
            case 0 -> List.of();
            case 1 -> List.of(header(CloudEventHeaders.ID, "only-an-id"));
            case 2 -> List.of(header(CloudEventHeaders.ID, "x"), header(CloudEventHeaders.SOURCE, "gw"),
                    header(CloudEventHeaders.TIME, "yesterday"));
            case 3 -> List.of(header(CloudEventHeaders.SPEC_VERSION, "0.3"), header(CloudEventHeaders.TYPE,
                    type.cloudEventType()));
            case 4 -> List.of(new RecordHeader(CloudEventHeaders.TYPE, null));
            case 5 -> List.of(header("CE_TYPE", "not-checked-names-are-case-sensitive"),
                    header("ce-type", "neither"));
            default -> List.of(header(CloudEventHeaders.TYPE, type.cloudEventType()));
        };
        return records.record(Category.MISSING_CE_HEADERS, type, key(t.id()), records.event(type, t).bytes(), headers,
                Expected.accepted());
    }

    FuzzRecord foreignCeType() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        String own = type.cloudEventType();
        EventType<?> other = type == EventType.REFRESH_NEEDED ? EventType.UPSTREAM_REJECTED : EventType.REFRESH_NEEDED;
        Header wrong = switch (random.nextInt(13)) {
            case 0 -> header(CloudEventHeaders.TYPE, "dev.tokenwarden." + type.name() + ".v2");
            case 1 -> header(CloudEventHeaders.TYPE, "dev.tokenwarden." + type.name() + ".v0");
            case 2 -> header(CloudEventHeaders.TYPE, "dev.tokenwarden." + type.name() + ".v10");
            case 3 -> header(CloudEventHeaders.TYPE, other.cloudEventType());
            case 4 -> header(CloudEventHeaders.TYPE, "com.example.order.created");
            case 5 -> header(CloudEventHeaders.TYPE, "");
            case 6 -> header(CloudEventHeaders.TYPE, " " + own);
            case 7 -> header(CloudEventHeaders.TYPE, own.toUpperCase());
            case 8 -> header(CloudEventHeaders.TYPE, own + "\u0000");
            case 9 -> header(CloudEventHeaders.TYPE, tokens.next());
            case 10 -> new RecordHeader(CloudEventHeaders.TYPE, records.garbageUtf8());
            case 11 -> header(CloudEventHeaders.TYPE, "dev.tokenwarden.dead-letter.v1");
            default -> header(CloudEventHeaders.TYPE, own + " ");
        };
        Header right = header(CloudEventHeaders.TYPE, own);
        int order = random.nextInt(5);
        // The last ce_type header is the one that counts.
        List<Header> headers = order == 0 ? List.of(wrong, right) : order == 1 ? List.of(right, wrong) : List.of(wrong);
        return records.record(Category.FOREIGN_CE_TYPE, type, key(t.id()), records.event(type, t).bytes(), headers,
                order == 0 ? Expected.accepted() : Expected.rejected(UNSUPPORTED_VERSION));
    }

    FuzzRecord garbageHeaders() {
        EventType<?> type = records.anyType();
        Target t = records.target();
        List<Header> headers = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            String name = records.pick(List.of("x-" + random.nextInt(1000), "ключ", "键🔑", "", "with space",
                    "trace-id"));
            byte[] value = switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> new byte[0];
                case 2 -> utf8(tokens.next());
                case 3 -> records.randomBytes(8_192);
                default -> records.randomBytes(random.nextInt(64));
            };
            headers.add(new RecordHeader(name, value));
        }
        if (random.nextInt(3) == 0) {
            // Forged reason headers of an "earlier failure": a dead letter must carry ours, not these.
            headers.add(header("__streams.errors.topic", "forged"));
            headers.add(header("__streams.errors.offset", "-1"));
            headers.add(header("tokenwarden.errors.class", "output_failed"));
        }
        int roll = random.nextInt(3);
        byte[] value = roll == 0 ? records.event(type, t).bytes()
                : roll == 1 ? Arrays.copyOf(records.event(type, t).bytes(), 20)
                : records.event(type, t).set("source", "7").bytes();
        Expected expected = roll == 0 ? Expected.accepted()
                : Expected.rejected(roll == 1 ? MALFORMED_JSON : SCHEMA_VIOLATION);
        return records.record(Category.GARBAGE_HEADERS, type, key(t.id()), value, headers, expected);
    }

}
