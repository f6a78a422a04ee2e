package dev.tokenwarden.events;

import java.time.YearMonth;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Date-time text for the generators: every spelling the schemas accept, and near misses. */
final class DateTimes {

    /** Spellings RFC 3339, a validator or Java disagree on, or that are one step off. */
    private static final String[] NEAR_MISSES = {
        "2016-12-31T23:59:60Z", "2025-12-31T23:59:60Z", "2025-03-01T12:00:60Z", "2025-02-29T12:00:00Z",
        "2024-02-30T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z",
        "2025-03-00T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T12:60:00Z", "2025-03-01T12:00:00",
        "2025-03-01T12:00Z", "2025-03-01", "2025-03-01T12:00:00-00:00", "2025-03-01T12:00:00+18:01",
        "2025-03-01T12:00:00+19:00", "2025-03-01T12:00:00-23:59", "2025-03-01T12:00:00+05:60",
        "2025-03-01T12:00:00+0530", "2025-03-01T12:00:00+05x30", "2025-03-01T12:00:00+05",
        "2025-03-01T12:00:00.Z", "2025-03-01T12:00:00.1234567890Z", "2025-03-01T12:00:00,5Z",
        "2025-03-01_12:00:00Z", "2025-03-01T12:00:00Z\n", "2025-03-01T12:00:00Z ", " 2025-03-01T12:00:00Z",
        "2025-3-01T12:00:00Z", "+2025-03-01T12:00:00Z", "12025-03-01T12:00:00Z", "+10000-01-01T00:00:00Z",
        "2025-03-01T12:00:00ZZ", "2025-03-01T12:00:00+05:30Z", "2025-03-01t12:00:00.5z\n",
        "\uFF12\uFF10\uFF12\uFF15-03-01T12:00:00Z", "2025-03-01T12:00:00\u200BZ", "2025-03-01  12:00:00Z",
        "2025-03-01T12:00:00.5+02:00:00", "2025-03-01T12:00:00UTC", "2025-03-01T12:00:00GMT+1", "1e3", "",
    };
    private static final String MUTATION_CHARACTERS = "0123456789:-+.TtZz x\n";

    private DateTimes() {}

    /** Valid ones: years 0000..9999, end-of-month days, T/t/space, 0..9 fraction digits, Z/z/±hh:mm up to ±18:00. */
    static Arbitrary<String> valid() {
        Arbitrary<Integer> year = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(0, 9999, 1900, 2000, 2024)),
                Tuple.of(4, Arbitraries.integers().between(0, 9999)));
        Arbitrary<String> date = Combinators.combine(year, Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 31))
                .as((y, m, d) -> String.format("%04d-%02d-%02d", y, m, Math.min(d, YearMonth.of(y, m).lengthOfMonth())));
        Arbitrary<String> time = Combinators.combine(
                        Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 59))
                .as((h, m, s) -> String.format("%02d:%02d:%02d", h, m, s));
        Arbitrary<String> fraction = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just("")),
                Tuple.of(2, Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9).map(digits -> "." + digits)));
        return Combinators.combine(date, Arbitraries.of("T", "t", " "), time, fraction, offset()).as((d, sep, t, f, o) -> d + sep + t + f + o);
    }

    /** Near misses, and valid ones with one character replaced, dropped or doubled. */
    static Arbitrary<String> invalid() {
        Arbitrary<String> mutated = Combinators.combine(valid(), Arbitraries.integers().between(0, 40),
                        Arbitraries.of(MUTATION_CHARACTERS.chars().mapToObj(c -> String.valueOf((char) c)).toList()),
                        Arbitraries.of(0, 1, 2))
                .as((text, at, c, how) -> {
                    int i = Math.min(at, text.length() - 1);
                    return switch (how) {
                        case 0 -> text.substring(0, i) + c + text.substring(i + 1);
                        case 1 -> text.substring(0, i) + text.substring(i + 1);
                        default -> text.substring(0, i) + text.charAt(i) + text.substring(i);
                    };
                });
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(NEAR_MISSES)), Tuple.of(1, mutated));
    }

    private static Arbitrary<String> offset() {
        Arbitrary<String> numeric = Arbitraries.frequencyOf(
                        Tuple.of(1, Arbitraries.of(-18 * 60, 18 * 60, 0)),
                        Tuple.of(4, Arbitraries.integers().between(-18 * 60, 18 * 60)))
                .map(minutes -> String.format("%s%02d:%02d", minutes < 0 ? "-" : "+", Math.abs(minutes) / 60, Math.abs(minutes) % 60));
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of("Z", "z")), Tuple.of(2, numeric));
    }
}
