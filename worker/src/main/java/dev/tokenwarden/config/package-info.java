/**
 * Configuration: every setting is declared once in {@link dev.tokenwarden.config.Settings} (key, env var,
 * default, meaning), read from a properties file and the environment, and validated at start into a
 * {@link dev.tokenwarden.config.WorkerConfig}; an error names the key, the rule and the bad value.
 * This package sits above the capability packages: it builds their own settings records
 * ({@code store.DatabaseSettings}, {@code refresh.RefreshSettings}, {@code cooldown.CooldownSettings}, ...) and
 * none of them reads it.
 */
package dev.tokenwarden.config;
