package dev.tokenwarden.lock;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokenwarden.stack.LocalRedis;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Two {@link RedissonAccountLocks} instances stand for two worker processes sharing one real Redis. */
class RedissonAccountLocksIT {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration AWAIT = Duration.ofSeconds(15);
    private static final long ACCOUNT = 42;
    private static final long OTHER_ACCOUNT = 43;
    private static final long PROBE_ACCOUNT = -1;

    private static LocalRedis redis;
    private final Deque<AccountLocks> opened = new ArrayDeque<>();
    private String keyPrefix;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.embedded(); // own instance: these tests stop and start it
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void isolate(TestInfo test) {
        redis.start(); // a failed outage test must not leave the next test without Redis
        keyPrefix = "tokenwarden-it:" + test.getTestMethod().orElseThrow().getName() + ":";
    }

    @AfterEach
    void closeWorkers() {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }

    @Test
    void shouldTimeOutWhenAnotherWorkerHoldsTheLock() {
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        awaitHeld(first, ACCOUNT);

        assertInstanceOf(LockResult.TimedOut.class, result(second.acquire(ACCOUNT, Duration.ofMillis(300))));
    }

    @Test
    void shouldTimeOutWhenTheSameWorkerAlreadyHoldsTheLock() {
        RedissonAccountLocks worker = connectedWorker();
        awaitHeld(worker, ACCOUNT);

        // ownership is per acquisition, not per Java thread: no reentrancy by accident
        assertInstanceOf(LockResult.TimedOut.class, result(worker.acquire(ACCOUNT, Duration.ofMillis(300))));
    }

    @Test
    void shouldHandTheLockToAWaiterWhenTheHolderReleases() throws Exception {
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        LockHandle holder = awaitHeld(first, ACCOUNT);

        long calledAt = System.nanoTime();
        CompletableFuture<LockResult> waiting = second.acquire(ACCOUNT, Duration.ofSeconds(10));
        assertTrue(elapsedSince(calledAt).toMillis() < 200, "acquire must return at once, not wait on the caller");
        Thread.sleep(300); // the waiter is polling by now
        assertFalse(waiting.isDone());

        long releasedAt = System.nanoTime();
        holder.release().get(5, TimeUnit.SECONDS);
        assertInstanceOf(LockResult.Held.class, result(waiting));
        assertTrue(elapsedSince(releasedAt).toMillis() < 2_000, "waiter woke " + elapsedSince(releasedAt));
    }

    @Test
    void shouldNotContendWhenAccountsDiffer() {
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        awaitHeld(first, ACCOUNT);

        assertInstanceOf(LockResult.Held.class, result(second.acquire(OTHER_ACCOUNT, Duration.ZERO)));
    }

    @Test
    void shouldKeepTheLockPastTheLeaseWhileTheHolderLives() throws Exception {
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        LockHandle holder = awaitHeld(first, ACCOUNT);

        long heldSince = System.nanoTime();
        while (elapsedSince(heldSince).compareTo(LEASE.multipliedBy(2)) < 0) { // watchdog must renew
            assertInstanceOf(LockResult.TimedOut.class, result(second.acquire(ACCOUNT, Duration.ofMillis(400))),
                    "lock lost after " + elapsedSince(heldSince));
        }
        holder.release().get(5, TimeUnit.SECONDS);
        assertInstanceOf(LockResult.Held.class, result(second.acquire(ACCOUNT, Duration.ZERO)));
    }

    @Test
    void shouldFreeTheLockWithinTheLeaseWhenTheHolderDisappears() {
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        awaitHeld(first, ACCOUNT);

        long vanishedAt = System.nanoTime();
        first.close(); // a crash: no release, the watchdog stops renewing
        LockResult taken = result(second.acquire(ACCOUNT, LEASE.plusSeconds(3)));

        assertInstanceOf(LockResult.Held.class, taken);
        Duration freedAfter = elapsedSince(vanishedAt);
        assertTrue(freedAfter.compareTo(LEASE.plusMillis(1_000)) < 0, "freed after " + freedAfter);
    }

