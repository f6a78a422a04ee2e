package dev.tokenwarden.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The dashboard in deploy/grafana is the one the catalog generates, and it queries only declared metrics. */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", GrafanaDashboard.FILE);

    @Test
    void shouldBeTheDashboardTheCatalogGenerates() throws IOException {
        // Given
        String generated = GrafanaDashboard.json();

        // When
        String committed = Files.readString(DASHBOARD);

        // Then
        assertEquals(generated, committed, GrafanaDashboard.FILE + " is stale: regenerate it with"
                + " GrafanaDashboard.json()");
    }

    @Test
    void shouldQueryOnlyMetricsTheCatalogDeclaresInEveryPanel() throws IOException {
        // Given
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> declared = DeclaredMetrics.seriesNames();

        // When
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
        }

        // Then: every panel has a query, and every metric it names is declared
        assertEquals(MetricCatalog.ALL.size(), exprs.size());
        for (String expr : exprs) {
            List<String> names = DeclaredMetrics.namesIn(expr);
            assertFalse(names.isEmpty(), expr);
            for (String name : names) {
                assertTrue(declared.contains(name), name + " in '" + expr + "' is not in the metric catalog");
            }
        }
    }
}
