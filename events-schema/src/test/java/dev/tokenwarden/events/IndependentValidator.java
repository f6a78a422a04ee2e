package dev.tokenwarden.events;

import com.github.erosb.jsonsKema.FormatValidationFailure;
import com.github.erosb.jsonsKema.FormatValidationPolicy;
import com.github.erosb.jsonsKema.IJsonNumber;
import com.github.erosb.jsonsKema.IJsonObject;
import com.github.erosb.jsonsKema.IJsonString;
import com.github.erosb.jsonsKema.IJsonValue;
import com.github.erosb.jsonsKema.JsonParser;
import com.github.erosb.jsonsKema.ReadWriteContext;
import com.github.erosb.jsonsKema.Schema;
import com.github.erosb.jsonsKema.SchemaLoader;
import com.github.erosb.jsonsKema.ValidationFailure;
import com.github.erosb.jsonsKema.Validator;
import com.github.erosb.jsonsKema.ValidatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The second opinion on a document: Gson's strict parser ({@link StrictJsonReader}) and json-sKema's
 * 2020-12 validator, neither of them Jackson or networknt, which the decoder uses. Formats are
 * asserted; {@code date-time} goes to {@link Rfc3339Reference} because json-sKema's own check rejects
 * the space separator RFC 3339 §5.6 allows and accepts {@code -00:00} and any {@code 23:59:60}. And
 * json-sKema compares {@code minimum}/{@code maximum} as doubles (2^63 passes a maximum of 2^63 - 1),
 * so the bounds of top-level properties are checked once more here, exactly.
 */
final class IndependentValidator {

    private static final Map<EventType<?>, IndependentValidator> LOADED = new ConcurrentHashMap<>();

    private final Validator validator;
    private final List<SchemaField> fields;

    private IndependentValidator(Validator validator, List<SchemaField> fields) {
        this.validator = validator;
        this.fields = fields;
    }

    /** One per schema for the whole run: loading one takes longer than validating a document. */
    static IndependentValidator forType(EventType<?> type) {
        return LOADED.computeIfAbsent(type, IndependentValidator::load);
    }

    private static IndependentValidator load(EventType<?> type) {
        Schema schema = new SchemaLoader(new JsonParser(schemaText(type)).parse()).load();
        ValidatorConfig config = new ValidatorConfig(FormatValidationPolicy.ALWAYS, ReadWriteContext.NONE,
                Map.of("date-time", (IJsonValue value, com.github.erosb.jsonsKema.FormatSchema format) ->
                        value instanceof IJsonString text && !Rfc3339Reference.isDateTime(text.getValue())
                                ? new FormatValidationFailure(format, value) : null));
        return new IndependentValidator(Validator.create(schema, config), SchemaField.of(type));
    }

    boolean accepts(String document) {
        return rejection(document).isEmpty();
    }

    /** Why the document is rejected (unparseable or invalid), or empty when it is accepted. */
    Optional<String> rejection(String document) {
        IJsonValue parsed;
        try {
            parsed = StrictJsonReader.read(document);
        } catch (IOException e) {
            return Optional.of("unparseable: " + e.getMessage());
        }
        ValidationFailure failure = validator.validate(parsed);
        return failure != null ? Optional.of(failure.toString()) : outOfBounds(parsed);
    }

    private Optional<String> outOfBounds(IJsonValue document) {
        if (!(document instanceof IJsonObject object)) {
            return Optional.empty();
        }
        for (SchemaField field : fields) {
            if (object.get(field.name()) instanceof IJsonNumber number) {
                BigDecimal value = new BigDecimal(number.getValue().toString());
                if ((field.minimum() != null && value.compareTo(new BigDecimal(field.minimum())) < 0)
                        || (field.maximum() != null && value.compareTo(new BigDecimal(field.maximum())) > 0)) {
                    return Optional.of(field.name() + " out of bounds");
                }
            }
        }
        return Optional.empty();
    }

    private static String schemaText(EventType<?> type) {
        try (InputStream in = IndependentValidator.class.getClassLoader().getResourceAsStream(type.schemaResource())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
