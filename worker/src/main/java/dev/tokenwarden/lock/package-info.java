/**
 * The per-account refresh lock: {@link dev.tokenwarden.lock.AccountLocks} and its
 * Redisson implementation, plus {@link dev.tokenwarden.lock.NoLocks} for configurations without Redis.
 * Redisson lives only here.
 *
 * <p>The lock is an optimisation, not the guard: it keeps N workers from spending one rotating refresh
 * token N times in the common case, but a lease can expire under a paused process and Redis can fail
 * over, so the database compare-and-set on {@code _token_version} carries correctness (Kleppmann's
 * fencing argument). Hence the three answers of {@link dev.tokenwarden.lock.LockResult}: held, held
 * elsewhere (re-check later, never drop), and unavailable (go on without it).
 *
 * <p>With {@code lock.sub2api-compatible}, sub2api's own refresh lock ({@code oauth:refresh_lock:<cache key>},
 * {@link dev.tokenwarden.lock.Sub2apiCacheKeys}) is held beside ours while refreshing, in sub2api's protocol
 * (SET NX PX, owner-checked renewal and release).
 *
 * <p>Our own lock is a string key ({@code SET NX PX}, owner-checked renewal and release scripts), like sub2api's:
 * one command to take, one to give back, a renewal only for what outlives a third of the lease, polling instead of
 * a pub/sub subscription while waiting. A Redisson {@code RLock} of an older worker on the same key reads as held.
 *
 * <p>Contracts: nothing here blocks the calling (stream) thread, and no acquire or release completes
 * exceptionally for Redis trouble. Futures complete on Redisson I/O threads: continuations must not block.
 */
package dev.tokenwarden.lock;
