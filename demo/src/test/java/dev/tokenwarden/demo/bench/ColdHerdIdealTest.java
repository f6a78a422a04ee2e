package dev.tokenwarden.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ColdHerdIdealTest {

    @Test
    void atTheDefaultsTheRateLimitBoundsThreeWorkersToThirtyCallsInFlight() {
        // 3 workers × 5 platforms × min(16 concurrent, 20/s × 0.1 s) = 30: the README's 33 s for 10,000 accounts.
        assertEquals(30.0, ColdHerd.defaults().effectiveConcurrency(5), 1e-9);
    }

    @Test
    void withoutARateLimitOneWorkerHasSixtyFourCallsPerPlatformInFlight() {
        assertEquals(320.0, ColdHerd.unlimited().effectiveConcurrency(5), 1e-9);
    }
}
