/**
 * sub2api's encrypted credential format (AES-256-GCM envelope, HMAC fingerprint, Go's JSON byte form). Owned by
 * {@code store}: only the store opens and seals rows. JDK crypto only; nothing here logs.
 */
package dev.tokenwarden.store.envelope;
