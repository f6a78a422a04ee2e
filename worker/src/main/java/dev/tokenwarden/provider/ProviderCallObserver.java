package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;

/**
 * Told about every token request sent and every call the gate refused (the provider metrics), so the
 * provider package measures without knowing how figures are kept. Called on HTTP client threads: must not block.
 * Never given an account id or a token.
 */
public interface ProviderCallObserver {
    ProviderCallObserver NONE = new ProviderCallObserver() {
        @Override
        public void called(Platform platform, String outcome, long nanos) {
        }

        @Override
        public void refused(Platform platform, RefreshOutcome.Refusal reason) {
        }
    };

    /** @param outcome {@link #outcome(RefreshOutcome)} of the answer; {@code nanos} from send to answer */
    void called(Platform platform, String outcome, long nanos);

    void refused(Platform platform, RefreshOutcome.Refusal reason);

    /** The outcome label of an answer: one of refreshed, invalid_grant, provider_wide, transient. */
    static String outcome(RefreshOutcome outcome) {
        if (outcome instanceof RefreshOutcome.Refreshed) {
            return "refreshed";
        }
        if (outcome instanceof RefreshOutcome.InvalidGrant) {
            return "invalid_grant";
        }
        if (outcome instanceof RefreshOutcome.ProviderWide) {
            return "provider_wide";
        }
        return "transient";
    }
}
