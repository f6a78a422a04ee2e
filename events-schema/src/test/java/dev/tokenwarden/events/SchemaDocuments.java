package dev.tokenwarden.events;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * JSON text generated from an event schema: valid documents with values at the edges (lengths,
 * bounds, nulls, absent optionals, every date-time spelling, escapes, integers spelled as 5.0), and
 * documents one step off (a wrong value in one field, a required field missing, a key twice, an
 * unknown property, broken JSON). Whether a document is valid is not decided here: the test asks an
 * independent validator. Values are kept as JSON text so that their spelling is under our control.
 *
 * <p>Every shape is a fixed arbitrary built once per schema (no {@code flatMap}), and the big ones
 * are {@link #frozen}, which keeps generation at tens of microseconds a document.
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

    private static final Map<String, Arbitrary<String>> PATTERN_VALUES = Map.of(
            "^credential-updated:[1-9][0-9]*:[0-9]+(?![\\s\\S])",
            Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE), Arbitraries.longs().between(0, Long.MAX_VALUE))
                    .as((account, version) -> "credential-updated:" + account + ":" + version));
    private static final List<String> WHITESPACE = List.of("", " ", "\n", "\t", "\r\n  ");

    private SchemaDocuments() {}

    static Arbitrary<String> documents(EventType<?> type) {
        List<SchemaField> fields = SchemaField.of(type);
        List<Tuple.Tuple2<Integer, Arbitrary<List<Member>>>> offShapes = new ArrayList<>();
        for (SchemaField field : fields) {
            offShapes.add(Tuple.of(4, frozen(members(fields, field, member(field, Mutations.badValue(field)).map(List::of)))));
            offShapes.add(Tuple.of(1, frozen(members(fields, field, Combinators.combine(member(field, validValue(field)),
                    member(field, validValue(field))).as(List::of)))));
            if (field.required()) {
                offShapes.add(Tuple.of(1, frozen(members(fields, field, Arbitraries.just(List.of())))));
            }
        }
        offShapes.add(Tuple.of(3, frozen(Combinators.combine(members(fields, null, null), Mutations.unknownMember())
                .as((members, extra) -> with(members, extra)))));
        int offWeight = offShapes.stream().mapToInt(Tuple.Tuple2::get1).sum();
        List<Tuple.Tuple2<Integer, Arbitrary<List<Member>>>> shapes = new ArrayList<>(offShapes);
        // About two valid documents for every three that are off.
        shapes.add(Tuple.of(offWeight * 2 / 3, frozen(members(fields, null, null))));
        Arbitrary<String> text = frozen(Combinators.combine(Arbitraries.frequencyOf(shapes), Arbitraries.randoms(), Arbitraries.of(WHITESPACE))
                .as(SchemaDocuments::render));
        return Arbitraries.frequencyOf(Tuple.of(19, text), Tuple.of(1, Mutations.broken(text)));
    }

    /**
     * The same values from a generator built once. jqwik looks generators up by the arbitrary's hash
     * code, computed over the whole tree on every try; for a document tree that was most of the run.
     */
    private static <T> Arbitrary<T> frozen(Arbitrary<T> arbitrary) {
        return Arbitraries.fromGenerator(arbitrary.generator(1000));
    }

    /** Every field valid (optional ones sometimes absent), except {@code special}, whose members come from {@code instead}. */
    private static Arbitrary<List<Member>> members(List<SchemaField> fields, SchemaField special, Arbitrary<List<Member>> instead) {
        List<Arbitrary<List<Member>>> perField = new ArrayList<>();
        for (SchemaField field : fields) {
            Arbitrary<List<Member>> present = frozen(member(field, validValue(field)).map(List::of));
            perField.add(field == special ? instead
                    : field.required() ? present
                    : Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.of())), Tuple.of(2, present)));
        }
        return Combinators.combine(perField).as(lists -> lists.stream().flatMap(List::stream).toList());
    }

    private static Arbitrary<Member> member(SchemaField field, Arbitrary<String> value) {
        return Combinators.combine(name(field.name()), value).as(Member::new);
    }

    /** A property name, now and then with one character as a \\u escape (the same name to any reader). */
    private static Arbitrary<String> name(String name) {
        return Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.just(Json.quote(name))),
                Tuple.of(1, Json.strings(Arbitraries.just(name))));
    }

    static Arbitrary<String> validValue(SchemaField field) {
        List<Tuple.Tuple2<Integer, Arbitrary<String>>> choices = new ArrayList<>();
        if (field.nullable()) {
            choices.add(Tuple.of(1, Arbitraries.just("null")));
        }
        if (field.types().contains("boolean")) {
            choices.add(Tuple.of(3, Arbitraries.of("true", "false")));
        }
        if (field.types().contains("integer")) {
            choices.add(Tuple.of(3, integer(lowest(field), highest(field))));
        }
        if (field.types().contains("string")) {
            choices.add(Tuple.of(3, validString(field)));
        }
        if (field.types().contains("object")) {
            choices.add(Tuple.of(3, Arbitraries.of(HEADER_OBJECTS)));
        }
        return Arbitraries.frequencyOf(choices);
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

    private static Arbitrary<String> validString(SchemaField field) {
        if (field.constValue() != null) {
            return Json.strings(Arbitraries.just(field.constValue()));
        }
        if (!field.enumValues().isEmpty()) {
            return Json.strings(Arbitraries.of(field.enumValues()));
        }
        if (field.dateTime()) {
            return Json.strings(DateTimes.valid());
        }
        if (field.pattern() != null) {
            Arbitrary<String> values = PATTERN_VALUES.get(field.pattern());
            if (values == null) {
                throw new IllegalStateException("no generator for the pattern of " + field.name() + ": add one to PATTERN_VALUES");
            }
            return Json.strings(values);
        }
        return Json.text(field.minLength(), field.maxLength());
    }

    /** Integers in [min, max], mostly at the edges, sometimes spelled 5.0, 5.000, 5e0, 5E+0, 50e-1 or 0.05e2. */
    private static Arbitrary<String> integer(BigInteger min, BigInteger max) {
        Arbitrary<BigInteger> value = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(min)),
                Tuple.of(1, Arbitraries.just(max)),
                Tuple.of(1, Arbitraries.just(min.add(BigInteger.ONE).min(max))),
                Tuple.of(1, Arbitraries.just(max.subtract(BigInteger.ONE).max(min))),
                Tuple.of(4, Arbitraries.bigIntegers().between(min, max)));
        List<Function<BigInteger, String>> spellings = List.of(
                v -> v + ".0", v -> v + ".000", v -> v + "e0", v -> v + "E+0", v -> v + "0e-1", v -> v.signum() == 0 ? "-0" : "0.0" + v + "e2");
        Arbitrary<Function<BigInteger, String>> spelling = Arbitraries.frequencyOf(
                Tuple.of(spellings.size() * 2, Arbitraries.just(BigInteger::toString)), Tuple.of(spellings.size(), Arbitraries.of(spellings)));
        return Combinators.combine(value, spelling).as((v, spell) -> v.signum() < 0 && spell.apply(v).startsWith("0.0") ? v.toString() : spell.apply(v));
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
