package dev.tokenwarden.events;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** JSON string literals for the generators: every legal spelling, lone surrogates included. */
final class Json {

    private Json() {}

    /** {@code value} as a string literal, escaping only what JSON requires (and lone surrogates, which UTF-8 cannot carry). */
    static String quote(String value) {
        return quote(value, -1, false);
    }

    /** Each value quoted plainly (mostly), fully \\u-escaped, or with one character escaped. */
    static Arbitrary<String> strings(Arbitrary<String> values) {
        return Combinators.combine(values, Arbitraries.integers().between(0, 7), Arbitraries.integers().greaterOrEqual(0))
                .as(Json::spell);
    }

    /**
     * Text of {@code min}..{@code max} code points (mostly exactly one of the two), as literals: ASCII,
     * control characters, BMP and astral characters and lone surrogates, cycled from a short random run
     * so that 2048-character values stay cheap to generate.
     */
    static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(max)),
                Tuple.of(1, Arbitraries.just(min)),
                Tuple.of(2, Arbitraries.integers().between(min, max)));
        return Combinators.combine(length, codePoint().list().ofMinSize(1).ofMaxSize(8),
                        Arbitraries.integers().between(0, 7), Arbitraries.integers().greaterOrEqual(0))
                .as((n, run, style, at) -> spell(cycle(n, run), style, at));
    }

    private static String spell(String value, int style, int at) {
        if (style == 6) {
            return quote(value, -1, true);
        }
        return style == 7 && !value.isEmpty() ? quote(value, at % value.length(), false) : quote(value);
    }

    private static Arbitrary<Integer> codePoint() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(1, Arbitraries.integers().between(0x00, 0x1f)),
                Tuple.of(1, Arbitraries.integers().between(0xa0, 0xd7ff)),
                Tuple.of(1, Arbitraries.integers().between(0xe000, 0xfffd)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)),
                Tuple.of(1, Arbitraries.integers().between(0xd800, 0xdfff)));
    }

    private static String cycle(int length, List<Integer> run) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int codePoint = run.get(i % run.size());
            if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
                text.append((char) codePoint); // a lone surrogate, unless the next one pairs with it
            } else {
                text.appendCodePoint(codePoint);
            }
        }
        return text.toString();
    }

    private static String quote(String value, int escapeAt, boolean escapeNonAscii) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                // A pair is escaped whole or not at all: half of it raw would not survive UTF-8.
                boolean escape = escapeNonAscii || escapeAt == i || escapeAt == i + 1;
                out.append(escape ? escaped(c) + escaped(value.charAt(i + 1)) : value.substring(i, i + 2));
                i++;
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || i == escapeAt || (escapeNonAscii && c > 0x7e)) {
                out.append(escaped(c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String escaped(char c) {
        String hex = Integer.toHexString(c);
        return "\\u" + "000".substring(hex.length() - 1) + hex;
    }
}
