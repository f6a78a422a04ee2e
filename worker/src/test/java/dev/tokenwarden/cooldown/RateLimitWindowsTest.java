package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.UpstreamRejected;

/** Recorded 429 answers of each provider → the windows the worker reads from them. */
class RateLimitWindowsTest {
    private static final Instant NOW = Instant.parse("2026-07-10T12:00:00Z");
    private static final long T = NOW.getEpochSecond();
    private static final Duration FALLBACK = Duration.ofMinutes(5);
    private static final Duration CAP = Duration.ofDays(8);

    /** One recorded answer: what the gateway sent, and what must come of it. */
    record Case(String name, Platform platform, Instant occurredAt, Map<String, String> headers, Integer retryAfter,
            Instant resetsAt, Integer resetsIn, String model, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> recordedAnswers() {
        return Stream.of(
                answer("anthropic 5h only exhausted: the 5-hour window, never the weekly one", Platform.ANTHROPIC,
                        anthropic("5h", "rejected", T + 7200, "7d", "allowed", T + 5 * 86400, "status", "rejected",
                                T + 7200),
                        "rate_limited|-|+7200|anthropic-5h"),
                answer("anthropic 7d only exhausted: the weekly window", Platform.ANTHROPIC,
                        anthropic("5h", "allowed", T + 3600, "7d", "rejected", T + 4 * 86400, "status", "rejected",
                                T + 4 * 86400),
                        "rate_limited|-|+345600|anthropic-7d"),
                answer("anthropic family (7d_oi) only: its scope, the account stays schedulable", Platform.ANTHROPIC,
                        anthropic("5h", "allowed", T + 3600, "7d", "allowed", T + 86400, "7d_oi", "rejected",
                                T + 3 * 86400),
                        "model_rate_limited|claude-fable-5|+259200|anthropic-7d_oi"),
                answer("anthropic 5h and 7d both exhausted: out until both have reset", Platform.ANTHROPIC,
                        anthropic("5h", "rejected", T + 7200, "7d", "rejected", T + 86400, "status", "rejected",
                                T + 86400),
                        "rate_limited|-|+86400|anthropic-7d"),
                answer("anthropic stale 5h reset in the past, with a retry-after header", Platform.ANTHROPIC,
                        with(anthropic("5h", "rejected", T - 600, "7d", "allowed", T + 86400, "status", "rejected",
                                T - 600), "retry-after", "60"),
                        "rate_limited|-|+60|upstream"),
                answer("anthropic stale reset and nothing else: the policy's default", Platform.ANTHROPIC,
                        anthropic("5h", "rejected", T - 600, "7d", "allowed", T + 86400, "status", "rejected", T - 600),
                        "rate_limited|-|+300|policy"),
                answer("anthropic overall status only", Platform.ANTHROPIC,
                        Map.of("anthropic-ratelimit-unified-status", "rejected", "anthropic-ratelimit-unified-reset",
                                Long.toString(T + 900)),
                        "rate_limited|-|+900|anthropic-unified"),
                answer("codex weekly window in the primary slot exhausted (a pro plan): classified by minutes",
                        Platform.OPENAI,
                        codex("primary", 100, 10080, T + 3 * 86400, "secondary", 42, 300, T + 3600),
                        "rate_limited|-|+259200|codex-10080m"),
                answer("codex 5h window only exhausted: the short one, never the weekly one", Platform.OPENAI,
                        codex("primary", 100.0, 300, T + 3600, "secondary", 60, 10080, T + 5 * 86400),
                        "rate_limited|-|+3600|codex-300m"),
                answer("codex reset-after-seconds instead of reset-at", Platform.OPENAI,
                        Map.of("x-codex-secondary-used-percent", "100", "x-codex-secondary-window-minutes", "300",
                                "x-codex-secondary-reset-after-seconds", "1800"),
                        "rate_limited|-|+1800|codex-300m"),
                answer("codex family limit: its limit name is the scope", Platform.OPENAI,
                        Map.of("x-codex-bengalfox-primary-used-percent", "100",
                                "x-codex-bengalfox-primary-window-minutes", "10080",
                                "x-codex-bengalfox-primary-reset-at", Long.toString(T + 86400),
                                "x-codex-bengalfox-limit-name", "gpt-5-codex", "x-codex-primary-used-percent", "12"),
                        "model_rate_limited|gpt-5-codex|+86400|codex-10080m"),
                new Case("openai usage_limit_reached body: resets_in_seconds", Platform.OPENAI, NOW, Map.of(), null,
                        null, 1200, null, List.of("rate_limited|-|+1200|upstream")),
                new Case("retry_after 60 from a gateway 10 minutes ahead: 60 s, not 11 minutes", Platform.GROK,
                        NOW.plusSeconds(600), Map.of(), 60, null, null, null, List.of("rate_limited|-|+60|upstream")),
                new Case("resets_at from a gateway 10 minutes ahead: moved back by its lead", Platform.OPENAI,
                        NOW.plusSeconds(600), Map.of(), null, NOW.plusSeconds(900), null, null,
                        List.of("rate_limited|-|+300|upstream")),
                new Case("an event from the past: its own time, not now", Platform.OPENAI, NOW.minusSeconds(30),
                        Map.of(), 60, null, null, null, List.of("rate_limited|-|+30|upstream")),
                new Case("gemini quota for one model: that model's scope", Platform.GEMINI, NOW, Map.of(), 120, null,
                        null, "gemini-2.5-pro", List.of("model_rate_limited|gemini-2.5-pro|+120|upstream")),
                new Case("nothing said: the policy's default", Platform.ANTHROPIC, NOW, Map.of(), null, null, null,
                        "claude-sonnet-4", List.of("rate_limited|-|+300|policy")),
                new Case("a reset beyond the cap is capped", Platform.OPENAI, NOW, Map.of(), null,
                        NOW.plus(Duration.ofDays(30)), null, null, List.of("rate_limited|-|+691200|upstream")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedAnswers")
    void shouldReadTheExhaustedWindowsWhenTheUpstreamAnswered429(Case c) {
        // Given
        UpstreamRejected event = new UpstreamRejected("e", 7, c.platform(), 429, "rate_limit_error", null, null,
                c.occurredAt(), "gw", c.retryAfter(), c.resetsAt(), c.resetsIn(), c.model(), c.headers());

        // When
        List<RateLimitWindows.Window> windows = RateLimitWindows.of(event, NOW, FALLBACK, CAP);

        // Then
        assertEquals(c.expected(), windows.stream().map(RateLimitWindowsTest::describe).toList());
    }

    private static Case answer(String name, Platform platform, Map<String, String> headers, String expected) {
        return new Case(name, platform, NOW, headers, null, null, null, null, List.of(expected));
    }

    private static String describe(RateLimitWindows.Window w) {
        return w.kind().json() + "|" + (w.scope() == null ? "-" : w.scope()) + "|+"
                + Duration.between(NOW, w.until()).toSeconds() + "|" + w.source();
    }

    /** label, status, reset triples; the label {@code status} stands for the overall status and reset. */
    private static Map<String, String> anthropic(Object... triples) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < triples.length; i += 3) {
            String prefix = "anthropic-ratelimit-unified-" + (triples[i].equals("status") ? "" : triples[i] + "-");
            h.put(prefix + "status", (String) triples[i + 1]);
            h.put(prefix + "reset", triples[i + 2].toString());
            if (!triples[i].equals("status")) {
                h.put(prefix + "utilization", triples[i + 1].equals("rejected") ? "1.0" : "0.4");
            }
        }
        h.put("anthropic-ratelimit-unified-representative-claim", "five_hour");
        return h;
    }

    /** slot, used percent, window minutes, reset-at quadruples. */
    private static Map<String, String> codex(Object... quads) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < quads.length; i += 4) {
            String prefix = "x-codex-" + quads[i] + "-";
            h.put(prefix + "used-percent", quads[i + 1].toString());
            h.put(prefix + "window-minutes", quads[i + 2].toString());
            h.put(prefix + "reset-at", quads[i + 3].toString());
        }
        return h;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(name, value);
        return h;
    }
}
