package dev.tokenwarden.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One property of an event schema, read from the schema file, as much as the document generators
 * need: the generators follow the schema rather than a copy of it, so a changed bound is tested as is.
 *
 * @param types JSON types allowed ({@code const} alone counts as string)
 * @param minimum null when the schema sets none
 * @param maximum null when the schema sets none
 * @param pattern the property's own pattern; null for none or for the shared date-time one
 */
record SchemaField(
        String name,
        boolean required,
        Set<String> types,
        int minLength,
        int maxLength,
        BigInteger minimum,
        BigInteger maximum,
        List<String> enumValues,
        String constValue,
        boolean dateTime,
        String pattern) {

    /** Strings without maxLength still get a finite one; the schemas bound every string but enums. */
    private static final int UNBOUNDED_LENGTH = 300;

    static List<SchemaField> of(EventType<?> type) {
        JsonNode schema = read(type);
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        List<SchemaField> fields = new ArrayList<>();
        schema.path("properties").properties().forEach(property ->
                fields.add(field(property.getKey(), required.contains(property.getKey()), resolve(schema, property.getValue()))));
        return List.copyOf(fields);
    }

    /** The date-time pattern of the schema's shared {@code $defs/date_time}. */
    static String dateTimePattern(EventType<?> type) {
        return read(type).at("/$defs/date_time/pattern").asText();
    }

    boolean nullable() {
        return types.contains("null");
    }

    private static SchemaField field(String name, boolean required, JsonNode p) {
        Set<String> types = new HashSet<>();
        if (p.path("type").isArray()) {
            p.path("type").forEach(t -> types.add(t.asText()));
        } else if (p.has("type")) {
            types.add(p.path("type").asText());
        } else if (p.has("const")) {
            types.add("string");
        }
        List<String> enumValues = new ArrayList<>();
        p.path("enum").forEach(v -> enumValues.add(v.asText()));
        boolean dateTime = "date-time".equals(p.path("format").asText(null));
        return new SchemaField(
                name,
                required,
                Set.copyOf(types),
                p.path("minLength").asInt(0),
                p.path("maxLength").asInt(UNBOUNDED_LENGTH),
                p.has("minimum") ? p.path("minimum").bigIntegerValue() : null,
                p.has("maximum") ? p.path("maximum").bigIntegerValue() : null,
                List.copyOf(enumValues),
                p.has("const") ? p.path("const").asText() : null,
                dateTime,
                dateTime ? null : p.path("pattern").asText(null));
    }

    /** The property with a local {@code $ref} (our schemas use {@code #/$defs/…} only) merged in. */
    private static JsonNode resolve(JsonNode schema, JsonNode property) {
        if (!property.has("$ref")) {
            return property;
        }
        ObjectNode merged = ((ObjectNode) schema.at(property.path("$ref").asText().substring(1))).deepCopy();
        merged.setAll(((ObjectNode) property).deepCopy());
        return merged;
    }

    private static JsonNode read(EventType<?> type) {
        try (InputStream in = SchemaField.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
