package dev.tokenwarden.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class AheadIndexTest {
    private final AheadIndex index = new AheadIndex(Duration.ofMinutes(2), 3);

    @Test
    void shouldNotLetALaterEventJoinAnEntryOlderThanItsAge() {
        // Given a refresh run ahead that finished long ago
        AheadIndex.Entry old = index.start("upstream-401:7:5:1000", 0);
        old.outcome().complete(AttemptOutcome.Done.quietly(5L, "provider down"));

        // When its event comes three minutes later
        AheadIndex.Entry joined = index.join("upstream-401:7:5:1000", Duration.ofMinutes(3).toMillis());

        // Then there is nothing to join: the event's own pass decides
        assertNull(joined);
        assertEquals(0, index.size());
    }

    @Test
    void shouldKeepOnlyTheNewestEntriesAboveItsBound() {
        // Given more entries than the bound
        for (int i = 0; i < 5; i++) {
            assertNotNull(index.start("e" + i, i));
        }

        // Then the oldest were dropped
        assertEquals(3, index.size());
        assertNull(index.join("e0", 10));
        assertNotNull(index.join("e4", 10));
    }

    @Test
    void shouldStartOneEntryPerEventId() {
        assertNotNull(index.start("e", 0));
        assertNull(index.start("e", 1), "the same 401 cycle asked twice");
    }
}
