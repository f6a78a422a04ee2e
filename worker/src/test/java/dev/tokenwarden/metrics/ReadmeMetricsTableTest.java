package dev.tokenwarden.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's metrics table is generated from {@link MetricCatalog}; this keeps the two the same. */
class ReadmeMetricsTableTest {

    @Test
    void shouldDocumentEveryMetricExactlyAsDeclared() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- metrics:begin -->\n";
        String table = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf("<!-- metrics:end -->"));
        assertEquals(MetricCatalog.markdown(), table,
                "README.md's metrics table is stale: replace it with MetricCatalog.markdown()");
    }
}
