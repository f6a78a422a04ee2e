package dev.tokenwarden.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus series names the catalog declares, and the ones a query names. */
final class DeclaredMetrics {
    /** Our metrics only: a recorded series ({@code tokenwarden:...}) or a library's family is not ours to declare. */
    private static final Pattern OURS = Pattern.compile("\\btokenwarden_[a-z_]+");

    private DeclaredMetrics() {
    }

    static Set<String> seriesNames() {
        Set<String> out = new HashSet<>();
        for (MetricCatalog.Metric m : MetricCatalog.ALL) {
            String name = m.prometheusName();
            out.add(name);
            if (m.kind() == MetricCatalog.Kind.HISTOGRAM) {
                out.add(name + "_bucket");
                out.add(name + "_count");
                out.add(name + "_sum");
                out.add(name + "_max");
            }
        }
        return out;
    }

    static List<String> namesIn(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = OURS.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
