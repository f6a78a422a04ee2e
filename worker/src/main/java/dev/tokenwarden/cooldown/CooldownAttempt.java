package dev.tokenwarden.cooldown;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.EventJson;
import dev.tokenwarden.events.OutboxChange;
import dev.tokenwarden.events.Platform;
import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.RefreshReason;
import dev.tokenwarden.events.SchedulerOutboxEvent;
import dev.tokenwarden.events.UpstreamRejected;
import dev.tokenwarden.store.Account;
import dev.tokenwarden.store.VersionGuard;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.OutboxRows;

/**
 * Carries out one {@link CooldownPlan} against the database, on a pool thread:
 * <ul>
 * <li>a 401 on a refreshable account asks for a forced refresh and sets a short {@code auth_refresh_pending}
 *     cooldown that the refresh's own credential write clears;
 * <li>a 401 on an account without a refresh token, or on a token refreshed moments ago (it was rejected
 *     again: refreshing once more would loop, sub2api #3707), marks the account {@code error};
 * <li>a 401 that observed an older token than the stored one needs nothing: the gateway used a stale token;
 * <li>a cooldown only ever extends; no row changed means no outbox row.
 * </ul>
 * Every event id is deterministic, and an event is emitted when the stored state already shows the change
 * even if this attempt wrote nothing — a replay after a crash then finishes the job.
 */
final class CooldownAttempt {
    private static final Logger log = LoggerFactory.getLogger(CooldownAttempt.class);

    /**
     * What the attempt asks the stream thread to emit.
     *
     * @param resumed an earlier pass of this 401 already wrote its window (and may have spent the refresh token in the
     *     refresh it ran ahead) and lost its Kafka commit: the refresh run ahead now is a resumed job
     */
    record Outcome(List<SchedulerOutboxEvent> outbox, List<RefreshNeeded> refreshes, String summary,
            Duration again, boolean resumed) {
        Outcome(List<SchedulerOutboxEvent> outbox, List<RefreshNeeded> refreshes, String summary) {
            this(outbox, refreshes, summary, null, false);
        }

        static Outcome nothing(String summary) {
            return new Outcome(List.of(), List.of(), summary);
        }

        /** Decide again after {@code delay}: a 401 waits before it kills an account, to see whether a storm comes. */
        static Outcome after(Duration delay) {
            return new Outcome(List.of(), List.of(), "held before marking error", delay, false);
        }
    }

    private final AccountStore store;
    private final CooldownSettings settings;
    private final Clock clock;
    private final CooldownCounters counters;

    private final OutageDetector outage;
    private final LimitWrites limits;

    CooldownAttempt(AccountStore store, CooldownSettings settings, Clock clock, CooldownCounters counters,
            OutageDetector outage) {
        this.outage = outage;
        this.limits = new LimitWrites(store, clock, counters, outage, settings.adaptive().start());
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.counters = counters;
    }

    /** @param held the plan already waited {@code cooldown.outage-hold}: a 401 may now mark an account error */
    Outcome run(CooldownPlan plan, boolean held) {
        if (plan instanceof CooldownPlan.CoolDown coolDown) {
            return coolDown(coolDown);
        }
        if (plan instanceof CooldownPlan.RateLimit rateLimit) {
            return limits.rateLimit(rateLimit, describe(rateLimit.event()));
        }
        if (plan instanceof CooldownPlan.MarkError markError) {
            return store.find(markError.event().accountId())
                    .filter(Account::isActive)
                    .filter(this::readable)
                    .map(a -> markError(a, markError.event(), "upstream " + markError.event().statusCode() + " "
                            + describe(markError.event())))
                    .orElse(Outcome.nothing("account gone or inactive"));
        }
        return unauthorized((CooldownPlan.RefreshFirst) plan, held);
    }

