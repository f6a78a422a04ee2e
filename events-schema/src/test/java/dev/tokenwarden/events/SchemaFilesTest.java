package dev.tokenwarden.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The plain {@code schemas/} folder is the source of truth; the jar must carry exactly it. */
class SchemaFilesTest {

    // Surefire runs with the module directory as working directory.
    private static final Path SOURCE = Path.of("schemas");

    @Test
    void shouldShipExactlyTheSourceSchemasWhenOnClasspath() throws IOException, URISyntaxException {
        URL folder = getClass().getClassLoader().getResource(EventType.SCHEMA_FOLDER);
        assertNotNull(folder, "classpath folder " + EventType.SCHEMA_FOLDER);
        Path classpath = Path.of(folder.toURI());

        assertEquals(fileNames(SOURCE), fileNames(classpath));
        for (String name : fileNames(SOURCE)) {
            assertArrayEquals(Files.readAllBytes(SOURCE.resolve(name)), Files.readAllBytes(classpath.resolve(name)), name);
        }
    }

    @Test
    void shouldHaveOneSchemaPerEventTypeWhenListingSourceFolder() throws IOException {
        Set<String> expected = EventType.all().stream().map(EventType::schemaFileName).collect(Collectors.toCollection(TreeSet::new));

        assertEquals(expected, fileNames(SOURCE));
    }

    @Test
    void shouldDeclareIdAndStrictnessWhenSchemaIsLoaded() throws IOException {
        for (EventType<?> type : EventType.all()) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(type.schemaResource())) {
                JsonNode schema = EventJson.mapper().readTree(in);
                assertEquals(type.schemaId(), schema.path("$id").asText(), type.name());
                assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText(), type.name());
                assertEquals(false, schema.path("additionalProperties").asBoolean(true), type.name());
            }
        }
    }

    private static Set<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(path -> path.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
