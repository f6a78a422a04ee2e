// Package gateway lets a Go gateway (sub2api, CLIProxyAPI, your own) talk to tokenwarden: publish refresh-needed
// and upstream-rejected events, and read credential-updated events to invalidate its token cache.
//
// The contract it keeps (README "What gateways may do", events-schema/schemas/):
//
//   - every record is keyed by the account id as a decimal string ("42");
//   - values are JSON documents valid against the v1 schemas, built from the structs here;
//   - CloudEvents binary-mode headers ce_id, ce_type, ce_source, ce_time, ce_specversion;
//   - records are partitioned with Java's murmur2 (JavaPartitioner), not sarama's default FNV-1a, so the worker
//     reads them where they land instead of passing them once more through its repartition topic;
//   - the producer is idempotent (acks=all, one request in flight per broker), so a retried send is written once.
//
// credential-updated carries no secret: on an event, drop the account's cached token and re-read its row.
package gateway
