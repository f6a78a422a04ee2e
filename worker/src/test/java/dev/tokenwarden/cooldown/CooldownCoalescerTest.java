package dev.tokenwarden.cooldown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tokenwarden.config.CooldownPolicySyntax;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.UpstreamRejected;

class CooldownCoalescerTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private final CooldownCoalescer coalescer = new CooldownCoalescer(
            CooldownPolicySyntax.parse("401=refresh-first,403=10m,529=10m,grok:529=2m,418=error"),
            Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2));

    private static UpstreamRejected rejected(int status, Long observed, Instant at) {
        return new UpstreamRejected("e", 7, Platform.ANTHROPIC, status, null, null, observed, at, "gw");
    }

    @Test
    void shouldActOnTheFirst401AndDropTheRestOfTheStormOnTheSameVersion() {
        CooldownCoalescer.Decision first = coalescer.decide(null, rejected(401, 5L, NOW), NOW);
        assertInstanceOf(CooldownPlan.RefreshFirst.class, first.plan());
        for (int i = 1; i < 100; i++) {
            Instant t = NOW.plusMillis(i);
            assertInstanceOf(CooldownPlan.Drop.class, coalescer.decide(first.memory(), rejected(401, 5L, t), t).plan());
        }
        assertInstanceOf(CooldownPlan.Drop.class, coalescer.decide(first.memory(), rejected(401, 4L, NOW), NOW).plan(),
                "an older token is part of the same storm");
        assertInstanceOf(CooldownPlan.RefreshFirst.class,
                coalescer.decide(first.memory(), rejected(401, 6L, NOW), NOW).plan(), "a newer token rejected again");
    }

    @Test
    void shouldActOnA401AgainOnceThePendingWindowItSetHasPassed() {
        // Given a 401 acted on; its pending window is 2 minutes, the dedup window 5
        CooldownCoalescer.Decision first = coalescer.decide(null, rejected(401, 5L, NOW), NOW);

        // When the same token is rejected again 3 minutes later (its forced refresh was lost, say)
        Instant later = NOW.plus(Duration.ofMinutes(3));
        CooldownPlan again = coalescer.decide(first.memory(), rejected(401, 5L, later), later).plan();

        // Then it acts: the dedup window never outlives the pending window it protects
        assertInstanceOf(CooldownPlan.RefreshFirst.class, again);
    }

    @Test
    void shouldCoolDownUntilTheUpstreamSaidToComeBackCappedByTheMaximum() {
        // Given rate limits that say when to come back, and one that does not
        CooldownCoalescer limits = new CooldownCoalescer(CooldownPolicySyntax.parse(CooldownPolicySyntax.DEFAULT),
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2),
                AdaptiveCooldown.none(), Duration.ofDays(8));
        UpstreamRejected retryAfter = new UpstreamRejected("e", 7, Platform.OPENAI, 429, "rate_limited", null, null,
                NOW, "gw", 90, null);
        UpstreamRejected resets = new UpstreamRejected("e", 8, Platform.GROK, 529, null, null, null, NOW, "gw",
                null, NOW.plus(Duration.ofMinutes(12)));
        UpstreamRejected weekly = new UpstreamRejected("e", 9, Platform.OPENAI, 429, "usage_limit_reached", null, null,
                NOW, "gw", null, NOW.plus(Duration.ofDays(6)));
        UpstreamRejected silent = new UpstreamRejected("e", 10, Platform.OPENAI, 429, null, null, null, NOW, "gw");
        UpstreamRejected decade = new UpstreamRejected("e", 11, Platform.OPENAI, 429, null, null, null, NOW, "gw",
                null, NOW.plus(Duration.ofDays(3650)));

        // When / Then
        assertEquals(NOW.plusSeconds(90), rateLimitUntil(limits, retryAfter));
        assertEquals(NOW.plus(Duration.ofMinutes(12)), until(limits, resets));
        assertEquals(NOW.plus(Duration.ofDays(6)), rateLimitUntil(limits, weekly),
                "a weekly window is a week: capped by cooldown.rate-limit-max, not cooldown.max");
        assertEquals(NOW.plus(Duration.ofDays(8)), rateLimitUntil(limits, decade));
        assertEquals(NOW.plus(Duration.ofMinutes(5)), rateLimitUntil(limits, silent), "the default policy covers 429");
    }

    @Test
    void shouldNotPersistAnAnthropicOverloadByDefault() {
        // Given the default policy
        CooldownCoalescer defaults = new CooldownCoalescer(CooldownPolicySyntax.parse(CooldownPolicySyntax.DEFAULT),
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2));

        // When
        CooldownPlan anthropic529 = defaults.decide(null, rejected(529, null, NOW), NOW).plan();
        CooldownPlan anthropic503 = defaults.decide(null, rejected(503, null, NOW), NOW).plan();
        CooldownPlan grok529 = defaults.decide(null,
                new UpstreamRejected("e", 7, Platform.GROK, 529, null, null, null, NOW, "gw"), NOW).plan();

        // Then
        assertInstanceOf(CooldownPlan.Drop.class, anthropic529);
        assertInstanceOf(CooldownPlan.Drop.class, anthropic503);
        assertEquals(CooldownKind.OVERLOADED, assertInstanceOf(CooldownPlan.CoolDown.class, grok529).kind());
    }

    @Test
    void shouldCollapseA429StormReadingTheSameHeadersIntoOnePlan() {
        // Given one account's 429s, each with Anthropic's 5-hour window exhausted, milliseconds apart
        CooldownCoalescer limits = new CooldownCoalescer(CooldownPolicySyntax.parse(CooldownPolicySyntax.DEFAULT),
                Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2),
                AdaptiveCooldown.none(), Duration.ofDays(8));
        java.util.Map<String, String> headers = java.util.Map.of(
                "anthropic-ratelimit-unified-5h-status", "rejected",
                "anthropic-ratelimit-unified-5h-reset", Long.toString(NOW.plusSeconds(3600).getEpochSecond()));
        CooldownMemory memory = null;
        int plans = 0;

        // When
        for (int i = 0; i < 5_000; i++) {
            Instant t = NOW.plusMillis(i);
            CooldownCoalescer.Decision d = limits.decide(memory, new UpstreamRejected("e" + i, 7, Platform.ANTHROPIC,
                    429, null, null, null, t, "gw", null, null, null, null, headers), t);
            plans += d.plan() instanceof CooldownPlan.RateLimit ? 1 : 0;
            memory = d.memory();
        }

        // Then
        assertEquals(1, plans);
    }

    @Test
    void shouldStartAnOverloadShortAndDoubleItWhileTheAccountKeepsFailing() {
        // Given 503s adaptive from 30 s, capped by the policy's 10 minutes
        CooldownCoalescer adaptive = new CooldownCoalescer(CooldownPolicySyntax.parse("503=10m"), Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2),
                AdaptiveCooldown.parse("503", Duration.ofSeconds(30), Duration.ofMinutes(10)), Duration.ofDays(8));
        UpstreamRejected first = new UpstreamRejected("e", 7, Platform.OPENAI, 503, null, null, null, NOW, "gw");
        CooldownCoalescer.Decision d1 = adaptive.decide(null, first, NOW);
        Instant during = NOW.plusSeconds(20);
        Instant after = NOW.plusSeconds(31);
        Instant later = after.plusSeconds(61);
        Instant quiet = later.plus(Duration.ofMinutes(30));

        // When
        CooldownPlan duringPlan = adaptive.decide(d1.memory(), at(first, during), during).plan();
        CooldownCoalescer.Decision d2 = adaptive.decide(d1.memory(), at(first, after), after);
        CooldownCoalescer.Decision d3 = adaptive.decide(d2.memory(), at(first, later), later);
        CooldownCoalescer.Decision d4 = adaptive.decide(d3.memory(), at(first, quiet), quiet);

        // Then
        assertEquals(NOW.plusSeconds(30), assertInstanceOf(CooldownPlan.CoolDown.class, d1.plan()).until());
        assertInstanceOf(CooldownPlan.Drop.class, duringPlan, "the same episode");
        assertEquals(after.plusSeconds(60), assertInstanceOf(CooldownPlan.CoolDown.class, d2.plan()).until(),
                "let back and failed again: doubled");
        assertEquals(later.plusSeconds(120), assertInstanceOf(CooldownPlan.CoolDown.class, d3.plan()).until());
        assertEquals(quiet.plusSeconds(30), assertInstanceOf(CooldownPlan.CoolDown.class, d4.plan()).until(),
                "a quiet window starts over");
        assertEquals(Duration.ofMinutes(10), AdaptiveCooldown.parse("503", Duration.ofSeconds(30),
                Duration.ofMinutes(10)).duration(9, Duration.ofMinutes(10)), "never past the policy's duration");
    }

    private static UpstreamRejected at(UpstreamRejected e, Instant t) {
        return new UpstreamRejected(e.eventId() + t, e.accountId(), e.platform(), e.statusCode(), null, null, null, t,
                "gw");
    }

    private static Instant until(CooldownCoalescer c, UpstreamRejected event) {
        return assertInstanceOf(CooldownPlan.CoolDown.class, c.decide(null, event, NOW).plan()).until();
    }

    private static Instant rateLimitUntil(CooldownCoalescer c, UpstreamRejected event) {
        CooldownPlan.RateLimit plan = assertInstanceOf(CooldownPlan.RateLimit.class, c.decide(null, event, NOW).plan());
        assertEquals(1, plan.windows().size());
        return plan.windows().get(0).until();
    }

    @Test
    void shouldCollapseACooldownStormComputedMillisecondsApart() {
        CooldownCoalescer.Decision first = coalescer.decide(null, rejected(403, null, NOW), NOW);
        CooldownPlan.CoolDown plan = assertInstanceOf(CooldownPlan.CoolDown.class, first.plan());
        assertEquals(NOW.plus(Duration.ofMinutes(10)), plan.until());
        Instant later = NOW.plusMillis(40);
        assertInstanceOf(CooldownPlan.Drop.class, coalescer.decide(first.memory(), rejected(403, null, later), later).plan());
        Instant muchLater = NOW.plusSeconds(30);
        assertInstanceOf(CooldownPlan.CoolDown.class,
                coalescer.decide(first.memory(), rejected(403, null, muchLater), muchLater).plan(),
                "extends by more than the granularity");
    }

    @Test
    void shouldNeverAskForAShorterWindowOfTheSameKind() {
        CooldownCoalescer.Decision first = coalescer.decide(null, rejected(403, null, NOW), NOW);
        UpstreamRejected grok418 = new UpstreamRejected("e", 7, Platform.GROK, 403, null, null, null,
                NOW.minusSeconds(60), "gw");
        UpstreamRejected grok529 = new UpstreamRejected("e", 7, Platform.GROK, 529, null, null, null, NOW, "gw");
        assertInstanceOf(CooldownPlan.Drop.class, coalescer.decide(first.memory(), grok418, NOW).plan());
        assertInstanceOf(CooldownPlan.CoolDown.class, coalescer.decide(first.memory(), grok529, NOW).plan(),
                "an overload is kept in its own column: a temp window does not cover it");
    }

    @Test
    void shouldUseThePlatformsOwnRuleAndCapTheDuration() {
        UpstreamRejected grok529 = new UpstreamRejected("e", 7, Platform.GROK, 529, null, null, null, NOW, "gw");
        CooldownPlan.CoolDown plan = assertInstanceOf(CooldownPlan.CoolDown.class, coalescer.decide(null, grok529, NOW).plan());
        assertEquals(NOW.plus(Duration.ofMinutes(2)), plan.until());
        CooldownCoalescer capped = new CooldownCoalescer(CooldownPolicySyntax.parse("403=2h"), Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofMinutes(30), Duration.ofMinutes(2));
        CooldownPlan.CoolDown cappedPlan = assertInstanceOf(CooldownPlan.CoolDown.class,
                capped.decide(null, rejected(403, null, NOW), NOW).plan());
        assertEquals(NOW.plus(Duration.ofMinutes(30)), cappedPlan.until());
    }

    @Test
    void shouldCountButIgnoreStatusesWithoutARule() {
        assertInstanceOf(CooldownPlan.Drop.class, coalescer.decide(null, rejected(500, null, NOW), NOW).plan());
        assertInstanceOf(CooldownPlan.MarkError.class, coalescer.decide(null, rejected(418, null, NOW), NOW).plan());
    }

    @Test
    void shouldBaseWindowsOnTheEventTimeClampingOnlyClocksThatRunAhead() {
        assertEquals(NOW, CooldownCoalescer.basis(rejected(403, null, NOW.plusSeconds(60)), NOW), "future: now");
        assertEquals(NOW.minusSeconds(10), CooldownCoalescer.basis(rejected(403, null, NOW.minusSeconds(10)), NOW),
                "recent past: the event's own time, so a replay computes the same window");
        assertEquals(NOW.minus(Duration.ofHours(1)),
                CooldownCoalescer.basis(rejected(403, null, NOW.minus(Duration.ofHours(1))), NOW),
                "an old event is not moved forward");
    }

    @Test
    void shouldDoNothingWhenTheRejectionsWindowHasAlreadyEnded() {
        // Given rejections read from retained history, hours after they happened
        Instant hoursAgo = NOW.minus(Duration.ofHours(3));

        // When
        CooldownPlan old403 = coalescer.decide(null, rejected(403, null, hoursAgo), NOW).plan();
        CooldownPlan old401 = coalescer.decide(null, rejected(401, 5L, hoursAgo), NOW).plan();
        CooldownPlan recent403 = coalescer.decide(null, rejected(403, null, NOW.minus(Duration.ofMinutes(9))), NOW).plan();

        // Then
        assertInstanceOf(CooldownPlan.Drop.class, old403, "a 10-minute window that ended hours ago");
        assertInstanceOf(CooldownPlan.Drop.class, old401, "a 2-minute pending window that ended hours ago");
        assertEquals(NOW.plus(Duration.ofMinutes(1)),
                assertInstanceOf(CooldownPlan.CoolDown.class, recent403).until(), "the rest of a window still open");
    }

    @Test
    void shouldRoundTripMemoryWithItsInFlightEventsThroughTheChangelogSerde() {
        CooldownMemory m = coalescer.decide(null, rejected(401, 5L, NOW), NOW).memory().started(rejected(401, 5L, NOW));
        dev.tokenwarden.dedup.StateJsonSerde<CooldownMemory> serde =
                new dev.tokenwarden.dedup.StateJsonSerde<>(CooldownMemory.class);
        CooldownMemory back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", m));
        assertEquals(m, back);
        assertEquals(0, back.finished("e").inFlight().size());
    }

    @Test
    void shouldRejectABadPolicyNamingTheEntryAndTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CooldownPolicySyntax.parse("401=refresh-first,claude:529=5m"));
        assertTrue(e.getMessage().contains("'claude:529=5m'"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CooldownPolicySyntax.parse("600=5m"))
                .getMessage().contains("from 400 to 599"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CooldownPolicySyntax.parse("403=soon"))
                .getMessage().contains("refresh-first, error, ignore or a duration"));
    }
}
