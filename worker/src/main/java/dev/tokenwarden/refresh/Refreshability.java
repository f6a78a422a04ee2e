package dev.tokenwarden.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.store.Account;

/**
 * What the worker would decide for an account now, for {@code tokenwarden explain}: {@link RefreshDecision} itself
 * on a job as the sweep would send it (the account's own platform, not forced), so the answer never drifts from
 * the code that acts. The answer carries no token: the decision's refresh token stays here.
 */
public final class Refreshability {
    private Refreshability() {
    }

    /**
     * @param verdict the decision's name: {@code refresh}, {@code not_needed}, {@code skip}, {@code dead},
     *     {@code unreadable}, {@code unusable_version} or {@code unknown_platform}
     * @param refreshable whether a refresh-needed event for it would reach the provider at all (a forced one, or one
     *     whose window covers the expiry)
     * @param why why not, or why now; never a token
     */
    public record Answer(String verdict, boolean refreshable, String why) {
    }

    /** @param window the refresh window of the assumed event, e.g. {@code sweep.refresh-window} */
    public static Answer assess(Account account, Duration window, Instant now) {
        Optional<Platform> platform = java.util.Arrays.stream(Platform.values())
                .filter(p -> p.json().equals(account.platform())).findFirst();
        if (platform.isEmpty()) {
            return new Answer("unknown_platform", false, "platform " + account.platform() + " is none the worker knows");
        }
        RefreshJob job = RefreshJob.of(account.id(), platform.get(), window, account.credentials().tokenVersion(),
                false, now);
        RefreshDecision.Verdict verdict = RefreshDecision.decide(Optional.of(account), job, now);
        if (verdict instanceof RefreshDecision.Refresh) {
            return new Answer("refresh", true,
                    "the token expires within " + shown(window) + " (or its expiry is unknown): the next event refreshes it");
        }
        if (verdict instanceof RefreshDecision.NotNeeded) {
            return new Answer("not_needed", true, "the token outlives " + shown(window) + "; an event refreshes it once it"
                    + " expires within the event's window, or a forced one for the stored version");
        }
        if (verdict instanceof RefreshDecision.Skip skip) {
            return new Answer("skip", false, skip.why());
        }
        if (verdict instanceof RefreshDecision.Dead) {
            return new Answer("dead", false, "marked error for its refresh token; needs re-authorisation");
        }
        if (verdict instanceof RefreshDecision.Unreadable unreadable) {
            return new Answer("unreadable", false, unreadable.why());
        }
        return new Answer("unusable_version", false,
                "the stored _token_version is no whole number, so no write could be guarded on it");
    }

    /** {@code 30m}, {@code 1h30m}: how the settings spell it. */
    private static String shown(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
