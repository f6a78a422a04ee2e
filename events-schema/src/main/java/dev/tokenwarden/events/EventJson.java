package dev.tokenwarden.events;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one configured mapper for every event: snake_case names, ISO-8601 instants, strict reads.
 * {@link ObjectMapper} is thread-safe once configured; share it rather than building new ones.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "{...} garbage" is not one JSON document; other-language readers may disagree on it.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A duplicated key is read differently by Go, Node and Jackson (first vs last wins).
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private EventJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
