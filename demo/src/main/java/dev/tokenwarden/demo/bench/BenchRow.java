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
 * @param goal what issue 10 asks for, as text ("ratio ≥ 0.9", "p99 ≤ 300 ms"); null when nothing
 * @param goalRatio the same goal as a ratio, for the chart's marker; null when the goal is not a ratio
 */
record BenchRow(String scenario, String measure, double value, String unit, String against, Double againstValue,
        Double ratio, String goal, Double goalRatio, Map<String, Object> details) {

    static BenchRow higherIsBetter(String scenario, String measure, double value, String unit, String against,
            double ceiling, String goal, Double goalRatio, Map<String, Object> details) {
        return new BenchRow(scenario, measure, value, unit, against, ceiling, ceiling > 0 ? value / ceiling : null,
                goal, goalRatio, details);
    }

    static BenchRow lowerIsBetter(String scenario, String measure, double value, String unit, String against,
            Double ceiling, String goal, Double goalRatio, Map<String, Object> details) {
        Double ratio = ceiling == null || value <= 0 ? null : ceiling / value;
        return new BenchRow(scenario, measure, value, unit, against, ceiling, ratio, goal, goalRatio, details);
    }

    Map<String, Object> tableRow() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("measure", measure);
        r.put("value", BenchTable.figure(value) + " " + unit);
        r.put("against", against == null ? "" : against);
        r.put("ceiling", againstValue == null ? "" : BenchTable.figure(againstValue) + " " + unit);
        r.put("ratio", ratio == null ? "" : String.format("%.2f", ratio));
        r.put("goal (issue 10)", goal == null ? "" : goal);
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
        r.put("details", details);
        return r;
    }
}
