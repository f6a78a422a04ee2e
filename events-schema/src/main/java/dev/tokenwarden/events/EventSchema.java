package dev.tokenwarden.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled schema, loaded once per event type from the classpath and shared: a compiled
 * {@link JsonSchema} is thread-safe, and compiling per record would not keep up with 10k events/s.
 */
final class EventSchema {

    /** Per message. */
    private static final int MAX_VIOLATION_LENGTH = 200;
    /** Whole message; leaves room inside dead-letter's 4096 bound. */
    private static final int MAX_MESSAGE_LENGTH = 2000;

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            // 2020-12 treats "format" as an annotation; without this a bad date-time passes.
            .formatAssertionsEnabled(true)
            // Messages are built from path segments, never from networknt's path text; but networknt renders that text
            // while validating, and its JSON_PATH form throws on an empty property name (a header map may hold one).
            .pathType(PathType.JSON_POINTER)
            .build();
    private static final Map<EventType<?>, EventSchema> CACHE = new ConcurrentHashMap<>();

    private final JsonSchema schema;
    /** Property names our schema declares: the only sender-chosen names a message may repeat. */
    private final Set<String> declaredNames;

    private EventSchema(JsonSchema schema, Set<String> declaredNames) {
        this.schema = schema;
        this.declaredNames = declaredNames;
    }

    static EventSchema of(EventType<?> type) {
        return CACHE.computeIfAbsent(type, EventSchema::load);
    }

    /**
     * Violations as {@code $.field: explanation (keyword)}, sorted, distinct and joined by "; "; empty
     * when valid. Built from the keyword, our schema and the position only (see {@link ViolationText}).
     */
    String violations(JsonNode node) {
        Set<ValidationMessage> messages = schema.validate(node);
        if (messages.isEmpty()) {
            return "";
        }
        List<String> lines = messages.stream()
                .map(m -> Text.abbreviate(describe(m), MAX_VIOLATION_LENGTH))
                .distinct()
                .sorted()
                .toList();
        return Text.abbreviate(String.join("; ", lines), MAX_MESSAGE_LENGTH);
    }

    /**
     * {@code $.a.b} from property names and array indexes; a name our schema does not declare (an
     * unknown property may be named like a token) and every index read {@code *}.
     */
    String path(List<?> segments) {
        StringBuilder path = new StringBuilder("$");
        for (Object segment : segments) {
            path.append(segment instanceof String name && declaredNames.contains(name) ? "." + name : ".*");
        }
        return path.toString();
    }

    private String describe(ValidationMessage message) {
        List<Object> segments = segments(message.getInstanceLocation());
        // A missing property is reported at its parent; name it (a required name is always declared).
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            segments.add(message.getProperty());
        }
        return path(segments) + ": " + ViolationText.explain(message.getType(), message.getSchemaNode())
                + " (" + message.getType() + ")";
    }

    private static List<Object> segments(JsonNodePath location) {
        List<Object> segments = new ArrayList<>();
        for (int i = 0; location != null && i < location.getNameCount(); i++) {
            segments.add(location.getElement(i));
        }
        return segments;
    }

    private static EventSchema load(EventType<?> type) {
        String resource = type.schemaResource();
        try (InputStream in = EventSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the classpath: " + resource);
            }
            JsonNode tree = EventJson.mapper().readTree(in);
            JsonSchema schema = FACTORY.getSchema(tree, CONFIG);
            schema.initializeValidators(); // fail at start-up, not on the first record
            Set<String> names = new HashSet<>();
            collectDeclaredNames(tree, names);
            return new EventSchema(schema, Set.copyOf(names));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    private static void collectDeclaredNames(JsonNode schemaNode, Set<String> names) {
        JsonNode properties = schemaNode.get("properties");
        if (properties != null && properties.isObject()) {
            properties.fieldNames().forEachRemaining(names::add);
        }
        schemaNode.forEach(child -> collectDeclaredNames(child, names));
    }
}
