package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;

import dev.tokenwarden.events.CloudEventHeaders;
import dev.tokenwarden.events.EventType;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.TopicNames;
import dev.tokenwarden.intake.FuzzRecord.Category;
import dev.tokenwarden.intake.FuzzRecord.Expected;

/**
 * Seeded generator of the fuzz suite's records for both input topics, each with the outcome intake owes it by
 * the intake contract (size, one JSON object, the schema, key = account_id, ce_type when present). Valid events
 * are kept cheap for the worker: for an existing account never a 401 and never a refresh that is due (their
 * tokens last two days); anything else goes to an account id that has no row.
 */
final class FuzzRecords {
    /** An account with a row, so valid events for it reach real rows. */
    record KnownAccount(long id, Platform platform) {
    }

    /** Who a valid event is about; {@code known} when a row exists. */
    record Target(long id, Platform platform, boolean known) {
    }

    /** intake.max-event-bytes, default. */
    static final int MAX_EVENT_BYTES = 16_384;
    /** Below every TestAccounts id block: an id with no row. */
    private static final int UNKNOWN_IDS = 999_999;
    /** What a known account may get: a cooldown (403, 529) or nothing. */
    private static final int[] CHEAP_STATUSES = {403, 403, 529, 400, 404, 418, 429, 500, 503};

    private final Random random;
    private final TopicNames topics;
    private final int partitions;
    private final List<KnownAccount> known;
    private final FuzzTokens tokens;
    private final FuzzBytes bytes;
    private final FuzzFields fields;
    private final FuzzEnvelope envelope;
    private final FuzzSchemaEdges edges;

    FuzzRecords(long seed, TopicNames topics, int partitions, List<KnownAccount> known) {
        this.random = new Random(seed);
        this.topics = topics;
        this.partitions = partitions;
        this.known = List.copyOf(known);
        this.tokens = new FuzzTokens(random);
        this.bytes = new FuzzBytes(this, random, tokens);
        this.fields = new FuzzFields(this, random, tokens);
        this.envelope = new FuzzEnvelope(this, random, tokens);
        this.edges = new FuzzSchemaEdges(this, random);
    }

    FuzzTokens tokens() {
        return tokens;
    }

    /** At least {@code count} records, the few 1 MB ones among them, shuffled so valid and bad interleave. */
    List<FuzzRecord> generate(int count) {
        List<FuzzRecord> out = new ArrayList<>(bytes.oneMegabyteRecords());
        while (out.size() < count) {
            out.add(next());
        }
        Collections.shuffle(out, random);
        return out;
    }

    private FuzzRecord next() {
        int roll = random.nextInt(100);
        if (roll < 14) {
            return fields.valid();
        } else if (roll < 21) {
            return bytes.garbage();
        } else if (roll < 28) {
            return bytes.truncated();
        } else if (roll < 31) {
            return bytes.deeplyNested();
        } else if (roll < 40) {
            return fields.wrongTypes();
        } else if (roll < 46) {
            return envelope.keyMismatch();
        } else if (roll < 50) {
            return envelope.nullKey();
        } else if (roll < 53) {
            return bytes.nullValue();
        } else if (roll < 56) {
            return bytes.emptyValue();
        } else if (roll < 60) {
            return envelope.missingCeHeaders();
        } else if (roll < 65) {
            return envelope.foreignCeType();
        } else if (roll < 69) {
            return envelope.garbageHeaders();
        } else if (roll < 72) {
            return fields.unknownPlatform();
        } else if (roll < 75) {
            return fields.unknownStatus();
        } else if (roll < 80) {
            return bytes.badUtf8();
        } else if (roll < 89) {
            return edges.next();
        } else if (roll < 99) {
            return fields.tokenShaped();
        }
        return bytes.otherEncodings();
    }

