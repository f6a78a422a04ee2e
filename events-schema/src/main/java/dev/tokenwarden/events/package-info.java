/**
 * The event contracts between gateways and the tokenwarden worker: one JSON Schema per event
 * (the plain {@code events-schema/schemas/} folder is the source of truth, shipped in the jar at
 * {@code tokenwarden/schemas/}), a Java record mirroring each schema, the shared {@link
 * dev.tokenwarden.events.EventJson} mapper, Kafka serdes, typed topic handles, CloudEvents
 * binary-mode headers and the {@link dev.tokenwarden.events.GatewayPublisher} Java gateways use.
 *
 * <p>Every event is keyed by the account id as a decimal string. Decoding validates against the
 * schema before mapping, so a record that reaches the worker is one the schema accepted; anything
 * else becomes a {@link dev.tokenwarden.events.Decoded.Invalid} the worker routes to the dead-letter
 * topic. No event carries a secret.
 */
package dev.tokenwarden.events;
