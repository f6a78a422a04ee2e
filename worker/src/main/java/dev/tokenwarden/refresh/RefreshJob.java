package dev.tokenwarden.refresh;

import java.time.Duration;

import dev.tokenwarden.events.Platform;

/**
 * One refresh to attempt for an account.
 *
 * @param observedVersion the {@code _token_version} the sender saw; null when it saw none
 * @param attempt provider attempts already made for this job (transient failures), from 0
 */
public record RefreshJob(long accountId, Platform platform, Duration window, Long observedVersion, boolean force,
        int attempt) {

    public static RefreshJob of(long accountId, Platform platform, Duration window, Long observedVersion,
            boolean force) {
        return new RefreshJob(accountId, platform, window, observedVersion, force, 0);
    }

    RefreshJob nextAttempt() {
        return new RefreshJob(accountId, platform, window, observedVersion, force, attempt + 1);
    }
}