    /** A valid event; for a known account it stays cheap (see the class comment). */
    FuzzJson event(EventType<?> type, Target t) {
        FuzzJson json = new FuzzJson()
                .setString("event_id", "fuzz-" + Long.toHexString(random.nextLong()))
                .set("account_id", Long.toString(t.id()))
                .setString("platform", t.platform().json());
        if (type == EventType.REFRESH_NEEDED) {
            json.set("refresh_window_seconds", pick(List.of("60", "180", "1800", "3600", "86400")));
            optionalVersion(json);
            json.setString("reason", pick(List.of("expiring", "upstream_401", "manual", "sweep")));
            int force = random.nextInt(3);
            if (force == 1 || (force == 2 && t.known())) {
                json.set("force", "false");
            } else if (force == 2) {
                json.set("force", "true");
            }
        } else {
            json.set("status_code", Integer.toString(t.known() ? pick(CHEAP_STATUSES) : 400 + random.nextInt(200)));
            switch (random.nextInt(3)) {
                case 0 -> json.set("error_code", "null");
                case 1 -> json.setString("error_code", "permission_denied");
                default -> { }
            }
            switch (random.nextInt(3)) {
                case 0 -> json.set("error_message", "null");
                case 1 -> json.setString("error_message", "Your account does not have access");
                default -> { }
            }
            optionalVersion(json);
        }
        json.setString("occurred_at", Instant.now().minusMillis(random.nextInt(5_000)).toString());
        json.setString("source", "gateway-" + random.nextInt(8));
        return json;
    }

    private void optionalVersion(FuzzJson json) {
        switch (random.nextInt(4)) {
            case 0 -> json.set("observed_token_version", "null");
            case 1 -> json.set("observed_token_version", Long.toString(random.nextLong() & Long.MAX_VALUE));
            case 2 -> json.set("observed_token_version", "999");
            default -> { }
        }
    }

    Target target() {
        if (random.nextBoolean()) {
            KnownAccount k = known.get(random.nextInt(known.size()));
            return new Target(k.id(), k.platform(), true);
        }
        return unknownTarget();
    }

    Target unknownTarget() {
        Platform[] all = Platform.values();
        return new Target(1 + random.nextInt(UNKNOWN_IDS), all[random.nextInt(all.length)], false);
    }

    EventType<?> anyType() {
        return random.nextBoolean() ? EventType.REFRESH_NEEDED : EventType.UPSTREAM_REJECTED;
    }

    FuzzRecord record(Category category, EventType<?> type, byte[] key, byte[] value, List<Header> headers,
            Expected expected) {
        return recordOn(random.nextInt(partitions), category, type, key, value, headers, expected);
    }

    FuzzRecord recordOn(int partition, Category category, EventType<?> type, byte[] key, byte[] value,
            List<Header> headers, Expected expected) {
        String topic = type == EventType.REFRESH_NEEDED ? topics.refreshNeeded() : topics.upstreamRejected();
        return new FuzzRecord(category, topic, partition, key, value, List.copyOf(headers), expected);
    }

    /** The partition Java's default partitioner gives the key. */
    int javaPartition(byte[] key) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    List<Header> ceHeaders(EventType<?> type) {
        return List.of(header(CloudEventHeaders.ID, "fuzz-" + random.nextInt()),
                header(CloudEventHeaders.TYPE, type.cloudEventType()), header(CloudEventHeaders.SOURCE, "gw"),
                header(CloudEventHeaders.TIME, Instant.now().toString()),
                header(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE));
    }

    byte[] anyKey() {
        return switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> randomBytes(1 + random.nextInt(40));
            default -> key(1 + random.nextInt(UNKNOWN_IDS));
        };
    }

    byte[] garbageUtf8() {
        byte[] bytes = randomBytes(1 + random.nextInt(30));
        bytes[0] = (byte) 0xFF; // never UTF-8, so never the expected type by accident
        return bytes;
    }

    byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private int pick(int[] options) {
        return options[random.nextInt(options.length)];
    }

    static byte[] key(long id) {
        return utf8(Long.toString(id));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, utf8(value));
    }
}
