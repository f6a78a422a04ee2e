package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.UpstreamRejected;

class OutageDetectorTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final OutageDetector.Settings SETTINGS = new OutageDetector.Settings(Duration.ofMinutes(2), 10, 0.3);

    private static UpstreamRejected unauthorized(long account, String gateway) {
        return new UpstreamRejected("e" + account, account, Platform.OPENAI, 401, null, null, null, NOW, gateway);
    }

    private static OutageDetector detector(long activeAccounts, Clock clock) {
        OutageDetector d = new OutageDetector(SETTINGS, platform -> activeAccounts, 1, clock);
        d.owns(0, true);
        return d;
    }

    @Test
    void shouldDeclareAPlatformStormWhenManyAccountsAndAShareOfThemGet401s() {
        // Given 40 active accounts, 12 of them rejected through 12 different gateways
        OutageDetector d = detector(40, Clock.fixed(NOW, ZoneOffset.UTC));
        for (long a = 1; a <= 12; a++) {
            d.observe(unauthorized(a, "gw-" + a));
        }

        // When / Then: 12 >= 10 accounts and 30 % of 40
        assertTrue(d.active(unauthorized(1, "gw-1")));
        assertEquals(1, d.declaredCount());
    }

    @Test
    void shouldNotDeclareAStormForAFewRevokedTokensInABigPool() {
        OutageDetector d = detector(10_000, Clock.fixed(NOW, ZoneOffset.UTC));
        for (long a = 1; a <= 12; a++) {
            d.observe(unauthorized(a, "gw-" + a));
        }

        assertFalse(d.active(unauthorized(1, "gw-1")), "12 of 10,000 accounts is not an outage");
    }

    @Test
    void shouldDeclareAGatewayStormWhenOneGatewaySeesManyAccountsRejected() {
        // Given a big pool, but one gateway whose every request is rejected (a network-level block)
        OutageDetector d = detector(10_000, Clock.fixed(NOW, ZoneOffset.UTC));
        for (long a = 1; a <= 10; a++) {
            d.observe(unauthorized(a, "blocked-gateway"));
        }

        assertTrue(d.active(unauthorized(1, "blocked-gateway")));
        assertFalse(d.active(unauthorized(99, "healthy-gateway")), "only that gateway's storm");
    }

    @Test
    void shouldForgetA401OnceTheWindowHasPassed() {
        MutableClock clock = new MutableClock(NOW);
        OutageDetector d = detector(40, clock);
        for (long a = 1; a <= 12; a++) {
            d.observe(unauthorized(a, "gw"));
        }
        assertTrue(d.active(unauthorized(1, "gw")));

        clock.now = NOW.plus(Duration.ofMinutes(3));

        assertFalse(d.active(unauthorized(1, "gw")), "the storm is over");
    }

    @Test
    void shouldScaleTheThresholdsByTheShareOfPartitionsThisWorkerOwns() {
        // Given a worker owning 1 of 3 partitions: it sees about a third of the accounts
        OutageDetector d = new OutageDetector(SETTINGS, platform -> 30L, 3, Clock.fixed(NOW, ZoneOffset.UTC));
        d.owns(1, true);
        for (long a = 1; a <= 4; a++) {
            d.observe(unauthorized(a, "gw-" + a));
        }

        assertTrue(d.active(unauthorized(1, "gw-1")), "4 >= ceil(10 / 3) accounts and 30 % of its 10");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void shouldForgetGatewaysWhoseSightingsAgedOutWithoutAnyStorm() {
        // Given 401s through 500 gateways, one account each, a while ago
        MutableNow now = new MutableNow();
        OutageDetector d = detector(100_000, now.clock());
        for (long a = 1; a <= 500; a++) {
            d.observe(unauthorized(a, "gw-" + a));
        }

        // When the window has passed and one more 401 arrives
        now.advance(SETTINGS.window().plusSeconds(15));
        d.observe(unauthorized(1, "gw-new"));

        // Then only the new gateway is still tracked
        assertEquals(1, d.trackedSources());
    }

    @Test
    void shouldTrackAtMostTheBoundOfGatewaysWhatEverSourcesEventsName() {
        // Given a flood of distinct gateway names within one window
        OutageDetector d = detector(100_000, Clock.fixed(NOW, ZoneOffset.UTC));

        // When more than the bound arrive
        for (long a = 1; a <= OutageDetector.MAX_SOURCES + 500; a++) {
            d.observe(unauthorized(a, "gw-" + a));
        }

        // Then the map stays at the bound
        assertEquals(OutageDetector.MAX_SOURCES, d.trackedSources());
    }

    private static final class MutableNow {
        private Instant now = NOW;

        Clock clock() {
            return new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            };
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }
}
