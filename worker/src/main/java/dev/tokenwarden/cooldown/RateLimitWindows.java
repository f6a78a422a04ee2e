package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.UpstreamRejected;

/**
 * Which windows a 429 exhausted, read from what the upstream itself said. Pure: (event, now, policy) → windows.
 * <ol>
 * <li>Anthropic: every {@code anthropic-ratelimit-unified-<window>-status: rejected} with its {@code -reset}; a global
 *     window ({@code 5h}, {@code 7d}) limits the account, a family window ({@code 7d_oi}, {@code 7d_opus}, ...) only its
 *     scope. Only the exhausted windows count: taking the longer window when only the shorter one was exhausted was
 *     sub2api's bug twice (#2258, #3249). The overall {@code -status}/{@code -reset} stands in when no window says.
 * <li>Codex: every {@code x-codex-[<family>-]{primary,secondary}-used-percent} at 100, its window told by
 *     {@code -window-minutes}, never by its position; its end from {@code -reset-at} or {@code -reset-after-seconds}.
 * <li>Otherwise the later of {@code retry_after_seconds}, {@code resets_in_seconds}, {@code resets_at} and a
 *     {@code retry-after} header; for platforms whose quotas are per model (Gemini, Antigravity) kept for the event's
 *     model when it names one.
 * <li>Otherwise the policy's duration.
 * </ol>
 * A reset already in the past is no signal (the next source decides). Relative times count from the event's time,
 * with a gateway clock that runs ahead clamped to now; an absolute {@code resets_at}, which such a gateway computed
 * from its own clock, is moved back by the same lead. The upstream's own Unix times are the provider's clock and are
 * taken as they are. Every window is capped at {@code cap} after the event's time.
 */
public final class RateLimitWindows {
    /** Anthropic family windows whose scope key sub2api already uses; others are kept as {@code anthropic:<window>}. */
    private static final Map<String, String> ANTHROPIC_FAMILY_SCOPES = Map.of(
            "oi", "claude-fable-5", "opus", "claude-opus", "sonnet", "claude-sonnet");
    private static final String ANTHROPIC = "anthropic-ratelimit-unified-";
    private static final Pattern ANTHROPIC_STATUS = Pattern.compile("anthropic-ratelimit-unified-([a-z0-9_]+)-status");
    private static final Pattern CODEX_USED =
            Pattern.compile("x-codex-(?:([a-z0-9_]+)-)?(primary|secondary)-used-percent");
    /** The longest scope key kept as it is; longer ones (or other characters) are still keys, only hashed in ids. */
    static final int MAX_SCOPE_LENGTH = 128;

    /**
     * One exhausted window.
     *
     * @param scope null for the whole account, else the {@code extra.model_rate_limits} key
     * @param source where its end came from: {@code anthropic-5h}, {@code codex-300m}, {@code upstream}, {@code policy}
     */
    public record Window(CooldownKind kind, String scope, Instant until, String source) {
        /** Anthropic's 5-hour window, which sub2api also keeps in the session window columns. */
        public boolean sessionWindow() {
            return "anthropic-5h".equals(source);
        }

        /** What the memory and the event id tell windows apart by. */
        String target() {
            return scope == null ? kind.json() : kind.json() + ":" + scope;
        }
    }

    private RateLimitWindows() {
    }

    /**
     * @param fallback the policy's duration for a 429 that says nothing usable
     * @param cap the longest window accepted (a week and a bit covers Anthropic's 7-day window)
     */
    public static List<Window> of(UpstreamRejected event, Instant now, Duration fallback, Duration cap) {
        Instant basis = event.occurredAt().isAfter(now) ? now : event.occurredAt();
        Map<String, String> headers = event.headers();
        List<Window> windows = new ArrayList<>(anthropic(headers, now));
        if (windows.isEmpty()) {
            windows.addAll(codex(headers, basis, now));
        }
        if (windows.isEmpty()) {
            upstream(event, headers, basis, now).ifPresent(until -> windows.add(new Window(
                    scopeOf(event) == null ? CooldownKind.RATE_LIMITED : CooldownKind.MODEL_RATE_LIMITED,
                    scopeOf(event), until, "upstream")));
        }
        if (windows.isEmpty()) {
            windows.add(new Window(scopeOf(event) == null ? CooldownKind.RATE_LIMITED : CooldownKind.MODEL_RATE_LIMITED,
                    scopeOf(event), basis.plus(fallback), "policy"));
        }
        Instant latest = basis.plus(cap);
        return merged(windows.stream()
                .map(w -> w.until().isAfter(latest) ? new Window(w.kind(), w.scope(), latest, w.source()) : w)
                .toList());
    }

