package dev.tokenwarden.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Our explanation of one broken schema keyword. Built from the keyword and the keyword's value in our
 * own schema (a bound, a type list), never from the validator's message: those quote the sender's
 * property names and values, and a gateway's half-written event may hold a token there.
 */
final class ViolationText {

    private ViolationText() {}

    /**
     * @param keyword the schema keyword, e.g. {@code maxLength}
     * @param schemaValue that keyword's value in our schema, e.g. {@code 128}; may be null
     */
    static String explain(String keyword, JsonNode schemaValue) {
        return switch (keyword) {
            case "type" -> types(schemaValue);
            case "required" -> "is required";
            case "additionalProperties" -> "unknown property";
            case "enum" -> "is not one of the allowed values";
            case "const" -> "is not the one allowed value";
            case "minLength" -> "must be at least " + bound(schemaValue) + " characters long";
            case "maxLength" -> "must be at most " + bound(schemaValue) + " characters long";
            case "minimum" -> "must be at least " + bound(schemaValue);
            case "maximum" -> "must be at most " + bound(schemaValue);
            case "format" -> "date-time".equals(text(schemaValue)) ? "must be an RFC 3339 date-time" : "has the wrong format";
            case "pattern" -> "does not have the required form";
            default -> "breaks a schema rule";
        };
    }

    private static String types(JsonNode schemaValue) {
        List<String> names = new ArrayList<>();
        if (schemaValue != null && schemaValue.isArray()) {
            schemaValue.forEach(type -> names.add(article(type.asText())));
        } else if (schemaValue != null && schemaValue.isTextual()) {
            names.add(article(schemaValue.asText()));
        }
        return names.isEmpty() ? "has the wrong type" : "must be " + String.join(" or ", names);
    }

    private static String article(String type) {
        return switch (type) {
            case "integer", "object", "array" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    // A bound is a number in our schema; anything else would be a schema bug, not sender text.
    private static String bound(JsonNode schemaValue) {
        return schemaValue != null && schemaValue.isNumber() ? schemaValue.asText() : "the bound";
    }

    private static String text(JsonNode schemaValue) {
        return schemaValue == null ? null : schemaValue.asText();
    }
}
