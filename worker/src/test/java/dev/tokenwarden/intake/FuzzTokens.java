package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Strings shaped like each provider's tokens (Anthropic {@code sk-ant-ort01-…}, {@code rt_…}, JWTs, OpenAI and
 * Google keys) for the fuzz suite to feed through every error path. Each carries {@link #MARK} right after its
 * prefix, so a leak of even its first characters is found by one search; a JWT's first two segments carry no
 * mark, so they are searched for themselves.
 */
final class FuzzTokens {
    /** In every fed token; nothing else in the worker's output contains it. */
    static final String MARK = "Fz7leakQ";
    private static final String JWT_HEADER = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";
    private static final char[] URL_SAFE =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    private final Random random;
    private final List<String> fed = new ArrayList<>();
    private final List<String> needles = new ArrayList<>(List.of(MARK, JWT_HEADER));

    FuzzTokens(Random random) {
        this.random = random;
    }

    /** A new token of a random shape; remembered as fed. */
    String next() {
        String token = switch (random.nextInt(7)) {
            case 0 -> "sk-ant-ort01-" + MARK + chars(80) + "-" + chars(6) + "AA";
            case 1 -> "sk-ant-oat01-" + MARK + chars(80) + "AA";
            case 2 -> "rt_" + MARK + chars(40);
            case 3 -> jwt();
            case 4 -> "sk-proj-" + MARK + chars(56);
            case 5 -> "ya29." + MARK + chars(100);
            default -> "1//0" + MARK + chars(60);
        };
        fed.add(token);
        return token;
    }

    /** Every token handed out so far. */
    List<String> fed() {
        return fed;
    }

    /** Substrings whose presence in a log line or dead-letter header means a fed token leaked. */
    List<String> needles() {
        return needles;
    }

    private String jwt() {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"" + chars(12) + "\",\"exp\":" + (1_900_000_000 + random.nextInt(1_000_000)) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        needles.add(payload);
        return JWT_HEADER + "." + payload + "." + MARK + chars(43);
    }

    private String chars(int n) {
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(URL_SAFE[random.nextInt(URL_SAFE.length)]);
        }
        return out.toString();
    }
}
