package dev.tokenwarden.cooldown;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.store.AccountLimits;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.OutboxRows;

/**
 * Writes the windows sub2api keeps in their own columns — an account's rate limit, a scope's, an overload — each
 * guarded so it only extends, each with its outbox row in one transaction, and emits the committed event when a replay
 * finds its window already stored. Each event's {@code cooldown_reason} carries the {@link CooldownKind} (and the
 * scope), and its id names the kind, so windows of different kinds never share an id.
 */
final class LimitWrites {
    private final AccountStore store;
    private final Clock clock;
    private final CooldownCounters counters;
    private final OutageDetector outage;
    private final Duration heldShort;

    /** @param heldShort how long an overload storm holds each account ({@code cooldown.adaptive-start}) */
    LimitWrites(AccountStore store, Clock clock, CooldownCounters counters, OutageDetector outage, Duration heldShort) {
        this.store = store;
        this.clock = clock;
        this.counters = counters;
        this.outage = outage;
        this.heldShort = heldShort;
    }

    /** Every window of a 429. */
    CooldownAttempt.Outcome rateLimit(CooldownPlan.RateLimit plan, String message) {
        UpstreamRejected event = plan.event();
        List<SchedulerOutboxEvent> emitted = new ArrayList<>();
        for (RateLimitWindows.Window w : plan.windows()) {
            Instant until = w.until();
            CooldownReason reason = CooldownReason.of(w.kind(), until, plan.basis(), event.statusCode(), message,
                    w.scope(), w.source());
            SchedulerOutboxEvent outbox = outboxEvent(event.accountId(), w.kind(), w.scope(), until, reason);
            boolean changed = w.scope() == null
                    ? store.extendRateLimit(event.accountId(), plan.basis(), until,
                            w.sessionWindow() ? until.minus(Duration.ofHours(5)) : null, OutboxRows.of(outbox))
                    : store.extendModelRateLimit(event.accountId(), w.scope(), plan.basis(), until, reason.toJson(),
                            OutboxRows.of(outbox));
            emitted.addAll(written(changed, outbox, w.kind(), until,
                    limits -> w.scope() == null ? Optional.ofNullable(limits.rateLimitResetAt())
                            : limits.scopeResetAt(w.scope())));
        }
        return new CooldownAttempt.Outcome(emitted, List.of(), "rate limited");
    }

    /**
     * A persisted overload; during an overload storm across the platform's accounts only briefly
     * ({@code upstream_outage}): the provider is short of capacity, not this account.
     */
    CooldownAttempt.Outcome overload(CooldownPlan.CoolDown plan, Instant basis, String message) {
        UpstreamRejected event = plan.event();
        Instant until = plan.until();
        CooldownKind kind = CooldownKind.OVERLOADED;
        if (outage.overloadStorm(event)) {
            counters.overloadSpared.increment();
            kind = CooldownKind.UPSTREAM_OUTAGE;
            Instant brief = basis.plus(heldShort);
            until = brief.isBefore(until) ? brief : until;
        }
        CooldownReason reason = CooldownReason.of(kind, until, basis, event.statusCode(), message, null, null);
        SchedulerOutboxEvent outbox = outboxEvent(event.accountId(), kind, null, until, reason);
        boolean changed = store.extendOverload(event.accountId(), until, OutboxRows.of(outbox));
        Instant end = until;
        return new CooldownAttempt.Outcome(written(changed, outbox, kind, end,
                limits -> Optional.ofNullable(limits.overloadUntil())), List.of(), "overloaded");
    }

    private List<SchedulerOutboxEvent> written(boolean changed, SchedulerOutboxEvent outbox, CooldownKind kind,
            Instant until, java.util.function.Function<AccountLimits, Optional<Instant>> stored) {
        if (changed) {
            counters.updates.increment();
            counters.cooldownWritten(kind.json(), Duration.between(clock.instant(), until));
            return List.of(outbox);
        }
        counters.unchanged.increment();
        Instant wanted = kind == CooldownKind.MODEL_RATE_LIMITED ? until.truncatedTo(ChronoUnit.SECONDS) : until;
        boolean alreadyStored = store.findLimits(outbox.accountId()).flatMap(stored)
                .map(at -> at.toEpochMilli() == wanted.toEpochMilli()).orElse(false);
        // A replay emits what was committed (same id, same body), never a rebuilt event.
        return alreadyStored ? store.committedOutboxEvent(outbox.eventId()).stream().toList() : List.of();
    }

    private SchedulerOutboxEvent outboxEvent(long accountId, CooldownKind kind, String scope, Instant until,
            CooldownReason reason) {
        return SchedulerOutboxEvent.accountChanged(accountId, OutboxChange.COOLDOWN_SET, qualifier(kind, scope),
                until.toEpochMilli(), until, reason.toJson(), null, clock.instant());
    }

    /** The kind, and a scope as it is when short and plain, else a hash of it: ids stay within their bound. */
    static String qualifier(CooldownKind kind, String scope) {
        if (scope == null) {
            return kind.json();
        }
        String plain = kind.json() + ":" + scope;
        if (plain.length() <= SchedulerOutboxEvent.MAX_QUALIFIER_LENGTH && scope.matches("[a-z0-9_.:-]+")) {
            return plain;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
            return kind.json() + ":" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }
}
