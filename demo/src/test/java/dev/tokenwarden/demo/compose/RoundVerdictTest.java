package dev.tokenwarden.demo.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RoundVerdictTest {

    @Test
    void everyAccountRefreshedWithOneCallAndNoReuseKeepsThePromise() {
        RoundVerdict verdict = new RoundVerdict(3, 3, Map.of(1L, 1, 2L, 1, 3L, 1), 0, 1_200);

        assertTrue(verdict.kept());
        assertEquals(3, verdict.providerCalls());
        assertEquals("{\"accounts\":3,\"refreshed\":3,\"provider_calls\":3,\"max_calls_per_account\":1,"
                + "\"token_reuses\":0,\"ms_to_refreshed\":1200,\"kept\":true}", verdict.json());
    }

    @Test
    void aSecondCallForOneAccountBreaksThePromiseEvenWhenAllWereRefreshed() {
        RoundVerdict verdict = new RoundVerdict(2, 2, Map.of(1L, 1, 2L, 2), 0, 900);

        assertFalse(verdict.kept());
        assertEquals(List.of("1 accounts not refreshed with exactly one provider call (max 2)"), verdict.problems());
    }

    @Test
    void anAccountNeverCalledOrNotRefreshedAndAReusedTokenAreEachNamed() {
        RoundVerdict verdict = new RoundVerdict(2, 1, Map.of(1L, 1, 2L, 0), 1, 120_000);

        assertEquals(List.of("1 of 2 accounts not refreshed",
                "1 accounts not refreshed with exactly one provider call (max 1)",
                "1 refresh tokens presented again"), verdict.problems());
    }
}
