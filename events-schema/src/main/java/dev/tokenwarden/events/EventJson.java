package dev.tokenwarden.events;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;

/**
 * The one configured mapper for every event: snake_case names, instants written as ISO-8601 and
 * read as the schemas' RFC 3339 date-times ({@link Rfc3339InstantDeserializer}), strict reads.
 * {@link ObjectMapper} is thread-safe once configured; share it rather than building new ones.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            // Registered after JavaTimeModule, so it replaces that module's Instant reader.
            .addModule(new SimpleModule("rfc3339-instants").addDeserializer(Instant.class, new Rfc3339InstantDeserializer()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "{...} garbage" is not one JSON document; other-language readers may disagree on it.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A duplicated key is read differently by Go, Node and Jackson (first vs last wins).
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // 1.5 must never truncate into a long or int. (The decoder still accepts 1.0, an integer to
            // JSON Schema: ExactNumbers rewrites it as 1 before mapping.)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private EventJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
