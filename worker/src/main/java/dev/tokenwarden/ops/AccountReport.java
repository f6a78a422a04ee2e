package dev.tokenwarden.ops;

import java.time.Instant;
import java.util.List;

/**
 * One account as the worker sees it, every field safe to print: no token, no refresh token, no client secret, no
 * envelope bytes. Nullable fields are null when the row has nothing to say (no cooldown, no expiry, no fence).
 */
public record AccountReport(
        long accountId,
        String platform,
        String type,
        String status,
        boolean schedulable,
        String errorMessage,
        Instant updatedAt,
        Cooldown cooldown,
        Token token,
        Refresh refresh,
        Locks locks,
        Fence fence,
        List<OutboxEntry> outbox,
        Instant asOf) {

    /** For a terminal: one fact per line. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("account %d: %s %s, status %s, %s%n", accountId, platform, type, status,
                schedulable ? "schedulable" : "paused (schedulable = false)"));
        if (errorMessage != null) {
            line(b, "error", errorMessage);
        }
        line(b, "cooldown", cooldown == null ? "none" : (cooldown.active() ? "until " : "ended ")
                + Report.when(cooldown.until(), asOf)
                + (cooldown.kind() == null ? ", reason not ours: " + cooldown.message()
                        : ", kind " + cooldown.kind() + (cooldown.statusCode() == null ? "" : ", status " + cooldown.statusCode())
                                + (cooldown.message() == null ? "" : ", message " + cooldown.message())));
        line(b, "token", token.readable() ? "version " + (token.version() == null ? "none" : token.version())
                + (token.versionSetAt() == null ? "" : " (set " + Report.when(token.versionSetAt(), asOf) + ")")
                + ", expires " + (token.expiresAt() == null ? "unknown" : Report.when(token.expiresAt(), asOf))
                + (token.encrypted() ? ", encrypted (sub2api envelope)" : "")
                : "encrypted (sub2api envelope), not readable here");
        line(b, "refresh", (refresh.refreshable() ? "refreshable" : "not refreshable") + " [" + refresh.verdict() + "]: "
                + refresh.why());
        if (locks.error() != null) {
            line(b, "locks", "unknown: " + locks.error());
        } else {
            line(b, "refresh lock", lock(locks.tokenwarden()));
            line(b, "sub2api lock", lock(locks.sub2api()));
        }
        line(b, "pg fence", fence == null ? "none" : (fence.held() ? "held by " : "lapsed, last held by ")
                + fence.holder() + " until " + Report.when(fence.until(), asOf));
        line(b, "outbox", outbox.isEmpty() ? "no rows" : "newest " + outbox.size() + " row(s):");
        for (OutboxEntry e : outbox) {
            b.append(String.format("    %s  %-22s status=%s%s  key=%s%n", e.createdAt(), e.change() == null
                    ? e.eventType() : e.change(), e.status(), e.cooldownUntil() == null ? ""
                    : " cooldown_until=" + e.cooldownUntil() + (e.cooldownKind() == null ? "" : " (" + e.cooldownKind() + ")"),
                    e.dedupKey()));
        }
        return b.toString();
    }

    private static String lock(LockState s) {
        if (s.held() == null) {
            return "unknown  (" + s.key() + ")";
        }
        return (s.held() ? "HELD" + (s.expiresInMillis() == 0 ? " (no expiry)"
                : ", expires in " + Report.human(java.time.Duration.ofMillis(s.expiresInMillis()))) : "free")
                + "  (" + s.key() + ")";
    }

    private static void line(StringBuilder b, String label, String text) {
        b.append(String.format("  %-13s %s%n", label + ":", text));
    }

    /**
     * @param kind our reason's kind, or null for a reason we did not write (then {@code message} holds its text, cut)
     * @param active the window has not ended
     */
    public record Cooldown(Instant until, boolean active, String kind, Integer statusCode, String message) {
    }

    /**
     * @param version {@code _token_version}; null when absent
     * @param versionSetAt when the version was written, for the epoch-millisecond versions the worker writes; null
     *     for another writer's version
     * @param encrypted the row is in sub2api's credential envelope
     * @param readable false when encrypted and not readable here (then version and expiry are unknown)
     */
    public record Token(Long version, Instant versionSetAt, Long versionAgeSeconds, Instant expiresAt,
            Long expiresInSeconds, boolean encrypted, boolean readable) {
    }

    /** What the worker's own decision says, for an event with {@code windowSeconds} (the sweep's window). */
    public record Refresh(String verdict, boolean refreshable, String why, long windowSeconds) {
    }

    /** @param error why Redis could not be asked; then both states are null */
    public record Locks(LockState tokenwarden, LockState sub2api, String error) {
    }

    /**
     * @param held null when the key cannot be known (an unreadable envelope hides sub2api's project_id)
     * @param expiresInMillis 0 for a key without a TTL; null when free
     */
    public record LockState(String key, Boolean held, Long expiresInMillis) {
    }

    /** The PostgreSQL fence taken while Redis is down; {@code held} = not yet lapsed. */
    public record Fence(String holder, Instant until, boolean held) {
    }

    /** One scheduler_outbox row, by its fields; the payload itself is not shown (sub2api writes rows too). */
    public record OutboxEntry(long id, Instant createdAt, String eventType, String change, String status,
            Instant cooldownUntil, String cooldownKind, String dedupKey) {
    }
}
