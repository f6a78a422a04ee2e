package dev.tokenwarden.store.envelope;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a parsed JSON value exactly as Go's {@code encoding/json} writes the {@code map[string]any} it decoded
 * from it (Go 1.22+, as sub2api builds with): object keys sorted by their UTF-8 bytes, no spaces, {@code < > &}
 * and U+2028/U+2029 escaped, every number held as a float64 and written in Go's shortest form (plain digits from
 * 1e-6 up to 1e21, otherwise {@code 1e+21} / {@code 1.5e-7}). The fingerprint is an HMAC over these bytes, so one
 * byte of difference makes sub2api refuse the row.
 */
public final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    public static byte[] bytes(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String string(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Number n) {
            out.append(number(toFloat64(n)));
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        } else {
            // The class name only: the value may be a token.
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map) {
        List<String> keys = new ArrayList<>();
        for (Object key : map.keySet()) {
            keys.add((String) key);
        }
        keys.sort(GoJson::compareUtf8);
        out.append('{');
        boolean first = true;
        for (String key : keys) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(out, key);
            out.append(':');
            write(out, map.get(key));
        }
        out.append('}');
    }

    /** Go sorts map keys as byte strings, i.e. by UTF-8 bytes; Java's String order differs above U+E000. */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Go decodes every JSON number of a {@code map[string]any} as the nearest float64 and fails beyond it. */
    private static double toFloat64(Number n) {
        double d = n instanceof Double || n instanceof Float ? n.doubleValue() : Double.parseDouble(n.toString());
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new IllegalArgumentException("a JSON number beyond float64");
        }
        return d;
    }

    /** Go's {@code floatEncoder} for 64 bits: 'f' or 'e' with the shortest digits that read back as {@code d}. */
    static String number(double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal shortest = shortest(d);
        double abs = Math.abs(d);
        if (abs >= 1e-6 && abs < 1e21) {
            String plain = shortest.toPlainString();
            return plain;
        }
        BigDecimal unscaled = new BigDecimal(shortest.unscaledValue());
        String digits = unscaled.abs().toPlainString();
        int exponent = digits.length() - 1 - shortest.scale();
        StringBuilder e = new StringBuilder();
        if (d < 0) {
            e.append('-');
        }
        e.append(digits.charAt(0));
        if (digits.length() > 1) {
            e.append('.').append(digits, 1, digits.length());
        }
        e.append('e').append(exponent < 0 ? '-' : '+');
        int absExp = Math.abs(exponent);
        // strconv writes at least two exponent digits; encoding/json then shortens e-07 to e-7 (not e+21).
        if (absExp < 10 && exponent >= 0) {
            e.append('0');
        }
        e.append(absExp);
        return e.toString();
    }

    /** The closest decimal with the fewest significant digits that parses back to {@code d}. */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (Double.parseDouble(candidate.toString()) == d) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c < 0x20) {
                        unicode(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\uFFFD'); // Go decodes a lone surrogate escape as U+FFFD and writes it raw
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
