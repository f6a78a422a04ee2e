package dev.tokenwarden.cooldown;

/**
 * Which rejections are overloads: a 529 (Anthropic's "overloaded") or a 503 says the provider, not the account, is
 * short of capacity. Where the policy persists one it goes to {@code overload_until}, sub2api's own column; the
 * default policy does not persist them for Anthropic at all (current sub2api does not either), since cooling every
 * account that saw a provider-side overload empties small pools. A storm of them across a platform's accounts is held
 * short like a 401 outage ({@link OutageDetector}).
 */
public final class OverloadPolicy {
    private OverloadPolicy() {
    }

    public static boolean isOverload(int status) {
        return status == 529 || status == 503;
    }

    /** The kind a non-429 cooldown of {@code status} is kept as. */
    public static CooldownKind kindOf(int status) {
        return isOverload(status) ? CooldownKind.OVERLOADED : CooldownKind.UPSTREAM_REJECTED;
    }
}
