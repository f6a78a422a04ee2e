package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import java.time.Duration;

/** Provider settings pointing at a {@link FakeOAuthServer}, with the fake's client credentials. */
final class FakeProviders {
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    private FakeProviders() {}

    static ProviderSettings settings(FakeOAuthServer fake, Platform platform) {
        String name = platform.json();
        return new ProviderSettings(platform, fake.endpoint(name), fake.clientId(name),
                fake.clientSecret(name).orElse(null),
                platform == Platform.OPENAI ? ProviderSettings.OPENAI_SCOPE : null,
                ATTEMPT_TIMEOUT, 8, 0, Duration.ofMinutes(1));
    }
}
