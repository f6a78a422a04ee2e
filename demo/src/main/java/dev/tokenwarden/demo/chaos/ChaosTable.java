package dev.tokenwarden.demo.chaos;

import java.util.List;
import java.util.Map;

/** The plain-text table: one row per scenario, the columns of {@link ChaosRows#COLUMNS}. */
final class ChaosTable {
    private ChaosTable() {
    }

    static String render(List<Map<String, Object>> rows) {
        List<String> cols = ChaosRows.COLUMNS;
        int[] widths = cols.stream().mapToInt(String::length).toArray();
        // The verdict is last and as long as it needs to be; only the other columns are padded.
        for (Map<String, Object> r : rows) {
            for (int i = 0; i < cols.size() - 1; i++) {
                widths[i] = Math.max(widths[i], cell(r.get(cols.get(i))).length());
            }
        }
        StringBuilder b = new StringBuilder();
        appendRow(b, widths, cols.toArray(String[]::new));
        for (int i = 0; i < cols.size(); i++) {
            b.append(i == 0 ? "" : "-+-").append("-".repeat(i == cols.size() - 1 ? 7 : widths[i]));
        }
        b.append('\n');
        for (Map<String, Object> r : rows) {
            appendRow(b, widths, cols.stream().map(c -> cell(r.get(c))).toArray(String[]::new));
        }
        return b.toString();
    }

    private static void appendRow(StringBuilder b, int[] widths, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            b.append(i == 0 ? "" : " | ")
                    .append(last ? cells[i] : String.format("%" + (i == 0 ? "-" : "") + widths[i] + "s", cells[i]));
        }
        b.append('\n');
    }

    private static String cell(Object v) {
        return v == null ? "" : String.valueOf(v);
    }
}
