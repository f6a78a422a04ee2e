// A Node scheduler reading tokenwarden's credential-updated events (no secrets: re-read the row for tokens).
// Usage: BOOTSTRAP=host:9092 TOPIC=tokenwarden.credential-updated.v1 GROUP=my-scheduler [ACCOUNT=42]
//        [TIMEOUT_MS=60000] node consume-credential-updated.js
// Prints each event as one JSON line; with ACCOUNT, exits after the first event for that account.
// The worker writes with exactly-once transactions: read committed (kafkajs' default, readUncommitted: false),
// or aborted writes would show. Outputs are uncompressed by default (kafka.output-compression=none); kafkajs
// reads gzip too, but lz4, snappy and zstd only with an extra codec.
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const wanted = process.env.ACCOUNT ? Number(process.env.ACCOUNT) : null;
  const kafka = new Kafka({ clientId: 'node-scheduler', brokers: process.env.BOOTSTRAP.split(','),
    logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: process.env.GROUP, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic: process.env.TOPIC, fromBeginning: true });
  const timer = setTimeout(async () => { await consumer.disconnect(); process.exit(2); },
    Number(process.env.TIMEOUT_MS || 60000));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value.toString('utf8'));
      console.log(JSON.stringify({ key: message.key.toString('utf8'), event }));
      if (wanted !== null && event.account_id === wanted) {
        clearTimeout(timer);
        // Not awaited here: kafkajs' disconnect waits for this very handler to return.
        consumer.disconnect().finally(() => process.exit(0));
      }
    },
  });
}

main().catch((e) => { console.error(e.name); process.exit(1); });
