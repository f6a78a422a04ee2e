package dev.tokenwarden.events;

import dev.tokenwarden.events.SchemaDocuments.Member;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Values and text one step off a valid document; the independent validator has the last word. */
final class Mutations {

    /** Values of the wrong type for most fields (and of the right one for some: the validator decides). */
    private static final String[] OTHER_TYPES = {
        "\"42\"", "42", "true", "false", "null", "{}", "[]", "[1]", "{\"a\": 1}", "1.5", "\"\"", "\"null\"", "-1",
    };
    /** Numbers past the integer rules, and spellings JSON or Java read differently from what they look like. */
    private static final String[] ODD_NUMBERS = {
        "1.5", "0.5", "-0.5", "1e400", "-1e400", "1e19", "9.3e18", "-9.3e18", "1e-400", "1.00000000000000001",
        "-0.0", "0.0", "01", "-01", "+1", "1.", ".5", "0x10", "NaN", "Infinity", "-", "1e", "1E+",
        "9223372036854775807.0", "9223372036854775808.0", "9223372036854775807.5", "92233720368547758.07e2",
        "-9223372036854775809.0", "18446744073709551616", "99999999999999999999", "1" + "0".repeat(400),
        "1740000000000.0", "1.74e12", "4611686018427387904.0", "1e-1000000000", "1e1000000000", "0e1000000000",
    };
    private static final String[] UNKNOWN_NAMES = {
        "access_token", "refresh_token", "sk-ant-ort01-Qm9vZ2x5", "Event_id", "event_id ", "account-id", "eventId",
        "", "\u0000", "$ref", "__proto__",
    };
    private static final String[] PATTERN_MISSES = {
        "credential-updated:1:2\n", "credential-updated:1:2\r\n", "credential-updated:1:2\u2028", "credential-updated:01:2",
        "Credential-updated:1:2", "credential-updated:1:", "credential-updated:0:1", "credential-updated:1:2:3",
        "credential-updated:1:2 ", " credential-updated:1:2", "credential-updated:\uFF11:2", "credential-updated:-1:2",
    };
    private static final List<UnaryOperator<String>> BREAKS = List.of(
            text -> text + " x", text -> text + "{}", text -> text + ",", text -> text + "\u0000", text -> "[" + text + "]",
            text -> text.replaceFirst(":", ":\f"), text -> text.replaceFirst(":", ":\u00a0"), text -> text.replaceFirst("}$", ",}"),
            text -> text.replaceFirst("\"", "'"), text -> "\uFEFF" + text, text -> text.replaceFirst(":", "::"));

    private Mutations() {}

    /** A value {@code field} should refuse: another type, out of range, too long or short, not allowed, malformed. */
    static Gen<String> badValue(SchemaField field) {
        List<Pair<Integer, Gen<String>>> choices = new ArrayList<>();
        choices.add(Pair.of(2, Generate.pick(List.of(OTHER_TYPES))));
        if (field.types().contains("integer")) {
            BigInteger min = SchemaDocuments.lowest(field);
            BigInteger max = SchemaDocuments.highest(field);
            BigInteger longMax = BigInteger.valueOf(Long.MAX_VALUE);
            choices.add(Pair.of(2, Generate.pick(List.of(min.subtract(BigInteger.ONE).toString(), max.add(BigInteger.ONE).toString(),
                    longMax.add(BigInteger.ONE).toString(), BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE).toString(),
                    BigInteger.TWO.pow(64).toString()))));
            choices.add(Pair.of(3, Generate.pick(List.of(ODD_NUMBERS))));
        }
        if (field.types().contains("string")) {
            choices.add(Pair.of(3, badString(field)));
        }
        if (field.types().contains("object")) {
            choices.add(Pair.of(3, Generate.pick(List.of(SchemaDocuments.headerObject(41), "{\"Retry-After\": \"1\"}",
                    "{\"retry-after\": 1}", "{\"retry-after\": null}", "{\"\": \"1\"}", "{\"a\\n\": \"1\"}",
                    "{\"" + "a".repeat(101) + "\": \"1\"}", "{\"a\": \"" + "b".repeat(257) + "\"}"))));
        }
        return Generate.frequency(choices);
    }

    /** A property the schema does not declare, named like a token, a near miss of a declared name, or oddly. */
    static Gen<Member> unknownMember() {
        return Generate.pick(List.of(UNKNOWN_NAMES)).zip(Generate.pick(List.of(OTHER_TYPES)),
                (name, value) -> new Member(Json.quote(name), value));
    }

    /** Not JSON, or not one JSON object, any more: cut short, trailing content, stray characters. */
    static Gen<String> broken(Gen<String> texts) {
        Gen<String> cut = texts.zip(Generate.range(0, 1_000_000),
                (text, at) -> text.substring(0, (int) (at / 1e6 * (text.length() - 1))));
        Gen<String> spoilt = texts.zip(Generate.pick(BREAKS), (text, spoil) -> spoil.apply(text));
        return Generate.frequency(List.of(Pair.of(3, cut), Pair.of(2, spoilt)));
    }

    private static Gen<String> badString(SchemaField field) {
        if (field.constValue() != null || !field.enumValues().isEmpty()) {
            List<String> allowed = field.constValue() != null ? List.of(field.constValue()) : field.enumValues();
            List<String> misses = new ArrayList<>(List.of("", "unknown"));
            for (String v : allowed) {
                misses.addAll(List.of(v.toUpperCase(Locale.ROOT), v + " ", " " + v, v + "\n", v.substring(1)));
            }
            return Json.strings(Generate.pick(misses));
        }
        if (field.dateTime()) {
            return Json.strings(DateTimes.invalid());
        }
        if (field.pattern() != null) {
            return Json.strings(Generate.pick(List.of(PATTERN_MISSES)));
        }
        Gen<String> tooLong = Json.text(field.maxLength() + 1, field.maxLength() + 1);
        return field.minLength() > 0 ? Generate.oneOf(tooLong, Json.text(0, field.minLength() - 1)) : tooLong;
    }
}
