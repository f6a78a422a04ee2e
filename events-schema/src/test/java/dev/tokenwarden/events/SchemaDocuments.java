package dev.tokenwarden.events;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * JSON text generated from an event schema: valid documents with values at the edges (lengths,
 * bounds, nulls, absent optionals, every date-time spelling, escapes, integers spelled as 5.0), and
 * documents one step off (a wrong value in one field, a required field missing, a key twice, an
 * unknown property, broken JSON). Whether a document is valid is not decided here: the test asks an
 * independent validator. Values are kept as JSON text so that their spelling is under our control.
 *
 * <p>Every shape is a fixed generator built once per schema (no {@code flatMap}); all randomness is
 * drawn from the source QuickTheories passes in, so a failure is replayed by its seed and shrunk.
 */
final class SchemaDocuments {

    /**
     * One {@code "name": value} pair.
     *
     * @param name the property name as JSON text, possibly spelled with escapes
     * @param value the value as JSON text
     */
    record Member(String name, String value) {}

    /** Where a schema sets no bound, values reach far past Java's long (that was the 2^64 bug). */
    private static final BigInteger FAR = BigInteger.TEN.pow(30);

    private static final Map<String, Gen<String>> PATTERN_VALUES = Map.of(
            "^credential-updated:[1-9][0-9]*:[0-9]+(?![\\s\\S])",
            Generate.longRange(1, Long.MAX_VALUE).zip(Generate.longRange(0, Long.MAX_VALUE),
                    (account, version) -> "credential-updated:" + account + ":" + version));
    private static final List<String> WHITESPACE = List.of("", " ", "\n", "\t", "\r\n  ");

    private SchemaDocuments() {}

