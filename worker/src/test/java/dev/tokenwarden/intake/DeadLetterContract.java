package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import dev.tokenwarden.events.DeadLetterReason;
import dev.tokenwarden.events.DeadLetterRecord;

/**
 * What a dead letter owes the record it stands for (KIP-1034 form, {@link DeadLetterRecord}): the class intake
 * must name, our exception and message headers, the original key and value bytes (or, for a record near the size
 * bound, left out with their lengths in {@code tokenwarden.errors.*-omitted}), the original headers in order
 * without any forged reason headers, and never more than {@code dead-letter.max-bytes}.
 */
final class DeadLetterContract {
    /** A record this far under the bound must keep its key, value and headers whole. */
    private static final int KEPT_MARGIN = 64 * 1024;
    private static final List<String> REASON_HEADER_PREFIXES = List.of("__streams.errors.", "tokenwarden.errors.");

    private DeadLetterContract() {
    }

    /** How the dead letter differs from what the contract says it owes {@code record}; empty when it does not. */
    static List<String> mismatches(ConsumerRecord<byte[], byte[]> letter, FuzzRecord record, int maxBytes) {
        List<String> out = new ArrayList<>();
        Headers h = letter.headers();
        boolean large = record.bytes() + headerBytes(record.headers()) >= maxBytes - KEPT_MARGIN;
        out.addAll(reason(h, record));
        out.addAll(kept("key", letter.key(), record.key(), h, DeadLetterRecord.KEY_OMITTED, large, record));
        out.addAll(kept("value", letter.value(), record.value(), h, DeadLetterRecord.VALUE_OMITTED, large, record));
        out.addAll(originalHeaders(h, large, record));
        int letterSize = FuzzRecord.length(letter.key()) + FuzzRecord.length(letter.value())
                + headerBytes(Arrays.asList(h.toArray()));
        if (letterSize > maxBytes) {
            out.add("dead letter of " + letterSize + " bytes: " + record);
        }
        return out;
    }

    /** The class the record's faults allow, our exception and message, a failure time. */
    private static List<String> reason(Headers h, FuzzRecord record) {
        List<String> out = new ArrayList<>();
        String errorClass = DeadLetterRecord.text(h, DeadLetterRecord.ERROR_CLASS);
        DeadLetterReason reason = Arrays.stream(DeadLetterReason.values()).filter(r -> r.json().equals(errorClass))
                .findFirst().orElse(null);
        if (record.expected().classes().isEmpty()) {
            out.add("a valid record dead-lettered as " + errorClass + ": " + record);
        } else if (!record.expected().classes().contains(reason)) {
            out.add("class " + errorClass + ", expected " + record.expected().classes() + ": " + record);
        }
        if (!DeadLetterRecord.REJECTED.equals(DeadLetterRecord.text(h, DeadLetterRecord.EXCEPTION))) {
            out.add("exception header " + DeadLetterRecord.text(h, DeadLetterRecord.EXCEPTION) + ": " + record);
        }
        String message = DeadLetterRecord.text(h, DeadLetterRecord.MESSAGE);
        if (message == null || message.isBlank()
                || message.codePointCount(0, message.length()) > DeadLetterRecord.MAX_MESSAGE_LENGTH) {
            out.add("message header '" + message + "': " + record);
        }
        if (!parses(DeadLetterRecord.text(h, DeadLetterRecord.FAILED_AT))) {
            out.add("failed-at header " + DeadLetterRecord.text(h, DeadLetterRecord.FAILED_AT) + ": " + record);
        }
        return out;
    }

    /** The sent headers in order, forged reason headers dropped; all left out only for a large record. */
    private static List<String> originalHeaders(Headers h, boolean large, FuzzRecord record) {
        List<Header> kept = Arrays.stream(h.toArray()).filter(x -> !isReasonHeader(x.key())).toList();
        List<Header> sent = record.headers().stream().filter(x -> !isReasonHeader(x.key())).toList();
        if (h.lastHeader(DeadLetterRecord.HEADERS_OMITTED) != null) {
            return large && kept.isEmpty() ? List.of()
                    : List.of("original headers left out of a small record: " + record);
        }
        return sameHeaders(kept, sent) ? List.of()
                : List.of("original headers " + names(kept) + ", sent " + names(sent) + ": " + record);
    }

    /** The part is the original bytes, or left out of a large record with its length in {@code omittedHeader}. */
    private static List<String> kept(String part, byte[] actual, byte[] original, Headers h, String omittedHeader,
            boolean large, FuzzRecord record) {
        String omitted = DeadLetterRecord.text(h, omittedHeader);
        if (omitted == null) {
            return Arrays.equals(actual, original) ? List.of()
                    : List.of(part + " is not the original bytes (" + FuzzRecord.length(actual) + " bytes): " + record);
        }
        if (actual != null || original == null || !omitted.equals(Integer.toString(original.length))) {
            return List.of(part + " omitted as " + omitted + " bytes, dead letter holds "
                    + FuzzRecord.length(actual) + ": " + record);
        }
        return large ? List.of() : List.of(part + " left out of a small record: " + record);
    }

    private static boolean sameHeaders(List<Header> actual, List<Header> expected) {
        if (actual.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            if (!actual.get(i).key().equals(expected.get(i).key())
                    || !Arrays.equals(actual.get(i).value(), expected.get(i).value())) {
                return false;
            }
        }
        return true;
    }

    static boolean isReasonHeader(String name) {
        return REASON_HEADER_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static int headerBytes(List<Header> headers) {
        return headers.stream().mapToInt(x -> x.key().getBytes(StandardCharsets.UTF_8).length
                + FuzzRecord.length(x.value())).sum();
    }

    private static List<String> names(List<Header> headers) {
        return headers.stream().map(Header::key).toList();
    }

    private static boolean parses(String instant) {
        try {
            return instant != null && Instant.parse(instant) != null;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
