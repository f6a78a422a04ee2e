// A Node gateway asking tokenwarden to refresh one account's token.
// Usage: BOOTSTRAP=host:9092 TOPIC=tokenwarden.refresh-needed.v1 ACCOUNT=42 PLATFORM=anthropic \
//        OBSERVED=1714000000000 node produce-refresh-needed.js
// The contract (README, "What gateways may do"): key = the account id as a decimal string; the value is one
// JSON object valid against events-schema/schemas/refresh-needed.v1.schema.json; ce_* headers are optional.
// kafkajs' default partitioner hashes keys like Java's (murmur2), so the worker reads these directly.
const { Kafka } = require('kafkajs');
const crypto = require('crypto');

async function main() {
  const account = process.env.ACCOUNT;
  const kafka = new Kafka({ clientId: 'node-gateway', brokers: process.env.BOOTSTRAP.split(',') });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const eventId = crypto.randomUUID();
  const now = new Date().toISOString();
  const event = {
    event_id: eventId,
    account_id: Number(account),
    platform: process.env.PLATFORM || 'anthropic',
    refresh_window_seconds: 180,
    observed_token_version: process.env.OBSERVED ? Number(process.env.OBSERVED) : null,
    reason: 'expiring',
    force: false,
    occurred_at: now,
    source: 'node-gateway',
  };
  await producer.send({
    topic: process.env.TOPIC,
    acks: -1,
    messages: [{
      key: String(account),
      value: JSON.stringify(event),
      headers: {
        ce_id: eventId,
        ce_type: 'dev.tokenwarden.refresh-needed.v1',
        ce_source: 'node-gateway',
        ce_time: now,
        ce_specversion: '1.0',
      },
    }],
  });
  await producer.disconnect();
  console.log(JSON.stringify({ sent: eventId }));
}

main().catch((e) => { console.error(e.name); process.exit(1); });