    static Gen<String> documents(EventType<?> type) {
        List<SchemaField> fields = SchemaField.of(type);
        List<Pair<Integer, Gen<List<Member>>>> offShapes = new ArrayList<>();
        for (SchemaField field : fields) {
            offShapes.add(Pair.of(4, members(fields, field, member(field, Mutations.badValue(field)).map(member -> List.of(member)))));
            offShapes.add(Pair.of(1, members(fields, field, member(field, validValue(field)).zip(member(field, validValue(field)),
                    List::of))));
            if (field.required()) {
                offShapes.add(Pair.of(1, members(fields, field, Generate.constant(List.of()))));
            }
        }
        offShapes.add(Pair.of(3, members(fields, null, null).zip(Mutations.unknownMember(), SchemaDocuments::with)));
        int offWeight = offShapes.stream().mapToInt(shape -> shape._1).sum();
        List<Pair<Integer, Gen<List<Member>>>> shapes = new ArrayList<>(offShapes);
        // About two valid documents for every three that are off.
        shapes.add(Pair.of(offWeight * 2 / 3, members(fields, null, null)));
        Gen<Random> randoms = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE).map(Random::new);
        Gen<String> text = Generate.frequency(shapes).zip(randoms, Generate.pick(WHITESPACE), SchemaDocuments::render);
        return Generate.frequency(List.of(Pair.of(19, text), Pair.of(1, Mutations.broken(text))));
    }

    /** Every field valid (optional ones sometimes absent), except {@code special}, whose members come from {@code instead}. */
    private static Gen<List<Member>> members(List<SchemaField> fields, SchemaField special, Gen<List<Member>> instead) {
        List<Gen<List<Member>>> perField = new ArrayList<>();
        for (SchemaField field : fields) {
            Gen<List<Member>> present = member(field, validValue(field)).map(member -> List.of(member));
            perField.add(field == special ? instead
                    : field.required() ? present
                    : Generate.frequency(List.of(Pair.of(1, Generate.constant(List.of())), Pair.of(2, present))));
        }
        return source -> perField.stream().flatMap(field -> field.generate(source).stream()).toList();
    }

    private static Gen<Member> member(SchemaField field, Gen<String> value) {
        return name(field.name()).zip(value, Member::new);
    }

    /** A property name, now and then with one character as a \\u escape (the same name to any reader). */
    private static Gen<String> name(String name) {
        return Generate.frequency(List.of(
                Pair.of(9, Generate.constant(Json.quote(name))),
                Pair.of(1, Json.strings(Generate.constant(name)))));
    }

    static Gen<String> validValue(SchemaField field) {
        List<Pair<Integer, Gen<String>>> choices = new ArrayList<>();
        if (field.nullable()) {
            choices.add(Pair.of(1, Generate.constant("null")));
        }
        if (field.types().contains("boolean")) {
            choices.add(Pair.of(3, Generate.pick(List.of("true", "false"))));
        }
        if (field.types().contains("integer")) {
            choices.add(Pair.of(3, integer(lowest(field), highest(field))));
        }
        if (field.types().contains("string")) {
            choices.add(Pair.of(3, validString(field)));
        }
        if (field.types().contains("object")) {
            choices.add(Pair.of(3, Generate.pick(HEADER_OBJECTS)));
        }
        return Generate.frequency(choices);
    }

    /** Header maps at their edges: none, one, the longest name and value, the most names, an escaped name. */
    private static final List<String> HEADER_OBJECTS = List.of(
            "{}",
            "{\"anthropic-ratelimit-unified-5h-status\": \"rejected\", \"anthropic-ratelimit-unified-5h-reset\": \"1752192000\"}",
            "{\"x-codex-primary-window-minutes\": \"300\", \"x-codex-primary-used-percent\": \"100.0\", \"retry-after\": \"\"}",
            "{\"" + "a".repeat(100) + "\": \"" + "\uD83D\uDD11".repeat(256) + "\"}",
            "{\"x-ratelimit-\\u0072eset\": \"1\"}",
            headerObject(40));

    static String headerObject(int names) {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < names; i++) {
            text.append(i == 0 ? "" : ", ").append("\"x-ratelimit-h").append(i).append("\": \"").append(i).append('"');
        }
        return text.append('}').toString();
    }

    private static Gen<String> validString(SchemaField field) {
        if (field.constValue() != null) {
            return Json.strings(Generate.constant(field.constValue()));
        }
        if (!field.enumValues().isEmpty()) {
            return Json.strings(Generate.pick(field.enumValues()));
        }
        if (field.dateTime()) {
            return Json.strings(DateTimes.valid());
        }
        if (field.pattern() != null) {
            Gen<String> values = PATTERN_VALUES.get(field.pattern());
            if (values == null) {
                throw new IllegalStateException("no generator for the pattern of " + field.name() + ": add one to PATTERN_VALUES");
            }
            return Json.strings(values);
        }
        return Json.text(field.minLength(), field.maxLength());
    }

    /** Integers in [min, max], mostly at the edges, sometimes spelled 5.0, 5.000, 5e0, 5E+0, 50e-1 or 0.05e2. */
    private static Gen<String> integer(BigInteger min, BigInteger max) {
        Gen<BigInteger> value = Generate.frequency(List.of(
                Pair.of(1, Generate.constant(min)),
                Pair.of(1, Generate.constant(max)),
                Pair.of(1, Generate.constant(min.add(BigInteger.ONE).min(max))),
                Pair.of(1, Generate.constant(max.subtract(BigInteger.ONE).max(min))),
                Pair.of(4, between(min, max))));
        List<Function<BigInteger, String>> spellings = List.of(
                v -> v + ".0", v -> v + ".000", v -> v + "e0", v -> v + "E+0", v -> v + "0e-1", v -> v.signum() == 0 ? "-0" : "0.0" + v + "e2");
        Gen<Function<BigInteger, String>> spelling = Generate.frequency(List.of(
                Pair.of(spellings.size() * 2, Generate.constant(BigInteger::toString)), Pair.of(spellings.size(), Generate.pick(spellings))));
        return value.zip(spelling, (v, spell) -> v.signum() < 0 && spell.apply(v).startsWith("0.0") ? v.toString() : spell.apply(v));
    }

    /** Uniform in [min, max]: 128 random bits reduced modulo the span (the bias is far below anything a run sees). */
    private static Gen<BigInteger> between(BigInteger min, BigInteger max) {
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        Gen<Long> bits = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE);
        return bits.zip(bits, (high, low) -> new BigInteger(1, ByteBuffer.allocate(16).putLong(high).putLong(low).array())
                .mod(span).add(min));
    }

    static BigInteger lowest(SchemaField field) {
        return field.minimum() != null ? field.minimum() : FAR.negate();
    }

    static BigInteger highest(SchemaField field) {
        return field.maximum() != null ? field.maximum() : FAR;
    }

    private static List<Member> with(List<Member> members, Member extra) {
        List<Member> changed = new ArrayList<>(members);
        changed.add(extra);
        return changed;
    }

    private static String render(List<Member> members, Random random, String ws) {
        List<Member> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, random);
        StringBuilder text = new StringBuilder("{").append(ws);
        for (int i = 0; i < shuffled.size(); i++) {
            text.append(i == 0 ? "" : "," + ws).append(shuffled.get(i).name()).append(ws).append(':').append(ws)
                    .append(shuffled.get(i).value());
        }
        return text.append(ws).append('}').toString();
    }
}
