package dev.tokenwarden.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HealthRulesTest {
    private static final HealthRules.Check UP = HealthRules.Check.answering();
    private static final HealthRules.Check DOWN = HealthRules.Check.down("check failed");

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"CREATED", "RUNNING", "REBALANCING"})
    void shouldBeLiveWhileStartingRunningOrRebalancing(State state) {
        assertTrue(HealthRules.live(state).ok());
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"PENDING_ERROR", "ERROR", "PENDING_SHUTDOWN", "NOT_RUNNING"})
    void shouldNotBeLiveOnceFailedOrStopped(State state) {
        HealthRules.Answer answer = HealthRules.live(state);
        assertFalse(answer.ok());
        assertTrue(answer.reasons().get(0).contains(state.name()), answer.reasons().toString());
    }

    @Test
    void shouldBeReadyOnlyWhenRunningAndPostgresAnswers() {
        assertEquals(HealthRules.Status.UP, HealthRules.ready(State.RUNNING, UP, UP).status());
        assertFalse(HealthRules.ready(State.REBALANCING, UP, UP).ok());
        assertFalse(HealthRules.ready(State.CREATED, UP, UP).ok());
        HealthRules.Answer noDatabase = HealthRules.ready(State.RUNNING, DOWN, UP);
        assertFalse(noDatabase.ok());
        assertTrue(noDatabase.reasons().get(0).contains("PostgreSQL"));
    }

    @Test
    void shouldStayReadyButDegradedWhenOnlyRedisIsDown() {
        HealthRules.Answer answer = HealthRules.ready(State.RUNNING, UP, DOWN);
        assertTrue(answer.ok());
        assertEquals(HealthRules.Status.DEGRADED, answer.status());
        assertTrue(answer.reasons().get(0).contains("Redis"));
    }
}
