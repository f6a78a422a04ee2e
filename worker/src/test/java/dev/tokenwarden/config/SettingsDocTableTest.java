package dev.tokenwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The configuration doc's settings table is generated from {@link Settings}; this keeps the two the same. */
class SettingsDocTableTest {

    @Test
    void shouldDocumentEverySettingExactlyAsDeclared() throws IOException {
        String readme = Files.readString(Path.of("..", "docs", "configuration.md"));
        String begin = "<!-- settings:begin -->\n";
        String table = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf("<!-- settings:end -->"));
        assertEquals(SettingsTable.markdown(), table,
                "docs/configuration.md's settings table is stale: replace it with SettingsTable.markdown()");
    }
}
