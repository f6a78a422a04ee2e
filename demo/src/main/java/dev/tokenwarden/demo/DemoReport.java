package dev.tokenwarden.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.tokenwarden.events.EventJson;

/** The demo's figures: printed as a table, written as JSON with the same keys. */
record DemoReport(Map<String, Number> figures) {

    static final class Builder {
        private final Map<String, Number> figures = new LinkedHashMap<>();

        Builder put(String key, Number value) {
            figures.put(key, value);
            return this;
        }

        DemoReport build() {
            return new DemoReport(new LinkedHashMap<>(figures));
        }
    }

    String table() {
        int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
        String line = "+" + "-".repeat(width + 2) + "+" + "-".repeat(14) + "+\n";
        StringBuilder b = new StringBuilder(line);
        b.append(String.format("| %-" + width + "s | %12s |%n", "figure", "value")).append(line);
        figures.forEach((k, v) -> b.append(String.format("| %-" + width + "s | %12s |%n", k, format(v))));
        return b.append(line).toString();
    }

    private static String format(Number v) {
        return v instanceof Double d ? String.format("%.2f", d) : String.valueOf(v);
    }

    void writeJson(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");
    }
}