    @Test
    void shouldAnswerUnavailableWhenRedisIsDownAndHoldAgainWhenItIsBack() throws Exception {
        RedissonAccountLocks worker = connectedWorker();
        LockHandle heldBeforeOutage = awaitHeld(worker, ACCOUNT);

        redis.stop();
        long stoppedAt = System.nanoTime();
        LockResult during = result(worker.acquire(OTHER_ACCOUNT, Duration.ofSeconds(1)));
        assertInstanceOf(LockResult.Unavailable.class, during);
        assertTrue(elapsedSince(stoppedAt).toSeconds() < 6, "answered after " + elapsedSince(stoppedAt));
        assertDoesNotThrow(() -> heldBeforeOutage.release().get(10, TimeUnit.SECONDS));

        redis.start(); // comes back empty, like a failed-over cache
        awaitHeld(worker, ACCOUNT);
    }

    @Test
    void shouldStartAndLaterLockWhenConstructedWhileRedisIsDown() {
        redis.stop();
        RedissonAccountLocks worker = assertDoesNotThrow(this::worker);

        long calledAt = System.nanoTime();
        assertInstanceOf(LockResult.Unavailable.class, result(worker.acquire(ACCOUNT, Duration.ofSeconds(1))));
        assertTrue(elapsedSince(calledAt).toSeconds() < 6, "answered after " + elapsedSince(calledAt));

        redis.start();
        awaitHeld(worker, ACCOUNT);
    }

    @Test
    void shouldWaitForItsFirstConnectionWithinTheConnectWaitInsteadOfAnsweringUnavailable() throws Exception {
        // Given a worker starting while Redis is not up yet, as in a rolling deploy where Redis is just slow
        redis.stop();
        RedissonAccountLocks starting = new RedissonAccountLocks(URI.create(redis.url()), LEASE, keyPrefix,
                Duration.ofSeconds(20));
        opened.push(starting);

        // When it asks for a lock at once, and Redis comes up while it waits
        CompletableFuture<LockResult> first = starting.acquire(ACCOUNT, Duration.ZERO);
        redis.start();

        // Then it gets the lock: a Redis not reached yet is not a Redis that is down
        assertInstanceOf(LockResult.Held.class, first.get(30, TimeUnit.SECONDS));
    }

    @Test
    void shouldCountAcquireAttemptsAndReleasesWhenLocking() {
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        long before = first.operations();

        LockHandle handle = assertInstanceOf(LockResult.Held.class, result(first.acquire(ACCOUNT, Duration.ZERO))).handle();
        assertInstanceOf(LockResult.Held.class, result(second.acquire(OTHER_ACCOUNT, Duration.ZERO)));
        assertInstanceOf(LockResult.TimedOut.class, result(first.acquire(OTHER_ACCOUNT, Duration.ZERO)));
        CompletableFuture<Void> released = handle.release();
        assertSame(released, handle.release()); // idempotent: one release, one operation
        released.join();

        assertEquals(3, first.operations() - before);
    }

    @Test
    void shouldSendAtMostTwoRedisCommandsForAnUncontendedAcquireAndRelease() throws Exception {
        // Given a connected worker (its release script already loaded by the first lock)
        RedissonAccountLocks worker = connectedWorker();
        try (RedisWire wire = new RedisWire(redis.url())) {
            Map<String, Long> before = wire.commandCalls();

            // When
            LockHandle handle = assertInstanceOf(LockResult.Held.class, result(worker.acquire(ACCOUNT, Duration.ZERO)))
                    .handle();
            handle.release().get(5, TimeUnit.SECONDS);

            // Then: one SET NX PX and one compare-and-delete script; no subscription, no renewal. INFO commandstats
            // also counts the GET and DEL the script runs inside Redis; those are no round trips of the client's.
            Map<String, Long> sent = lockCommands(before, wire.commandCalls());
            long scripts = sent.getOrDefault("eval", 0L) + sent.getOrDefault("evalsha", 0L);
            long insideScripts = sent.getOrDefault("get", 0L) + sent.getOrDefault("del", 0L);
            long fromClient = sent.values().stream().mapToLong(Long::longValue).sum() - insideScripts;
            assertEquals(1, scripts, sent.toString());
            assertTrue(insideScripts <= 2 * scripts, sent.toString());
            assertEquals(2, fromClient, sent.toString());
        }
    }

