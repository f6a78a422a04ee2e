package dev.tokenwarden.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.tokenwarden.cooldown.CooldownPolicy;
import dev.tokenwarden.events.Platform;

/**
 * How {@code cooldown.policy} is written: {@code [platform:]status=action} entries, e.g.
 * {@code 401=refresh-first,403=10m,529=10m,grok:529=2m}; an action is {@code refresh-first}, {@code error},
 * {@code ignore} or a duration in the syntax of every setting ({@link Durations}).
 */
public final class CooldownPolicySyntax {
    /**
     * 429 and 529 cool down until the upstream's own Retry-After or reset time when the event carries one. Anthropic's
     * overloads are counted, not persisted per account: they are the provider's, and cooling every account that saw
     * one empties small pools (current sub2api does not persist them either).
     */
    public static final String DEFAULT =
            "401=refresh-first,403=10m,429=5m,503=10m,529=10m,anthropic:503=ignore,anthropic:529=ignore";

    private CooldownPolicySyntax() {
    }

    /** @throws IllegalArgumentException naming the bad entry and the rule it breaks */
    public static CooldownPolicy parse(String spec) {
        List<CooldownPolicy.Rule> rules = new ArrayList<>();
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
            Optional<Platform> platform = Optional.empty();
            int colon = target.indexOf(':');
            if (colon >= 0) {
                platform = Platform.fromJson(target.substring(0, colon).trim());
                if (platform.isEmpty()) {
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
            rules.add(new CooldownPolicy.Rule(platform, status, action(entry, entry.substring(eq + 1).trim())));
        }
        return CooldownPolicy.of(rules);
    }

    private static CooldownPolicy.Action action(String entry, String word) {
        switch (word.toLowerCase(Locale.ROOT)) {
            case "refresh-first": return new CooldownPolicy.RefreshFirst();
            case "error": return new CooldownPolicy.MarkError();
            case "ignore": return new CooldownPolicy.Ignore();
            default:
                Duration d = Durations.parse(word);
                if (d == null || d.isNegative() || d.isZero()) {
                    throw bad(entry, "action must be refresh-first, error, ignore or a duration like 10m");
                }
                return new CooldownPolicy.CoolDown(d);
        }
    }

    private static IllegalArgumentException bad(String entry, String rule) {
        return new IllegalArgumentException("entry '" + entry + "' " + rule);
    }
}
