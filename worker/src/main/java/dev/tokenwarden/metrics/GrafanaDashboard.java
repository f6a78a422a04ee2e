package dev.tokenwarden.metrics;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Grafana dashboard {@code deploy/grafana/tokenwarden-dashboard.json}, generated from {@link MetricCatalog}: one
 * panel per metric, its query chosen by the metric's kind (a counter's per-second rate, a gauge's value, a
 * histogram's 99th percentile), summed over the workers by the metric's labels. A metric added to the catalog gets
 * its panel when the file is regenerated ({@code GrafanaDashboardTest} fails until then).
 */
public final class GrafanaDashboard {
    /** Where the file lives, relative to the repository root. */
    public static final String FILE = "deploy/grafana/tokenwarden-dashboard.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DATASOURCE = "${datasource}";
    private static final int WIDTH = 12;
    private static final int HEIGHT = 8;

    private GrafanaDashboard() {
    }

    /** The query of a metric's panel. */
    public static String query(MetricCatalog.Metric m) {
        String by = m.labels().isEmpty() ? "" : " by (" + String.join(", ", m.labels()) + ")";
        return switch (m.kind()) {
            case COUNTER -> "sum" + by + " (rate(" + m.prometheusName() + "[$__rate_interval]))";
            case GAUGE -> "sum" + by + " (" + m.prometheusName() + ")";
            case HISTOGRAM -> "histogram_quantile(0.99, sum by (" + String.join(", ", concat("le", m.labels()))
                    + ") (rate(" + m.prometheusName() + "_bucket[$__rate_interval])))";
        };
    }

    private static String unit(MetricCatalog.Metric m) {
        return switch (m.kind()) {
            case COUNTER -> "ops";
            case GAUGE -> "short";
            case HISTOGRAM -> "s";
        };
    }

    public static String json() {
        ObjectNode d = JSON.createObjectNode();
        d.put("uid", "tokenwarden");
        d.put("title", "tokenwarden");
        d.put("description", "Generated from dev.tokenwarden.metrics.MetricCatalog (GrafanaDashboard); do not edit by"
                + " hand: change the catalog and regenerate.");
        d.putArray("tags").add("tokenwarden");
        d.put("timezone", "browser");
        d.put("schemaVersion", 39);
        d.put("refresh", "30s");
        d.putObject("time").put("from", "now-6h").put("to", "now");
        ObjectNode variable = d.putObject("templating").putArray("list").addObject();
        variable.put("name", "datasource");
        variable.put("label", "Prometheus");
        variable.put("type", "datasource");
        variable.put("query", "prometheus");
        ArrayNode panels = d.putArray("panels");
        int id = 1;
        for (MetricCatalog.Metric m : MetricCatalog.ALL) {
            ObjectNode p = panels.addObject();
            p.put("id", id);
            p.put("type", "timeseries");
            p.put("title", m.prometheusName() + (m.kind() == MetricCatalog.Kind.HISTOGRAM ? " (p99)" : ""));
            p.put("description", m.meaning());
            p.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
            p.putObject("gridPos").put("h", HEIGHT).put("w", WIDTH).put("x", ((id - 1) % 2) * WIDTH)
                    .put("y", ((id - 1) / 2) * HEIGHT);
            p.putObject("fieldConfig").putObject("defaults").put("unit", unit(m));
            ObjectNode target = p.putArray("targets").addObject();
            target.put("refId", "A");
            target.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE);
            target.put("expr", query(m));
            target.put("legendFormat", m.labels().isEmpty() ? "__auto"
                    : String.join(" ", m.labels().stream().map(l -> "{{" + l + "}}").toList()));
            id++;
        }
        try {
            return JSON.writeValueAsString(d) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toList();
    }
}
