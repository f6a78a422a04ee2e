package dev.tokenwarden.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.VersionGuard;

/**
 * The read-and-decide step of a {@link RefreshAttempt} as a pure function of (stored account, job, now): whether to
 * call the provider.
 */
final class RefreshDecision {
    private RefreshDecision() {
    }

    sealed interface Verdict {
    }

    /** Deleted, inactive, not refreshable or without a refresh token: nothing to do. */
    record Skip(String why, Long storedVersion) implements Verdict {
    }

    /** The stored token is fine; the stored version is what the sender should move to. */
    record NotNeeded(Long storedVersion) implements Verdict {
    }

    /** Marked dead for its refresh token by a worker: its status_error event may still have to be emitted. */
    record Dead() implements Verdict {
    }

    /**
     * Encrypted by sub2api and not readable here (no {@code sub2api.credential-key}, or the envelope failed a
     * check): left alone, never refreshed and never marked error.
     */
    record Unreadable(String why) implements Verdict {
    }

    /** The stored {@code _token_version} is there but is no version: nobody can guard a write on it. */
    record Unusable() implements Verdict {
    }

    /**
     * Call the provider with this refresh token, then compare-and-set on {@code guard}; {@code expectedVersion}
     * is the same version as a number (null when absent), from which the next is counted.
     */
    record Refresh(String refreshToken, Long expectedVersion, VersionGuard guard) implements Verdict {
    }

    static Verdict decide(Optional<Account> found, RefreshJob job, Instant now) {
        if (found.isEmpty()) {
            return new Skip("account not found or deleted", null);
        }
        Account account = found.get();
        Long stored = account.credentials().tokenVersion();
        if (!job.platform().json().equals(account.platform())) {
            // The row decides where its token goes: a mislabelled event must not send it to another vendor.
            return new Skip("event names platform " + job.platform().json() + " but the account is "
                    + account.platform(), stored);
        }
        if (Account.STATUS_ERROR.equals(account.status()) && account.deadForItsRefreshToken()) {
            return new Dead();
        }
        if (!account.isActive()) {
            return new Skip("account status is " + account.status(), stored);
        }
        if (account.credentials().isUnreadable()) {
            return new Unreadable(account.credentials().unreadableReason());
        }
        if (!account.isRefreshable()) {
            return new Skip("account type " + account.type() + " without a refresh token is not refreshable", stored);
        }
        if (account.credentials().tokenVersionUnusable()) {
            return new Unusable();
        }
        // A forced event refreshes only the token the sender saw rejected; a newer one is presumed good.
        boolean forced = job.force() && Objects.equals(job.observedVersion(), stored);
        if (forced || needsRefresh(account, job.window(), now)) {
            return new Refresh(account.credentials().refreshToken().orElseThrow(), stored,
                    account.credentials().versionGuard());
        }
        return new NotNeeded(stored);
    }

    /** No known expiry counts as expiring: refreshing an unknown token is safer than letting it lapse. */
    static boolean needsRefresh(Account account, Duration window, Instant now) {
        return account.credentials().expiresAt()
                .map(expiresAt -> !expiresAt.isAfter(now.plus(window)))
                .orElse(true);
    }
}
