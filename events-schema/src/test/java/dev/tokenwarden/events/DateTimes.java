package dev.tokenwarden.events;

import java.time.YearMonth;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

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
    static Gen<String> valid() {
        Gen<Integer> year = Generate.frequency(List.of(
                Pair.of(1, Generate.pick(List.of(0, 9999, 1900, 2000, 2024))),
                Pair.of(4, Generate.range(0, 9999))));
        Gen<String> date = year.zip(Generate.range(1, 12), Generate.range(1, 31),
                (y, m, d) -> String.format("%04d-%02d-%02d", y, m, Math.min(d, YearMonth.of(y, m).lengthOfMonth())));
        Gen<String> time = Generate.range(0, 23).zip(Generate.range(0, 59), Generate.range(0, 59),
                (h, m, s) -> String.format("%02d:%02d:%02d", h, m, s));
        Gen<String> fraction = Generate.frequency(List.of(
                Pair.of(1, Generate.constant("")),
                Pair.of(2, digits(1, 9).map(digits -> "." + digits))));
        Gen<String> dateAndTime = date.zip(Generate.pick(List.of("T", "t", " ")), time, (d, sep, t) -> d + sep + t);
        return dateAndTime.zip(fraction, offset(), (dt, f, o) -> dt + f + o);
    }

    /** Near misses, and valid ones with one character replaced, dropped or doubled. */
    static Gen<String> invalid() {
        Gen<String> mutated = valid().zip(Generate.range(0, 40),
                Generate.pick(MUTATION_CHARACTERS.chars().mapToObj(c -> String.valueOf((char) c)).toList()), Generate.range(0, 2),
                (text, at, c, how) -> {
                    int i = Math.min(at, text.length() - 1);
                    return switch (how) {
                        case 0 -> text.substring(0, i) + c + text.substring(i + 1);
                        case 1 -> text.substring(0, i) + text.substring(i + 1);
                        default -> text.substring(0, i) + text.charAt(i) + text.substring(i);
                    };
                });
        return Generate.frequency(List.of(Pair.of(1, Generate.pick(List.of(NEAR_MISSES))), Pair.of(1, mutated)));
    }

    private static Gen<String> offset() {
        Gen<String> numeric = Generate.frequency(List.of(
                        Pair.of(1, Generate.pick(List.of(-18 * 60, 18 * 60, 0))),
                        Pair.of(4, Generate.range(-18 * 60, 18 * 60))))
                .map(minutes -> String.format("%s%02d:%02d", minutes < 0 ? "-" : "+", Math.abs(minutes) / 60, Math.abs(minutes) % 60));
        return Generate.frequency(List.of(Pair.of(1, Generate.pick(List.of("Z", "z"))), Pair.of(2, numeric)));
    }

    /** {@code min}..{@code max} ASCII digits. */
    private static Gen<String> digits(int min, int max) {
        Gen<Integer> length = Generate.range(min, max);
        Gen<Integer> digit = Generate.range(0, 9);
        return source -> {
            StringBuilder digits = new StringBuilder();
            for (int i = length.generate(source); i > 0; i--) {
                digits.append(digit.generate(source));
            }
            return digits.toString();
        };
    }
}
