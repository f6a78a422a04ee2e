package dev.tokenwarden.lock;

import java.util.Map;

/**
 * The cache key under which sub2api takes its own refresh lock ({@code oauth:refresh_lock:<cache key>}) for an
 * account, as sub2api's token providers build it: {@code claude:account:<id>}, {@code openai:account:<id>},
 * {@code grok:account:<id>}, and for gemini and antigravity the account's {@code project_id} when it has one
 * ({@code gemini:<project_id>}, {@code ag:<project_id>}), else {@code gemini:account:<id>} / {@code ag:account:<id>}.
 */
public final class Sub2apiCacheKeys {
    public static final String LOCK_PREFIX = "oauth:refresh_lock:";

    private Sub2apiCacheKeys() {
    }

    /** @param credentials the decrypted credential document (only {@code project_id} is read) */
    public static String cacheKey(String platform, long accountId, Map<String, Object> credentials) {
        String projectId = credentials.get("project_id") instanceof String s ? s.strip() : "";
        return switch (platform) {
            case "anthropic" -> "claude:account:" + accountId;
            case "gemini" -> projectId.isEmpty() ? "gemini:account:" + accountId : "gemini:" + projectId;
            case "antigravity" -> projectId.isEmpty() ? "ag:account:" + accountId : "ag:" + projectId;
            default -> platform + ":account:" + accountId; // openai, grok
        };
    }

    public static String lockKey(String platform, long accountId, Map<String, Object> credentials) {
        return LOCK_PREFIX + cacheKey(platform, accountId, credentials);
    }
}
