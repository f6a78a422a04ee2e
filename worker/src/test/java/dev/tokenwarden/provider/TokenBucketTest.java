package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void shouldAllowOneSecondBurstWhenIdle() {
        TokenBucket bucket = new TokenBucket(3, clock);

        assertTrue(bucket.tryTake().isEmpty());
        assertTrue(bucket.tryTake().isEmpty());
        assertTrue(bucket.tryTake().isEmpty());
        assertTrue(bucket.tryTake().isPresent());
    }

    @Test
    void shouldSayHowLongToWaitWhenEmpty() {
        TokenBucket bucket = new TokenBucket(4, clock);
        for (int i = 0; i < 4; i++) {
            bucket.tryTake();
        }

        assertEquals(Optional.of(Duration.ofMillis(250)), bucket.tryTake());
        clock.advance(Duration.ofMillis(250));
        assertTrue(bucket.tryTake().isEmpty());
    }

    @Test
    void shouldAllowOneCallWhenRateIsBelowOnePerSecond() {
        TokenBucket bucket = new TokenBucket(0.5, clock);

        assertTrue(bucket.tryTake().isEmpty());
        assertEquals(Optional.of(Duration.ofSeconds(2)), bucket.tryTake());
    }

    @Test
    void shouldRefillFromTheEarlierTimeWhenClockStepsBack() {
        TokenBucket bucket = new TokenBucket(1, clock);
        bucket.tryTake();
        clock.advance(Duration.ofSeconds(-10));

        assertEquals(Optional.of(Duration.ofSeconds(1)), bucket.tryTake());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(bucket.tryTake().isEmpty());
    }

    @Test
    void shouldRejectNonPositiveRate() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, clock));
    }
}
