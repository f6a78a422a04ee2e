package dev.tokenwarden.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchChartTest {

    @Test
    void drawsOneBarPerRowWithARatioAsAPngWithoutADisplay(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("bench.png");
        BenchChart.write(List.of(
                BenchRow.higherIsBetter("duplicates", "duplicates/s", 45_000, "ev/s", "bare", 78_000, "ratio ≥ 0.9", 0.9,
                        Map.of()),
                BenchRow.lowerIsBetter("cold-herd", "cold herd", 98, "s", "ideal", 33.0, "ratio ≥ 0.8", 0.8, Map.of()),
                BenchRow.lowerIsBetter("storms", "no ceiling", 10, "ms", null, null, null, null, Map.of())),
                "test", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1000, img.getWidth());
        // Two bars with ratios, the row without one left out: the height is sized for two rows.
        assertEquals(60 + 2 * 34 + 50, img.getHeight());
        assertTrue(Files.size(png) > 1000);
    }

    @Test
    void ratiosReadHigherIsBetterForRatesAndForTimes() {
        assertEquals(0.5, BenchRow.higherIsBetter("s", "m", 50, "ev/s", "c", 100, null, null, Map.of()).ratio(), 1e-9);
        assertEquals(0.25, BenchRow.lowerIsBetter("s", "m", 400, "ms", "c", 100.0, null, null, Map.of()).ratio(), 1e-9);
    }

    @Test
    void aGoalOnTheValueItselfIsMissedAboveItsBoundWhateverTheRatio() {
        BenchRow p99 = BenchRow.lowerIsBetterAtMost("s", "p99", 400, "ms", "one hop", 500.0, "p99 ≤ 300 ms", 300,
                Map.of());
        assertEquals(Boolean.FALSE, p99.goalMet());
        assertTrue(p99.ratio() > 1);
    }
}
