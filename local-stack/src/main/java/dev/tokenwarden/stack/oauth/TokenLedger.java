package dev.tokenwarden.stack.oauth;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every refresh token the fake has issued, with its account, generation and state. Each account's
 * tokens form one family whose transitions happen under that family's monitor, so two concurrent
 * refreshes of one token have exactly one winner, as at a real rotating provider.
 */
final class TokenLedger {
    enum State { CURRENT, USED, REVOKED }

    sealed interface Outcome permits Issued, Reused, Invalid {}

    /** @param refreshToken the new token when the platform rotates, else the presented one */
    record Issued(long accountId, String refreshToken, String accessToken) implements Outcome {}

    /** A rotated-away token was presented again. */
    record Reused(long accountId) implements Outcome {}

    /** Unknown, another platform's, superseded by a new registration, or revoked with its family. */
    record Invalid() implements Outcome {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<Long, Family> families = new ConcurrentHashMap<>();

    /** State is guarded by the owning family's monitor. */
    private static final class Token {
        final Platform platform;
        final long accountId;
        State state = State.CURRENT;

        Token(Platform platform, long accountId) {
            this.platform = platform;
            this.accountId = accountId;
        }
    }

    private static final class Family {
        int generation;
        String current;
    }

    /** Issues a fresh token for the account, as a new sign-in would; its previous token stops working. */
    String register(Platform platform, long accountId) {
        Family family = family(accountId);
        synchronized (family) {
            String refreshToken = nextRefreshToken(platform, accountId, family.generation + 1);
            seed(family, platform, accountId, refreshToken);
            return refreshToken;
        }
    }

    /** Seeds a known token as the account's current one; its previous token stops working. */
    void register(Platform platform, long accountId, String refreshToken) {
        Family family = family(accountId);
        synchronized (family) {
            Token existing = tokens.get(refreshToken);
            if (existing != null && existing.accountId != accountId) {
                throw new IllegalArgumentException("refreshToken is already registered for another account,"
                        + " account " + existing.accountId);
            }
            seed(family, platform, accountId, refreshToken);
        }
    }

    private void seed(Family family, Platform platform, long accountId, String refreshToken) {
        if (family.current != null && !family.current.equals(refreshToken)) {
            tokens.get(family.current).state = State.REVOKED;
        }
        family.generation++;
        family.current = refreshToken;
        tokens.put(refreshToken, new Token(platform, accountId));
    }

    /** Spends the presented token (rotating platforms) or reuses it (others). */
    Outcome refresh(Platform platform, String refreshToken, boolean revokeFamilyOnReuse) {
        Token token = tokens.get(refreshToken);
        if (token == null || token.platform != platform) {
            return new Invalid();
        }
        Family family = families.get(token.accountId);
        synchronized (family) {
            return switch (token.state) {
                case CURRENT -> platform.rotates
                        ? rotate(family, token)
                        : new Issued(token.accountId, refreshToken, accessToken());
                case USED -> reuse(family, token, revokeFamilyOnReuse);
                case REVOKED -> new Invalid();
            };
        }
    }

    /** Real rotating providers treat a replayed token as theft and revoke the whole family. */
    private Reused reuse(Family family, Token spent, boolean revokeFamily) {
        if (revokeFamily) {
            tokens.get(family.current).state = State.REVOKED;
        }
        return new Reused(spent.accountId);
    }

    private Issued rotate(Family family, Token spent) {
        spent.state = State.USED;
        family.generation++;
        String next = nextRefreshToken(spent.platform, spent.accountId, family.generation);
        family.current = next;
        tokens.put(next, new Token(spent.platform, spent.accountId));
        return new Issued(spent.accountId, next, accessToken());
    }

    /** The account a token was issued to, whatever its state; empty for a token never issued. */
    OptionalLong accountOf(String refreshToken) {
        Token token = refreshToken == null ? null : tokens.get(refreshToken);
        return token == null ? OptionalLong.empty() : OptionalLong.of(token.accountId);
    }

    /** The latest token issued to the account, even when it has since been revoked. */
    String currentRefreshToken(long accountId) {
        Family family = families.get(accountId);
        if (family == null) {
            throw new IllegalArgumentException("account " + accountId + " has no registered refresh token");
        }
        synchronized (family) {
            return family.current;
        }
    }

    private Family family(long accountId) {
        return families.computeIfAbsent(accountId, id -> new Family());
    }

    private static String nextRefreshToken(Platform platform, long accountId, int generation) {
        return "rt_" + platform.id + "_" + accountId + "_" + generation + "_" + randomHex();
    }

    private static String accessToken() {
        return "at_" + randomHex() + randomHex();
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
