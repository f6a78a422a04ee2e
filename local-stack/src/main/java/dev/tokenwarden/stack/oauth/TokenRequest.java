package dev.tokenwarden.stack.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of one token request, read by the body's declared encoding (not the platform's), so a
 * request in the wrong encoding still names its refresh token for the counters.
 *
 * @param encoding the declared body encoding; null when the Content-Type is neither JSON nor a form
 * @param fields   string-valued parameters; a parameter sent twice, or non-string in JSON, is absent
 * @param malformed a description of why the body could not be read; null when it could
 */
record TokenRequest(Platform.Encoding encoding, Map<String, String> fields, String malformed) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TokenRequest parse(String contentType, byte[] body) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String text = new String(body, StandardCharsets.UTF_8);
        if (mediaType.equals(Platform.Encoding.JSON.mediaType)) {
            return parseJson(text);
        }
        if (mediaType.equals(Platform.Encoding.FORM.mediaType)) {
            return parseForm(text);
        }
        return new TokenRequest(null, Map.of(), null);
    }

    Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name)).filter(value -> !value.isEmpty());
    }

    private static TokenRequest parseJson(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            return new TokenRequest(Platform.Encoding.JSON, Map.of(), "body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            return new TokenRequest(Platform.Encoding.JSON, Map.of(), "body must be a JSON object");
        }
        Map<String, String> fields = new HashMap<>();
        root.properties().forEach(field -> {
            if (field.getValue().isTextual()) {
                fields.put(field.getKey(), field.getValue().textValue());
            }
        });
        return new TokenRequest(Platform.Encoding.JSON, Map.copyOf(fields), null);
    }

    /** RFC 6749 §3.2: request parameters must not be included more than once. */
    private static TokenRequest parseForm(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            String name = decode(nameValue[0]);
            String value = nameValue.length == 2 ? decode(nameValue[1]) : "";
            if (name == null || value == null) {
                return new TokenRequest(Platform.Encoding.FORM, Map.of(), "body is not valid form encoding");
            }
            if (fields.putIfAbsent(name, value) != null) {
                return new TokenRequest(Platform.Encoding.FORM, Map.copyOf(fields),
                        "parameter " + name + " is included more than once");
            }
        }
        return new TokenRequest(Platform.Encoding.FORM, Map.copyOf(fields), null);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
