package dev.tokenwarden.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.lock.LockProbe;
import dev.tokenwarden.lock.Sub2apiCacheKeys;
import dev.tokenwarden.refresh.Refreshability;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.FenceDao;
import dev.tokenwarden.store.Inspection;
import dev.tokenwarden.store.OutboxDao;

/**
 * Builds an {@link AccountReport}: the row read the way the worker reads it ({@link AccountStore#find}, envelope
 * opened when a key is configured), the worker's own refresh decision on it, the outbox history, the two Redis
 * lock keys and the PostgreSQL fence.
 */
public final class AccountExplainer {
    /** A worker writes epoch-millisecond versions; anything below this (2001) is another writer's counter. */
    private static final long EPOCH_MILLIS_FLOOR = 1_000_000_000_000L;

    private final AccountStore store;
    private final Inspection inspection;
    private final LockProbe locks;
    private final String lockKeyPrefix;
    private final Duration window;

    /**
     * @param locks null when Redis is not to be asked
     * @param window the refresh window the decision assumes (the sweep's)
     */
    public AccountExplainer(AccountStore store, Inspection inspection, LockProbe locks, String lockKeyPrefix,
            Duration window) {
        this.store = store;
        this.inspection = inspection;
        this.locks = locks;
        this.lockKeyPrefix = lockKeyPrefix;
        this.window = window;
    }

    /** Empty when the account does not exist or is deleted. */
    public Optional<AccountReport> explain(long accountId, int outboxRows, Instant now) {
        Optional<Account> found = store.find(accountId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Account a = found.get();
        Refreshability.Answer answer = Refreshability.assess(a, window, now);
        return Optional.of(new AccountReport(a.id(), a.platform(), a.type(), a.status(), a.schedulable(),
                Report.cut(a.errorMessage(), 200), a.updatedAt(), cooldown(a, now), token(a, now),
                new AccountReport.Refresh(answer.verdict(), answer.refreshable(), answer.why(), window.toSeconds()),
                locks(a), fence(accountId), outbox(accountId, outboxRows), now));
    }

    private static AccountReport.Cooldown cooldown(Account a, Instant now) {
        if (a.tempUnschedulableUntil() == null) {
            return null;
        }
        JsonNode reason = parse(a.tempUnschedulableReason());
        String kind = reason == null ? null : textOrNull(reason.get("kind"));
        Integer status = reason != null && reason.hasNonNull("status_code") ? reason.get("status_code").asInt() : null;
        String message = kind == null ? Report.cut(a.tempUnschedulableReason(), 200)
                : Report.cut(textOrNull(reason.get("error_message")), 200);
        return new AccountReport.Cooldown(a.tempUnschedulableUntil(), a.tempUnschedulableUntil().isAfter(now), kind,
                status, message);
    }

    private static AccountReport.Token token(Account a, Instant now) {
        Long version = a.credentials().tokenVersion();
        Instant setAt = version != null && version >= EPOCH_MILLIS_FLOOR && version <= now.toEpochMilli() + 86_400_000L
                ? Instant.ofEpochMilli(version) : null;
        Instant expires = a.credentials().expiresAt().orElse(null);
        return new AccountReport.Token(version, setAt,
                setAt == null ? null : Duration.between(setAt, now).toSeconds(), expires,
                expires == null ? null : Duration.between(now, expires).toSeconds(), a.credentials().isEnvelope(),
                !a.credentials().isUnreadable());
    }

    private AccountReport.Locks locks(Account a) {
        if (locks == null) {
            return new AccountReport.Locks(null, null, "not asked");
        }
        try {
            // sub2api keys gemini and antigravity accounts by their project_id, which an unreadable envelope hides.
            boolean keyUnknown = a.credentials().isUnreadable()
                    && (a.platform().equals("gemini") || a.platform().equals("antigravity"));
            AccountReport.LockState sub2api = keyUnknown
                    ? new AccountReport.LockState(Sub2apiCacheKeys.LOCK_PREFIX + "<project_id inside the envelope>", null,
                            null)
                    : state(locks.probe(Sub2apiCacheKeys.lockKey(a.platform(), a.id(), a.credentials().asMap())));
            return new AccountReport.Locks(state(locks.probe(lockKeyPrefix + a.id())), sub2api, null);
        } catch (IllegalStateException e) {
            return new AccountReport.Locks(null, null, e.getMessage());
        }
    }

    private static AccountReport.LockState state(LockProbe.KeyState s) {
        return new AccountReport.LockState(s.key(), s.held(), s.expiresIn().map(Duration::toMillis).orElse(null));
    }

    private AccountReport.Fence fence(long accountId) {
        Optional<FenceDao.Fence> f = inspection.fence(accountId);
        return f.map(x -> new AccountReport.Fence(x.holder(), x.until(), x.held())).orElse(null);
    }

    private List<AccountReport.OutboxEntry> outbox(long accountId, int limit) {
        List<AccountReport.OutboxEntry> out = new ArrayList<>();
        for (OutboxDao.OutboxRecord r : inspection.recentOutbox(accountId, limit)) {
            JsonNode p = parse(r.payload());
            JsonNode reason = p == null ? null : parse(textOrNull(p.get("cooldown_reason")));
            out.add(new AccountReport.OutboxEntry(r.id(), r.createdAt(), r.eventType(),
                    p == null ? null : textOrNull(p.get("change")), p == null ? null : textOrNull(p.get("status")),
                    p == null ? null : instantOrNull(p.get("cooldown_until")),
                    reason == null ? null : textOrNull(reason.get("kind")), r.dedupKey()));
        }
        return out;
    }

    private static JsonNode parse(String json) {
        if (json == null || !json.strip().startsWith("{")) {
            return null;
        }
        try {
            return EventJson.mapper().readTree(json);
        } catch (Exception e) {
            return null; // a reason we did not write: shown as cut text, never as a parser's message
        }
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Instant instantOrNull(JsonNode n) {
        try {
            return n == null || n.isNull() ? null : Instant.parse(n.asText());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
