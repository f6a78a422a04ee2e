package dev.tokenwarden.demo.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measure of the main table beside what it is judged against.
 *
 * @param against what the value is compared with: a ceiling measured in the same run, or an ideal computed
 *     from the settings
 * @param ratio always "higher is better, 1.0 = as good as the ceiling": value/ceiling for rates,
 *     ceiling/value for times and sizes; null when there is nothing to compare with
 * @param goal what the scenario must reach, as text ("ratio ≥ 0.9", "p99 ≤ 300 ms"); null when nothing
 * @param goalRatio the same goal as a ratio, for the chart's marker; null when the goal is not a ratio
 * @param goalMax the same goal as the most the value may be ("p99 ≤ 300 ms"); null when it is a ratio or none
 */
record BenchRow(String scenario, String measure, double value, String unit, String against, Double againstValue,
        Double ratio, String goal, Double goalRatio, Double goalMax, Map<String, Object> details) {

    static BenchRow higherIsBetter(String scenario, String measure, double value, String unit, String against,
            double ceiling, String goal, Double goalRatio, Map<String, Object> details) {
        return new BenchRow(scenario, measure, value, unit, against, ceiling, ceiling > 0 ? value / ceiling : null,
                goal, goalRatio, null, details);
    }

    static BenchRow lowerIsBetter(String scenario, String measure, double value, String unit, String against,
            Double ceiling, String goal, Double goalRatio, Map<String, Object> details) {
        Double ratio = ceiling == null || value <= 0 ? null : ceiling / value;
        return new BenchRow(scenario, measure, value, unit, against, ceiling, ratio, goal, goalRatio, null, details);
    }

    /** A time or size whose goal is an upper bound on the value itself, not a ratio. */
    static BenchRow lowerIsBetterAtMost(String scenario, String measure, double value, String unit, String against,
            Double ceiling, String goal, double goalMax, Map<String, Object> details) {
        Double ratio = ceiling == null || value <= 0 ? null : ceiling / value;
        return new BenchRow(scenario, measure, value, unit, against, ceiling, ratio, goal, null, goalMax, details);
    }

    /** Null when there is no goal. */
    Boolean goalMet() {
        if (goalRatio != null) {
            return ratio != null && ratio >= goalRatio;
        }
        return goalMax == null ? null : value <= goalMax;
    }

    /** A row back from a report's JSON (for {@code --redraw}). */
    static BenchRow fromJson(com.fasterxml.jackson.databind.JsonNode r) {
        return new BenchRow(r.path("scenario").asText(), r.path("measure").asText(), r.path("value").asDouble(),
                r.path("unit").asText(), r.path("against").isNull() ? null : r.path("against").asText(),
                number(r.path("against_value")), number(r.path("ratio")),
                r.path("goal").isNull() ? null : r.path("goal").asText(), number(r.path("goal_ratio")),
                r.has("goal_max") ? number(r.path("goal_max")) : boundIn(r.path("goal").asText("")), Map.of());
    }

    /** The N of a goal written "… ≤ N unit", for reports written before goal_max was. */
    private static Double boundIn(String goal) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("≤\\s*([0-9.]+)").matcher(goal);
        return goal.contains("ratio") || !m.find() ? null : Double.valueOf(m.group(1));
    }

    private static Double number(com.fasterxml.jackson.databind.JsonNode n) {
        return n.isNumber() ? n.asDouble() : null;
    }

    Map<String, Object> tableRow() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("measure", measure);
        r.put("value", BenchTable.figure(value) + " " + unit);
        r.put("against", against == null ? "" : against);
        r.put("ceiling", againstValue == null ? "" : BenchTable.figure(againstValue) + " " + unit);
        r.put("ratio", ratio == null ? "" : String.format("%.2f", ratio));
        r.put("goal", goal == null ? "" : goal + (Boolean.TRUE.equals(goalMet()) ? " met" : " missed"));
        return r;
    }

    Map<String, Object> json() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("measure", measure);
        r.put("value", value);
        r.put("unit", unit);
        r.put("against", against);
        r.put("against_value", againstValue);
        r.put("ratio", ratio);
        r.put("goal", goal);
        r.put("goal_ratio", goalRatio);
        r.put("goal_max", goalMax);
        r.put("goal_met", goalMet());
        r.put("details", details);
        return r;
    }
}
