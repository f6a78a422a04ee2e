package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.tokenwarden.config.Durations;
import dev.tokenwarden.events.Platform;

/**
 * What an upstream rejection does, per HTTP status and optionally per platform. Written as
 * {@code [platform:]status=action} entries, e.g. {@code 401=refresh-first,403=10m,529=10m,grok:529=2m};
 * statuses not listed are counted and otherwise ignored.
 */
public final class CooldownPolicy {
    /**
     * 429 and 529 cool down until the upstream's own Retry-After or reset time when the event carries one. Anthropic's
     * overloads are counted, not persisted per account: they are the provider's, and cooling every account that saw
     * one empties small pools (current sub2api does not persist them either).
     */
    public static final String DEFAULT =
            "401=refresh-first,403=10m,429=5m,503=10m,529=10m,anthropic:503=ignore,anthropic:529=ignore";

    /** What to do about one rejection. */
    public sealed interface Action {
    }

    /** Refresh the token first (a forced refresh-needed) and cool down briefly until it lands. */
    public record RefreshFirst() implements Action {
    }

    /** Mark the account {@code error}. */
    public record MarkError() implements Action {
    }

    /** Keep the account out of scheduling for this long (capped by {@code cooldown.max}). */
    public record CoolDown(Duration duration) implements Action {
    }

    /** Count it, do nothing else. */
    public record Ignore() implements Action {
    }

    private final Map<String, Action> rules;

    private CooldownPolicy(Map<String, Action> rules) {
        this.rules = Map.copyOf(rules);
    }

    /** @throws IllegalArgumentException naming the bad entry and the rule it breaks */
    public static CooldownPolicy parse(String spec) {
        Map<String, Action> rules = new HashMap<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw bad(entry, "must be [platform:]status=action");
            }
            String target = entry.substring(0, eq).trim();
            String platform = "*";
            int colon = target.indexOf(':');
            if (colon >= 0) {
                platform = target.substring(0, colon).trim();
                if (Platform.fromJson(platform).isEmpty()) {
                    throw bad(entry, "platform must be one of anthropic, openai, gemini, antigravity, grok");
                }
                target = target.substring(colon + 1).trim();
            }
            int status;
            try {
                status = Integer.parseInt(target);
            } catch (NumberFormatException e) {
                throw bad(entry, "status must be an HTTP status from 400 to 599");
            }
            if (status < 400 || status > 599) {
                throw bad(entry, "status must be an HTTP status from 400 to 599");
            }
            rules.put(platform + ":" + status, action(entry, entry.substring(eq + 1).trim()));
        }
        return new CooldownPolicy(rules);
    }

    private static Action action(String entry, String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "refresh-first": return new RefreshFirst();
            case "error": return new MarkError();
            case "ignore": return new Ignore();
            default:
                Duration d = Durations.parse(word);
                if (d == null || d.isNegative() || d.isZero()) {
                    throw bad(entry, "action must be refresh-first, error, ignore or a duration like 10m");
                }
                return new CoolDown(d);
        }
    }

    /** The platform's own rule, else the rule for every platform, else {@link Ignore}. */
    public Action actionFor(Platform platform, int status) {
        return Optional.ofNullable(rules.get(platform.json() + ":" + status))
                .or(() -> Optional.ofNullable(rules.get("*:" + status)))
                .orElse(new Ignore());
    }

    private static IllegalArgumentException bad(String entry, String rule) {
        return new IllegalArgumentException("entry '" + entry + "' " + rule);
    }
}