    private Outcome unauthorized(CooldownPlan.RefreshFirst plan, boolean held) {
        UpstreamRejected event = plan.event();
        Optional<Account> found = store.find(event.accountId());
        if (found.isEmpty() || !found.get().isActive()) {
            return Outcome.nothing("account gone or inactive");
        }
        Account account = found.get();
        if (!readable(account)) {
            return Outcome.nothing("encrypted credentials not readable");
        }
        if (!account.isRefreshable()) {
            return killOrSpare(plan, account, held, "upstream 401 and no refresh token to recover with");
        }
        if (account.credentials().tokenVersionUnusable()) {
            // No refresh could be guarded on it; the refresh path leaves such accounts alone too.
            counters.unusableVersion.increment();
            log.error("account {}: 401, but the stored _token_version is not a version; left alone", account.id());
            return Outcome.nothing("unusable _token_version");
        }
        Long stored = account.credentials().tokenVersion();
        Long observed = event.observedTokenVersion();
        Instant until = plan.basis().plus(settings.authPending());
        if (stored != null && (observed == null || stored > observed)) {
            // Either the gateway used a stale token, or an earlier pass of this very 401 wrote its window, refreshed
            // the account, and lost its Kafka commit (a rebalance, an aborted transaction, a crash): the database
            // remembers what Kafka forgot, and the replay emits exactly what that pass committed.
            Optional<Outcome> replay = replayOfCommitted(account, plan, until);
            if (replay.isPresent()) {
                return replay.get();
            }
            if (observed != null) {
                counters.staleToken.increment();
                return Outcome.nothing("the gateway used a token older than the stored one");
            }
        }
        long age = stored == null ? -1 : clock.millis() - stored;
        // A negative age is clock skew between hosts, not a fresh token: refresh rather than kill the account.
        if (Objects.equals(observed, stored) && age >= 0 && age < settings.refreshGrace().toMillis()) {
            return killOrSpare(plan, account, held, "upstream 401 on a token refreshed "
                    + Duration.ofMillis(age).toSeconds() + "s ago " + describe(event));
        }
        CooldownReason reason = CooldownReason.of(CooldownReason.AUTH_REFRESH_PENDING, until, plan.basis(), 401,
                describe(event)).withTokenVersion(stored);
        Written written = extend(account.id(), until, reason, account.credentials().versionGuard());
        counters.refreshRequested.increment();
        return new Outcome(written.events(), List.of(forcedRefresh(account, event, stored, plan.basis())),
                "refresh requested", null, written.byEarlierPass());
    }

    /**
     * This 401's window as an earlier pass committed it, with the refresh-needed that pass emitted rebuilt from the
     * version it recorded (same id, same body); empty when no pass of this 401 committed a window.
     */
    private Optional<Outcome> replayOfCommitted(Account account, CooldownPlan.RefreshFirst plan, Instant until) {
        Optional<SchedulerOutboxEvent> committed = store.committedOutboxEvent(
                SchedulerOutboxEvent.eventId(account.id(), OutboxChange.COOLDOWN_SET, until.toEpochMilli()));
        Optional<CooldownReason> reason = committed.flatMap(e -> CooldownReason.parse(e.cooldownReason()))
                .filter(r -> CooldownReason.AUTH_REFRESH_PENDING.equals(r.kind()));
        if (reason.isEmpty()) {
            return Optional.empty();
        }
        counters.replayed.increment();
        RefreshNeeded refresh = forcedRefresh(account, plan.event(), reason.get().tokenVersion(), plan.basis());
        return Optional.of(new Outcome(List.of(committed.get()), List.of(refresh),
                "replayed what an earlier pass of this 401 committed", null, true));
    }

    /**
     * The forced refresh a 401 asks for. Its id names the 401 cycle (the version the 401 was acted on against and the
     * cycle's basis): a replay rebuilds the same event, and a later cycle on a version that a failed refresh left
     * unchanged is a new event, never a join of the old cycle's finished outcome.
     */
    private RefreshNeeded forcedRefresh(Account account, UpstreamRejected event, Long version, Instant basis) {
        return new RefreshNeeded("upstream-401:" + account.id() + ":" + (version == null ? 0 : version) + ":"
                + basis.toEpochMilli(), account.id(), Platform.fromJson(account.platform()).orElse(event.platform()),
                (int) settings.refreshWindow().toSeconds(), version, RefreshReason.UPSTREAM_401, true, basis,
                "tokenwarden/cooldown");
    }

    /**
     * A 401 that would mark the account error: not while a 401 storm across accounts is under way (an outage, not
     * a revoked token: sub2api #5279), where a cooldown stands in; and only after the hold, so the first
     * accounts of a storm are not killed before it is recognised.
     */
    private Outcome killOrSpare(CooldownPlan.RefreshFirst plan, Account account, boolean held, String message) {
        UpstreamRejected event = plan.event();
        if (outage.active(event)) {
            counters.outageSpared.increment();
            Instant until = plan.basis().plus(settings.authPending());
            CooldownReason reason = CooldownReason.of(CooldownReason.UPSTREAM_OUTAGE, until, plan.basis(), 401,
                    describe(event));
            return new Outcome(extend(account.id(), until, reason, null).events(), List.of(), "spared: 401 storm");
        }
        if (!held && !settings.outageHold().isZero()) {
            return Outcome.after(settings.outageHold());
        }
        return markError(account, event, message);
    }

