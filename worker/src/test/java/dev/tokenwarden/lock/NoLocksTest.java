package dev.tokenwarden.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NoLocksTest {

    @Test
    void shouldHoldAtOnceWhenLockingIsDisabled() {
        try (NoLocks locks = new NoLocks()) {
            LockResult first = locks.acquire(7, Duration.ZERO).join();
            LockResult second = locks.acquire(7, Duration.ofSeconds(1)).join();

            LockResult.Held held = assertInstanceOf(LockResult.Held.class, first);
            assertInstanceOf(LockResult.Held.class, second);
            assertTrue(held.handle().release().isDone());
            assertEquals(0, locks.operations());
        }
    }
}
