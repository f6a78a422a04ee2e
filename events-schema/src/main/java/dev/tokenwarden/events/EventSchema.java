package dev.tokenwarden.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled schema, loaded once per event type from the classpath and shared: a compiled
 * {@link JsonSchema} is thread-safe, and compiling per record would not keep up with 10k events/s.
 */
final class EventSchema {

    /** Per message; an additionalProperties message echoes the sender's property name. */
    private static final int MAX_VIOLATION_LENGTH = 200;
    /** Whole message; leaves room inside dead-letter's 4096 bound. */
    private static final int MAX_MESSAGE_LENGTH = 2000;

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            // 2020-12 treats "format" as an annotation; without this a bad date-time passes.
            .formatAssertionsEnabled(true)
            .pathType(PathType.JSON_PATH)
            .build();
    private static final Map<EventType<?>, EventSchema> CACHE = new ConcurrentHashMap<>();

    private final JsonSchema schema;

    private EventSchema(JsonSchema schema) {
        this.schema = schema;
    }

    static EventSchema of(EventType<?> type) {
        return CACHE.computeIfAbsent(type, EventSchema::load);
    }

    /** Violations as {@code $.field: rule text (keyword)}, sorted and joined by "; "; empty when valid. */
    String violations(JsonNode node) {
        Set<ValidationMessage> messages = schema.validate(node);
        if (messages.isEmpty()) {
            return "";
        }
        List<String> lines = messages.stream()
                .map(m -> Text.abbreviate(m.getMessage() + " (" + m.getType() + ")", MAX_VIOLATION_LENGTH))
                .sorted()
                .toList();
        return Text.abbreviate(String.join("; ", lines), MAX_MESSAGE_LENGTH);
    }

    private static EventSchema load(EventType<?> type) {
        String resource = type.schemaResource();
        try (InputStream in = EventSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the classpath: " + resource);
            }
            JsonSchema schema = FACTORY.getSchema(EventJson.mapper().readTree(in), CONFIG);
            schema.initializeValidators(); // fail at start-up, not on the first record
            return new EventSchema(schema);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }
}