    private static List<Window> anthropic(Map<String, String> headers, Instant now) {
        List<Window> windows = new ArrayList<>();
        headers.forEach((name, value) -> {
            Matcher m = ANTHROPIC_STATUS.matcher(name);
            if (!m.matches() || !"rejected".equalsIgnoreCase(value.trim()) || m.group(1).equals("overage")) {
                return;
            }
            String label = m.group(1);
            Optional<Instant> reset = epochSeconds(headers.get(ANTHROPIC + label + "-reset")).filter(now::isBefore);
            if (reset.isEmpty()) {
                return; // a stale or missing reset: no signal from this window
            }
            int family = label.indexOf('_');
            if (family < 0) {
                windows.add(new Window(CooldownKind.RATE_LIMITED, null, reset.get(), "anthropic-" + label));
            } else {
                String scope = ANTHROPIC_FAMILY_SCOPES.getOrDefault(label.substring(family + 1), "anthropic:" + label);
                windows.add(new Window(CooldownKind.MODEL_RATE_LIMITED, scope, reset.get(), "anthropic-" + label));
            }
        });
        if (windows.isEmpty() && "rejected".equalsIgnoreCase(headers.getOrDefault(ANTHROPIC + "status", "").trim())) {
            epochSeconds(headers.get(ANTHROPIC + "reset")).filter(now::isBefore).ifPresent(reset ->
                    windows.add(new Window(CooldownKind.RATE_LIMITED, null, reset, "anthropic-unified")));
        }
        return windows;
    }

    private static List<Window> codex(Map<String, String> headers, Instant basis, Instant now) {
        List<Window> windows = new ArrayList<>();
        headers.forEach((name, value) -> {
            Matcher m = CODEX_USED.matcher(name);
            Double used = number(value);
            if (!m.matches() || used == null || used < 100) {
                return;
            }
            String prefix = "x-codex-" + (m.group(1) == null ? "" : m.group(1) + "-") + m.group(2) + "-";
            Optional<Instant> reset = epochSeconds(headers.get(prefix + "reset-at"))
                    .or(() -> Optional.ofNullable(number(headers.get(prefix + "reset-after-seconds")))
                            .map(s -> basis.plusMillis((long) (s * 1000))))
                    .filter(now::isBefore);
            if (reset.isEmpty()) {
                return;
            }
            Double minutes = number(headers.get(prefix + "window-minutes"));
            String source = "codex-" + (minutes == null ? "unknown" : Long.toString(minutes.longValue()) + "m");
            if (m.group(1) == null) {
                windows.add(new Window(CooldownKind.RATE_LIMITED, null, reset.get(), source));
            } else {
                String limitName = headers.get("x-codex-" + m.group(1) + "-limit-name");
                String scope = limitName == null || limitName.isBlank() ? "openai:" + m.group(1) : limitName.trim();
                windows.add(new Window(CooldownKind.MODEL_RATE_LIMITED, scope, reset.get(), source));
            }
        });
        return windows;
    }

    /**
     * When the event itself said to come back (Retry-After, {@code resets_in_seconds}, {@code resets_at}, a
     * {@code retry-after} header), the latest that lies ahead; for any status, with the clock rules above.
     */
    public static Optional<Instant> comeBack(UpstreamRejected event, Instant now) {
        Instant basis = event.occurredAt().isAfter(now) ? now : event.occurredAt();
        return upstream(event, event.headers(), basis, now);
    }

    /** The later of the event's own come-back times that lie ahead. */
    private static Optional<Instant> upstream(UpstreamRejected event, Map<String, String> headers, Instant basis,
            Instant now) {
        Duration lead = event.occurredAt().isAfter(now) ? Duration.between(now, event.occurredAt()) : Duration.ZERO;
        List<Instant> said = new ArrayList<>();
        if (event.retryAfterSeconds() != null) {
            said.add(basis.plusSeconds(event.retryAfterSeconds()));
        }
        if (event.resetsInSeconds() != null) {
            said.add(basis.plusSeconds(event.resetsInSeconds()));
        }
        if (event.resetsAt() != null) {
            said.add(event.resetsAt().minus(lead));
        }
        Double retryAfter = number(headers.get("retry-after"));
        if (retryAfter != null && retryAfter >= 0) {
            said.add(basis.plusMillis((long) (retryAfter * 1000)));
        }
        return said.stream().filter(now::isBefore).max(Comparator.naturalOrder());
    }

    /** The event's model for platforms whose quotas are per model; null (the whole account) otherwise. */
    private static String scopeOf(UpstreamRejected event) {
        boolean perModel = event.platform() == Platform.GEMINI || event.platform() == Platform.ANTIGRAVITY;
        return perModel && event.model() != null && !event.model().isBlank() ? event.model().trim() : null;
    }

    /** One window per target, the latest: two exhausted windows of the account keep it out until both have reset. */
    private static List<Window> merged(List<Window> windows) {
        Map<String, Window> byTarget = new LinkedHashMap<>();
        for (Window w : windows) {
            byTarget.merge(w.target(), w, (a, b) -> b.until().isAfter(a.until()) ? b : a);
        }
        return List.copyOf(byTarget.values());
    }

    /** Unix seconds (Anthropic, Codex) or an RFC 3339 time; empty when neither. */
    static Optional<Instant> epochSeconds(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Double seconds = number(value);
        if (seconds != null) {
            return seconds > 0 && seconds < 1e11 ? Optional.of(Instant.ofEpochMilli((long) (seconds * 1000)))
                    : Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.trim()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Double number(String value) {
        if (value == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(value.trim());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
