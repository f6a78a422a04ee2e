/**
 * Retrying without blocking: exponential backoff with jitter, and database writes that are retried on a
 * timer until they land (used where giving up would lose what only this process knows).
 */
package dev.tokenwarden.retry;
