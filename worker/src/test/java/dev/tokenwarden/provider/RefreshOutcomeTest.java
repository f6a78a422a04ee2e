package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenwarden.events.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefreshOutcomeTest {

    @Test
    void shouldNameKeysButNoValuesWhenRefreshedIsPrinted() {
        Map<String, Object> updates = new LinkedHashMap<>();
        updates.put("access_token", "at_secret_value");
        updates.put("refresh_token", "rt_secret_value");
        updates.put("id_token", "eyJ.secret.");
        RefreshOutcome.Refreshed refreshed = new RefreshOutcome.Refreshed(updates, Instant.EPOCH);

        String text = refreshed.toString();

        assertFalse(text.contains("secret"), text);
        assertTrue(text.contains("refresh_token"), text);
        assertThrows(UnsupportedOperationException.class, () -> refreshed.credentialUpdates().put("x", "y"));
    }

    @Test
    void shouldRedactClientSecretWhenSettingsArePrinted() {
        ProviderSettings settings = ProviderSettings.defaults(Platform.GEMINI).withClientSecret("GOCSPX-secret");

        assertFalse(settings.toString().contains("GOCSPX"), settings.toString());
    }

    @Test
    void shouldNameFieldAndValueWhenSettingIsInvalid() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ProviderSettings.defaults(Platform.OPENAI).withLimits(0, 1));

        assertEquals("provider setting maxConcurrent must be at least 1, was 0", error.getMessage());
    }

    @Test
    void shouldGiveEveryPlatformValidDefaultsWhenAsked() {
        for (Platform platform : Platform.values()) {
            ProviderSettings settings = ProviderSettings.defaults(platform);
            assertEquals(platform, settings.platform());
            assertEquals("https", settings.tokenUrl().getScheme());
        }
        assertEquals(ProviderSettings.OPENAI_SCOPE, ProviderSettings.defaults(Platform.OPENAI).scope());
        assertEquals(Duration.ofMinutes(1), ProviderSettings.defaults(Platform.GROK).breakerOpenFor());
    }
}
