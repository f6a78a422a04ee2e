package dev.tokenwarden.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ColdHerdIdealTest {

    private static double concurrency(int workers, String maxConcurrent, String maxPerSecond) {
        return new ColdHerd("t", workers, Map.of("provider.max-concurrent", maxConcurrent,
                "provider.max-per-second", maxPerSecond)).effectiveConcurrency(5);
    }

    @Test
    void aRateLimitBelowConcurrencyOverLatencyBoundsTheCallsInFlight() {
        // 3 workers × 5 platforms × min(16 concurrent, 20/s × 0.1 s): an ideal of 33 s for 10,000 accounts.
        assertEquals(30.0, concurrency(3, "16", "20"), 1e-9);
    }

    @Test
    void aConcurrencyLimitBelowRateTimesLatencyBoundsTheCallsInFlight() {
        assertEquals(60.0, concurrency(3, "4", "100"), 1e-9);
    }

    @Test
    void withoutARateLimitOnlyConcurrencyBoundsTheCallsInFlight() {
        assertEquals(320.0, concurrency(1, "64", "0"), 1e-9);
    }
}