    private Outcome coolDown(CooldownPlan.CoolDown plan) {
        UpstreamRejected event = plan.event();
        if (plan.kind() == CooldownKind.OVERLOADED) {
            return limits.overload(plan, CooldownCoalescer.basis(event, clock.instant()), describe(event));
        }
        CooldownReason reason = CooldownReason.of(CooldownReason.UPSTREAM_REJECTED, plan.until(),
                CooldownCoalescer.basis(event, clock.instant()), event.statusCode(), describe(event));
        return new Outcome(extend(event.accountId(), plan.until(), reason, null).events(), List.of(), "cooldown");
    }

    /** The events of a guarded extend; {@code byEarlierPass} when the window was found already committed. */
    private record Written(List<SchedulerOutboxEvent> events, boolean byEarlierPass) {
    }

    /**
     * The guarded extend (also guarded on {@code atVersion} when given); the outbox event also when a replay
     * finds the same window already stored, as it was committed (same id, same body), never rebuilt.
     */
    private Written extend(long accountId, Instant until, CooldownReason reason, VersionGuard atVersion) {
        SchedulerOutboxEvent event = outboxEvent(accountId, OutboxChange.COOLDOWN_SET, until.toEpochMilli(), until,
                reason.toJson(), null);
        boolean changed = atVersion == null
                ? store.extendCooldown(accountId, until, reason.toJson(), OutboxRows.of(event))
                : store.extendCooldownAtVersion(accountId, until, reason.toJson(), atVersion, OutboxRows.of(event));
        if (changed) {
            counters.updates.increment();
            counters.cooldownWritten(reason.kind(), Duration.between(clock.instant(), until));
            return new Written(List.of(event), false);
        }
        counters.unchanged.increment();
        boolean alreadyStored = store.find(accountId)
                .map(a -> a.tempUnschedulableUntil() != null
                        && a.tempUnschedulableUntil().toEpochMilli() == until.toEpochMilli())
                .orElse(false);
        return alreadyStored ? new Written(store.committedOutboxEvent(event.eventId()).stream().toList(), true)
                : new Written(List.of(), false);
    }

    private Outcome markError(Account account, UpstreamRejected event, String message) {
        SchedulerOutboxEvent outbox = outboxEvent(account.id(), OutboxChange.STATUS_ERROR, account.revision(), null,
                null, Account.STATUS_ERROR);
        if (store.markDead(account, account.credentials().refreshToken().orElse(null), message,
                OutboxRows.of(outbox))) {
            counters.updates.increment();
            counters.markedError.increment();
            log.warn("account {}: {}; marked error", account.id(), message);
            return new Outcome(List.of(outbox), List.of(), "marked error");
        }
        counters.unchanged.increment();
        // Already error (a replay after a crash, or a concurrent writer): emit what was committed, same id.
        return new Outcome(committedStatusError(account.id()), List.of(), "already error");
    }

    /**
     * An account encrypted by sub2api that this worker cannot read (no key) shows no refresh token, yet it may well
     * hold one: it is left alone and counted, never marked error (the store logs it once per account).
     */
    private boolean readable(Account account) {
        if (account.credentials().isUnreadable()) {
            counters.unreadableEnvelope.increment();
            return false;
        }
        return true;
    }

    private List<SchedulerOutboxEvent> committedStatusError(long accountId) {
        boolean isError = store.find(accountId).map(a -> Account.STATUS_ERROR.equals(a.status())).orElse(false);
        if (!isError) {
            return List.of();
        }
        String prefix = SchedulerOutboxEvent.eventIdPrefix(accountId, OutboxChange.STATUS_ERROR);
        return store.latestCommittedOutboxEvent(accountId, prefix).stream().toList();
    }

    private SchedulerOutboxEvent outboxEvent(long accountId, OutboxChange change, long mutation,
            Instant cooldownUntil, String cooldownReason, String status) {
        return SchedulerOutboxEvent.accountChanged(accountId, change, mutation, cooldownUntil, cooldownReason, status,
                clock.instant());
    }

    private static String describe(UpstreamRejected event) {
        String code = event.errorCode() == null ? "" : event.errorCode();
        String message = event.errorMessage() == null ? "" : event.errorMessage();
        return (code + (code.isEmpty() || message.isEmpty() ? "" : ": ") + message).trim();
    }
}