    @Test
    void shouldNeverDeleteAnotherOwnersLockWhenReleasingLate() throws Exception {
        // Given A's lock, lost (its key gone, as after its lease ran out) and then taken by B
        RedissonAccountLocks first = connectedWorker();
        RedissonAccountLocks second = connectedWorker();
        LockHandle late = awaitHeld(first, ACCOUNT);
        try (RedisWire wire = new RedisWire(redis.url())) {
            wire.call("DEL", keyPrefix + ACCOUNT);
        }
        awaitHeld(second, ACCOUNT);

        // When A releases
        late.release().get(5, TimeUnit.SECONDS);

        // Then B still holds it
        assertInstanceOf(LockResult.TimedOut.class, result(first.acquire(ACCOUNT, Duration.ZERO)));
    }

    @Test
    void shouldTreatALockInTheOldRedissonFormatAsHeld() throws Exception {
        // Given an RLock (a hash with a TTL) taken by a worker of the previous version during a rolling deploy
        RedissonAccountLocks worker = connectedWorker();
        try (RedisWire wire = new RedisWire(redis.url())) {
            wire.call("HSET", keyPrefix + ACCOUNT, "e3b0c442:281474976710656", "1");
            wire.call("PEXPIRE", keyPrefix + ACCOUNT, "10000");

            // When
            LockResult result = result(worker.acquire(ACCOUNT, Duration.ofMillis(300)));

            // Then it is held, and still the old holder's
            assertInstanceOf(LockResult.TimedOut.class, result);
            assertEquals("hash", wire.call("TYPE", keyPrefix + ACCOUNT));
        }
    }

    @Test
    void shouldRenewOnlyALockThatOutlivesAThirdOfItsLease() throws Exception {
        // Given a lock held well past a third of its lease
        RedissonAccountLocks worker = connectedWorker();
        LockHandle handle = awaitHeld(worker, ACCOUNT);
        try (RedisWire wire = new RedisWire(redis.url())) {
            Thread.sleep(LEASE.toMillis() * 2 / 3 + 200);

            // When
            long ttl = (Long) wire.call("PTTL", keyPrefix + ACCOUNT);

            // Then it was renewed (a lock left alone would have under a third of the lease left)
            assertTrue(ttl > LEASE.toMillis() / 2, "ttl " + ttl);
        }
        handle.release().get(5, TimeUnit.SECONDS);
    }

    /** Commands that a lock operation may have sent, leaving out the clients' keep-alives and the test's own. */
    private static Map<String, Long> lockCommands(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> sent = new java.util.TreeMap<>();
        after.forEach((command, calls) -> {
            long delta = calls - before.getOrDefault(command, 0L);
            if (delta > 0 && !java.util.Set.of("ping", "info", "client", "hello", "select", "auth").contains(command)) {
                sent.put(command, delta);
            }
        });
        return sent;
    }

    private RedissonAccountLocks worker() {
        RedissonAccountLocks locks = new RedissonAccountLocks(URI.create(redis.url()), LEASE, keyPrefix);
        opened.push(locks);
        return locks;
    }

    /** A worker past its background first connect. */
    private RedissonAccountLocks connectedWorker() {
        RedissonAccountLocks locks = worker();
        awaitHeld(locks, PROBE_ACCOUNT).release().join();
        return locks;
    }

    /** Retries through Unavailable (Redis starting or reconnecting) until held. */
    private static LockHandle awaitHeld(AccountLocks locks, long accountId) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true) {
            LockResult result = result(locks.acquire(accountId, Duration.ZERO));
            if (result instanceof LockResult.Held held) {
                return held.handle();
            }
            assertInstanceOf(LockResult.Unavailable.class, result, "nobody else holds account " + accountId);
            pauseBefore(deadline, "lock on account " + accountId + " never held; last: " + result);
        }
    }

    private static LockResult result(CompletableFuture<LockResult> future) {
        try {
            return future.get(30, TimeUnit.SECONDS); // far beyond every bound: a hang fails the test
        } catch (Exception e) {
            return fail("acquire did not answer normally", e);
        }
    }

    private static void pauseBefore(long deadlineNanos, String failure) {
        if (System.nanoTime() > deadlineNanos) {
            fail(failure);
        }
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }

    private static Duration elapsedSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }
}
