package dev.tokenwarden.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The operating doc's metrics table is generated from {@link MetricCatalog}; this keeps the two the same. */
class MetricsDocTableTest {

    @Test
    void shouldDocumentEveryMetricExactlyAsDeclared() throws IOException {
        String readme = Files.readString(Path.of("..", "docs", "operating.md"));
        String begin = "<!-- metrics:begin -->\n";
        String table = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf("<!-- metrics:end -->"));
        assertEquals(MetricCatalog.markdown(), table,
                "docs/operating.md's metrics table is stale: replace it with MetricCatalog.markdown()");
    }
}
