package dev.tokenwarden.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.List;
import java.util.Map;

/**
 * Says why bytes are not one JSON document, as {@code malformed JSON: <kind> at line L, column C}.
 * Jackson's own messages quote the input ({@code Unrecognized token 'rt_…'}, {@code Duplicate field
 * 'sk-ant-…'}); a gateway's half-written line can hold a token, so the message is only read to pick
 * one of our fixed kinds, never copied.
 */
final class JsonSyntaxError {

    // First match wins; prefixes of Jackson 2.x messages (a changed wording only degrades to the fallback).
    private static final List<Map.Entry<String, String>> KINDS = List.of(
            Map.entry("Duplicate field", "duplicate property"),
            Map.entry("Invalid UTF-8", "invalid UTF-8"),
            Map.entry("Invalid numeric value", "invalid number"),
            Map.entry("Non-standard token", "invalid number"),
            Map.entry("Unrecognized token", "unrecognized token"),
            Map.entry("Unrecognized character escape", "invalid escape sequence"),
            Map.entry("Illegal unquoted character", "unescaped control character in a string"),
            Map.entry("Unexpected character", "unexpected character"));

    private JsonSyntaxError() {}

    static String describe(JacksonException e) {
        return "malformed JSON: " + kind(e) + position(e.getLocation());
    }

    private static String kind(JacksonException e) {
        if (e instanceof JsonEOFException) {
            return "unexpected end of input";
        }
        if (e instanceof StreamConstraintsException) {
            return "exceeds a parser limit (number length, string length or nesting depth)";
        }
        if (e instanceof MismatchedInputException) {
            // readTree's only mismatch: FAIL_ON_TRAILING_TOKENS.
            return "content after the JSON value";
        }
        String original = e.getOriginalMessage();
        if (original != null) {
            for (Map.Entry<String, String> kind : KINDS) {
                if (original.startsWith(kind.getKey())) {
                    return kind.getValue();
                }
            }
        }
        return "not valid JSON";
    }

    private static String position(JsonLocation at) {
        return at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
