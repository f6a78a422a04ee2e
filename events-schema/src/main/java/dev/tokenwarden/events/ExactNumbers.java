package dev.tokenwarden.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Numbers written with a fraction or an exponent, as exact values for the schema check and the
 * mapping. JSON Schema compares numbers by value: {@code 5.0} and {@code 5e0} are the integer 5,
 * {@code 9223372036854775808.0} is 2^63. Read as doubles they were not: 2^63 passed networknt's
 * maximum of 2^63 - 1 (a saturating long cast) and mapped to {@link Long#MAX_VALUE}, and
 * {@code 1.00000000000000001} passed as the integer 1. So the decoder reads them as BigDecimal, and
 * this rewrites each top-level one: an integral value as a long (or big integer) node, anything else
 * kept a fraction. Only top-level values need it: every number our schemas accept is a top-level
 * integer, and a nested one is rejected (wrong type or unknown property) whatever its value.
 */
final class ExactNumbers {

    /** A stand-in past every bound of ours for integers too long to be worth building. */
    private static final BigInteger BEYOND_LONG = BigInteger.TEN.pow(19);
    private static final BigDecimal HALF = new BigDecimal("0.5");

    private ExactNumbers() {}

    /** {@code object} with its fraction- and exponent-spelled numbers rewritten; the argument is not changed. */
    static ObjectNode exact(ObjectNode object) {
        ObjectNode copy = null;
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            JsonNode value = field.getValue();
            if (value.isNumber() && !value.isIntegralNumber() && isFinite(value)) {
                copy = copy != null ? copy : object.deepCopy();
                copy.set(field.getKey(), exact(value.decimalValue()));
            }
        }
        return copy != null ? copy : object;
    }

    private static JsonNode exact(BigDecimal value) {
        if (value.signum() == 0) {
            return IntNode.valueOf(0); // -0.0 included
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            // At most 19 digits before the point may still fit a long; more never do, nor any bound of ours.
            if (stripped.precision() - stripped.scale() > 19) {
                return BigIntegerNode.valueOf(value.signum() > 0 ? BEYOND_LONG : BEYOND_LONG.negate());
            }
            BigInteger integer = stripped.toBigIntegerExact();
            return integer.bitLength() < 64 ? LongNode.valueOf(integer.longValue()) : BigIntegerNode.valueOf(integer);
        }
        // Validators turn a fraction into a long on the way; beyond 1000 decimals that would take minutes.
        // Jackson allows at most 1000 digits, so such a value lies strictly between -1 and 1, as ±0.5 does.
        return DecimalNode.valueOf(stripped.scale() <= 1000 ? stripped : HALF.multiply(BigDecimal.valueOf(value.signum())));
    }

    // A double node only comes from a caller's own tree (decodeTree); NaN and infinities have no decimal value.
    private static boolean isFinite(JsonNode value) {
        return (!value.isDouble() && !value.isFloat()) || Double.isFinite(value.doubleValue());
    }
}
