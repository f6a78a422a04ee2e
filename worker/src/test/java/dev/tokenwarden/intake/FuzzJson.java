package dev.tokenwarden.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON object written member by member as raw JSON text, so a fuzz case can put anything anywhere: a wrong
 * type, a duplicated name, a name shaped like a token, bytes that are not UTF-8. Mutable; one per record.
 */
final class FuzzJson {
    /** One member: its name as a JSON string literal (quotes included) and its value as raw JSON text. */
    private record Member(String rawName, String rawValue) {
    }

    private final List<Member> members = new ArrayList<>();

    /** Sets {@code name} to {@code rawValue}, in place when present, else appended. */
    FuzzJson set(String name, String rawValue) {
        String rawName = quote(name);
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).rawName().equals(rawName)) {
                members.set(i, new Member(rawName, rawValue));
                return this;
            }
        }
        members.add(new Member(rawName, rawValue));
        return this;
    }

    FuzzJson setString(String name, String value) {
        return set(name, quote(value));
    }

    /** Appends a member even when the name is already there (a duplicate key). */
    FuzzJson append(String name, String rawValue) {
        members.add(new Member(quote(name), rawValue));
        return this;
    }

    FuzzJson remove(String name) {
        String rawName = quote(name);
        members.removeIf(m -> m.rawName().equals(rawName));
        return this;
    }

    /** The names in order, for picking one to break. */
    List<String> names() {
        return members.stream().map(m -> m.rawName().substring(1, m.rawName().length() - 1)).toList();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        for (Member m : members) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(m.rawName()).append(':').append(m.rawValue());
        }
        return out.append('}').toString();
    }

    byte[] bytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A JSON string literal: quote, backslash and control characters escaped, everything else as it is (so
     * non-ASCII text travels as raw UTF-8, the way a Node or Go gateway writes it).
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
