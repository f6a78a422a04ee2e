package dev.tokenwarden.events;

import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** JSON string literals for the generators: every legal spelling, lone surrogates included. */
final class Json {

    private Json() {}

    /** {@code value} as a string literal, escaping only what JSON requires (and lone surrogates, which UTF-8 cannot carry). */
    static String quote(String value) {
        return quote(value, -1, false);
    }

    /** Each value quoted plainly (mostly), fully \\u-escaped, or with one character escaped. */
    static Gen<String> strings(Gen<String> values) {
        return values.zip(Generate.range(0, 7), Generate.range(0, Integer.MAX_VALUE), Json::spell);
    }

    /**
     * Text of {@code min}..{@code max} code points (mostly exactly one of the two), as literals: ASCII,
     * control characters, BMP and astral characters and lone surrogates, cycled from a short random run
     * so that 2048-character values stay cheap to generate.
     */
    static Gen<String> text(int min, int max) {
        Gen<Integer> length = Generate.frequency(List.of(
                Pair.of(2, Generate.constant(max)),
                Pair.of(1, Generate.constant(min)),
                Pair.of(2, Generate.range(min, max))));
        return length.zip(lists().of(codePoint()).ofSizeBetween(1, 8), Generate.range(0, 7), Generate.range(0, Integer.MAX_VALUE),
                (n, run, style, at) -> spell(cycle(n, run), style, at));
    }

    private static String spell(String value, int style, int at) {
        if (style == 6) {
            return quote(value, -1, true);
        }
        return style == 7 && !value.isEmpty() ? quote(value, at % value.length(), false) : quote(value);
    }

    private static Gen<Integer> codePoint() {
        return Generate.frequency(List.of(
                Pair.of(8, Generate.range(0x20, 0x7e)),
                Pair.of(1, Generate.range(0x00, 0x1f)),
                Pair.of(1, Generate.range(0xa0, 0xd7ff)),
                Pair.of(1, Generate.range(0xe000, 0xfffd)),
                Pair.of(2, Generate.range(0x10000, 0x10ffff)),
                Pair.of(1, Generate.range(0xd800, 0xdfff))));
    }

    private static String cycle(int length, List<Integer> run) {
        int[] codePoints = run.stream().mapToInt(Integer::intValue).toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int codePoint = codePoints[i % codePoints.length];
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
