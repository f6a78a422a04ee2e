package dev.tokenwarden.demo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A plain-text table: one row per map, one column per key any row has. */
final class BenchTable {
    private BenchTable() {
    }

    static String render(List<Map<String, Object>> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        List<String> cols = new ArrayList<>(columns);
        int[] widths = cols.stream().mapToInt(String::length).toArray();
        for (Map<String, Object> r : rows) {
            for (int i = 0; i < cols.size(); i++) {
                widths[i] = Math.max(widths[i], cell(r.get(cols.get(i))).length());
            }
        }
        StringBuilder b = new StringBuilder("\n");
        appendRow(b, widths, cols.toArray(String[]::new));
        b.append(String.join("-+-", Arrays.stream(widths).mapToObj("-"::repeat).toList())).append('\n');
        for (Map<String, Object> r : rows) {
            appendRow(b, widths, cols.stream().map(c -> cell(r.get(c))).toArray(String[]::new));
        }
        return b.toString();
    }

    /** A figure as a reader wants it: 44.9k, 3.10, 512. */
    static String figure(double v) {
        double a = Math.abs(v);
        if (a >= 10_000) {
            return String.format("%.1fk", v / 1000);
        }
        if (a >= 100 || v == Math.rint(v)) {
            return String.format("%.0f", v);
        }
        return String.format("%.2f", v);
    }

    private static void appendRow(StringBuilder b, int[] widths, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            b.append(i == 0 ? "" : " | ").append(String.format("%" + (i == 0 ? "-" : "") + widths[i] + "s", cells[i]));
        }
        b.append('\n');
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        return v instanceof Double d ? String.format("%.2f", d) : String.valueOf(v);
    }
}
