package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.tokenwarden.events.Platform;

/**
 * Transient cooldowns (overloads, 5xx) that start short and grow only while the account keeps failing: the first
 * rejection cools it for {@code start}; each further one that comes within {@code window} after the last window
 * ended (it was let back and failed again) doubles that, up to the policy's duration for its status, which is the
 * cap. A quiet {@code window} starts over. A fixed ten minutes for a 503 whose median recovery is 17 s (sub2api
 * #7219) takes a healthy account out for nothing. Applies to the {@code [platform:]status} entries listed.
 */
public final class AdaptiveCooldown {
    public static final String DEFAULT_STATUSES = "500,502,503,504,529";

    private final Set<String> targets;
    private final Duration start;
    private final Duration window;

    private AdaptiveCooldown(Set<String> targets, Duration start, Duration window) {
        this.targets = Set.copyOf(targets);
        this.start = start;
        this.window = window;
    }

    /**
     * @param spec comma-separated {@code [platform:]status} entries; empty: none is adaptive
     * @throws IllegalArgumentException naming the bad entry and the rule it breaks
     */
    public static AdaptiveCooldown parse(String spec, Duration start, Duration window) {
        Set<String> targets = new HashSet<>();
        for (String raw : spec == null ? new String[0] : spec.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String platform = colon < 0 ? "*" : entry.substring(0, colon).trim();
            if (colon >= 0 && Platform.fromJson(platform).isEmpty()) {
                throw new IllegalArgumentException("entry '" + entry
                        + "' platform must be one of anthropic, openai, gemini, antigravity, grok");
            }
            String status = entry.substring(colon + 1).trim();
            if (!status.matches("[45][0-9][0-9]")) {
                throw new IllegalArgumentException("entry '" + entry + "' status must be an HTTP status from 400 to 599");
            }
            targets.add(platform + ":" + status);
        }
        return new AdaptiveCooldown(targets, start, window);
    }

    public static AdaptiveCooldown none() {
        return new AdaptiveCooldown(Set.of(), Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    public boolean applies(Platform platform, int status) {
        return targets.contains(platform.json() + ":" + status) || targets.contains("*:" + status);
    }

    /**
     * The streak a rejection at {@code atMs} continues: the last one's plus one when it came within the window after
     * the last window ended, else 0 (the first, or after a quiet window).
     */
    int streakAfter(int lastStreak, long lastUntilMs, long atMs) {
        return lastUntilMs > 0 && atMs - lastUntilMs <= window.toMillis() ? lastStreak + 1 : 0;
    }

    /** {@code start} doubled {@code streak} times, at most {@code cap}. */
    Duration duration(int streak, Duration cap) {
        Duration d = start;
        for (int i = 0; i < streak && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }

    public Duration start() {
        return start;
    }

    public Duration window() {
        return window;
    }
}
