package dev.tokenwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code config/tokenwarden.sample.properties} is generated from {@link Settings}; this keeps the two the same. */
class SampleConfigFileTest {
    private static final Path SAMPLE = Path.of("..").resolve(SettingsTable.SAMPLE_FILE);

    @Test
    void shouldListEverySettingExactlyAsDeclared() throws IOException {
        assertEquals(SettingsTable.properties(), Files.readString(SAMPLE),
                SettingsTable.SAMPLE_FILE + " is stale: replace it with SettingsTable.properties()");
    }

    @Test
    void shouldBeAValidConfigurationOnceTheRequiredSecretsAreGiven() {
        // Given: the two client secrets the enabled gemini and antigravity providers need, as an operator sets them
        Map<String, String> env = Map.of("TOKENWARDEN_PROVIDER_GEMINI_CLIENT_SECRET", "g",
                "TOKENWARDEN_PROVIDER_ANTIGRAVITY_CLIENT_SECRET", "a");

        // When
        WorkerConfig config = WorkerConfig.from(ConfigSource.load(SAMPLE, env, Map.of()));

        // Then
        assertEquals("127.0.0.1:9092", config.kafka().bootstrapServers());
    }
}
