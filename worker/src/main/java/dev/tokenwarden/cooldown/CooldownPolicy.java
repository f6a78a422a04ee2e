package dev.tokenwarden.cooldown;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tokenwarden.events.Platform;

/**
 * What an upstream rejection does, per HTTP status and optionally per platform; statuses not listed are counted
 * and otherwise ignored. The configuration writes it as text ({@code cooldown.policy}) and parses it.
 */
public final class CooldownPolicy {
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

    /**
     * One rule: what a rejection with {@code status} does on {@code platform}.
     *
     * @param platform empty for the rule of every platform
     */
    public record Rule(Optional<Platform> platform, int status, Action action) {
        private String key() {
            return platform.map(Platform::json).orElse("*") + ":" + status;
        }
    }

    /** Of several rules for one platform and status, the last one holds. */
    public static CooldownPolicy of(List<Rule> rules) {
        Map<String, Action> byKey = new HashMap<>();
        rules.forEach(rule -> byKey.put(rule.key(), rule.action()));
        return new CooldownPolicy(byKey);
    }

    /** The platform's own rule, else the rule for every platform, else {@link Ignore}. */
    public Action actionFor(Platform platform, int status) {
        return Optional.ofNullable(rules.get(platform.json() + ":" + status))
                .or(() -> Optional.ofNullable(rules.get("*:" + status)))
                .orElse(new Ignore());
    }
}
