package dev.tokenwarden.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A plain-text table: one row per scenario, one column per figure any scenario reported. */
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
