/**
 * What operators ask of a running fleet: one account explained ({@link dev.tokenwarden.ops.AccountExplainer}),
 * the fleet at a glance ({@link dev.tokenwarden.ops.FleetStatus}), dead letters listed and replayed
 * ({@link dev.tokenwarden.ops.DeadLetterLog}), the topics created or checked ({@link dev.tokenwarden.ops.TopicSetup}).
 * Everything here reads; only a replay and a topic creation write, and only to Kafka. No report carries a token,
 * a refresh token, a client secret, credential envelope bytes or a record's value: each is built field by field
 * from what is safe to show, never by dumping a row or a record.
 */
package dev.tokenwarden.ops;
