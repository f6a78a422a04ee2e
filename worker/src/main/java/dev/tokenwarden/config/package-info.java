/**
 * Configuration: every setting is declared once in {@link dev.tokenwarden.config.Settings} (key, env var,
 * default, meaning), read from a properties file and the environment, and validated at start into a
 * {@link dev.tokenwarden.config.WorkerConfig}; an error names the key, the rule and the bad value.
 */
package dev.tokenwarden.config;
