package dev.tokenwarden.events;

import com.github.erosb.jsonsKema.IJsonString;
import com.github.erosb.jsonsKema.IJsonValue;
import com.github.erosb.jsonsKema.JsonArray;
import com.github.erosb.jsonsKema.JsonBoolean;
import com.github.erosb.jsonsKema.JsonNull;
import com.github.erosb.jsonsKema.JsonNumber;
import com.github.erosb.jsonsKema.JsonObject;
import com.github.erosb.jsonsKema.JsonString;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON document with Gson's strict reader into json-sKema's values, for the independent
 * validator. json-sKema's own parser (0.32.0) reads {@code \n} as {@code n} and {@code \u0030} as
 * U+0003, so it cannot judge escaped text; Gson is a third parser, sharing nothing with Jackson.
 * A repeated key is an error, as it is for the decoder (RFC 8259 leaves it to the reader).
 */
final class StrictJsonReader {

    private StrictJsonReader() {}

    /** The document, or throws {@link IOException} (Gson's {@code MalformedJsonException} among them). */
    static IJsonValue read(String document) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(document));
        reader.setStrictness(Strictness.STRICT);
        IJsonValue value = value(reader);
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new IOException("content after the JSON value");
        }
        return value;
    }

    private static IJsonValue value(JsonReader reader) throws IOException {
        return switch (reader.peek()) {
            case BEGIN_OBJECT -> object(reader);
            case BEGIN_ARRAY -> array(reader);
            case STRING -> new JsonString(reader.nextString());
            case NUMBER -> new JsonNumber(number(reader.nextString()));
            case BOOLEAN -> new JsonBoolean(reader.nextBoolean());
            case NULL -> {
                reader.nextNull();
                yield new JsonNull();
            }
            default -> throw new IOException("unexpected " + reader.peek());
        };
    }

    private static IJsonValue object(JsonReader reader) throws IOException {
        Map<IJsonString, IJsonValue> members = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
            JsonString name = new JsonString(reader.nextName());
            if (members.put(name, value(reader)) != null) {
                throw new IOException("duplicate key");
            }
        }
        reader.endObject();
        return new JsonObject(members);
    }

    private static IJsonValue array(JsonReader reader) throws IOException {
        List<IJsonValue> items = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            items.add(value(reader));
        }
        reader.endArray();
        return new JsonArray(items);
    }

    /**
     * The literal's exact value, typed so json-sKema judges it right: an integral value (5.0, 5e0)
     * as an integer, not the double json-sKema's own parser would make (it calls 1.74E12 a
     * non-integer, and 1.00000000000000001 the integer 1). A fraction becomes ±0.5: it is never
     * valid where our schemas take a number, and the real one may need a billion digits.
     */
    private static Number number(String literal) {
        BigDecimal exact = new BigDecimal(literal);
        if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
            return exact.signum() * 0.5;
        }
        if (exact.precision() - exact.scale() > 1000) {
            return exact; // prints as 1E+…, which json-sKema also calls an integer
        }
        BigInteger integer = exact.toBigIntegerExact();
        return integer.bitLength() < 32 ? (Number) integer.intValue() : integer;
    }
}
