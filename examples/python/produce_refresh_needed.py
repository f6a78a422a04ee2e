#!/usr/bin/python3
"""A Python gateway (LiteLLM, your own) asking tokenwarden to refresh one account's token.

Usage: BOOTSTRAP=host:9092 TOPIC=tokenwarden.refresh-needed.v1 ACCOUNT=42 PLATFORM=anthropic \
       OBSERVED=1714000000000 python3 produce_refresh_needed.py

The contract (README, "What gateways may do"): key = the account id as a decimal string; the value is one JSON
object valid against events-schema/schemas/refresh-needed.v1.schema.json; ce_* headers are optional.
librdkafka's default partitioner is consistent_random (CRC32); murmur2_random hashes keyed records exactly like
Java's client, so the worker reads them where they land instead of passing them through its repartition topic.
Needs Debian's python3-confluent-kafka (or confluent-kafka from PyPI). Prints where the event landed, as JSON.
"""
import json
import os
import sys
import uuid
from datetime import datetime, timezone

from confluent_kafka import Producer


def producer(bootstrap):
    return Producer({
        'bootstrap.servers': bootstrap,
        'client.id': 'python-gateway',
        # Idempotent: acks=all and retries that never write a record twice or out of order.
        'enable.idempotence': True,
        'acks': 'all',
        'partitioner': 'murmur2_random',
        'compression.type': 'none',
    })


def refresh_needed(account, platform, observed, source, window=180, reason='expiring', force=False):
    """One refresh-needed.v1 document; observed is the _token_version the gateway saw, or None."""
    return {
        'event_id': str(uuid.uuid4()),
        'account_id': int(account),
        'platform': platform,
        'refresh_window_seconds': window,
        'observed_token_version': observed,
        'reason': reason,
        'force': force,
        'occurred_at': datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z'),
        'source': source,
    }


def cloud_event_headers(event, ce_type):
    return [
        ('ce_id', event['event_id']),
        ('ce_type', ce_type),
        ('ce_source', event['source']),
        ('ce_time', event['occurred_at']),
        ('ce_specversion', '1.0'),
    ]


def main():
    observed = os.environ.get('OBSERVED')
    event = refresh_needed(os.environ['ACCOUNT'], os.environ.get('PLATFORM', 'anthropic'),
                           int(observed) if observed else None, 'python-gateway')
    delivered = {}

    def report(err, msg):
        delivered['error'] = err
        delivered['partition'] = None if err else msg.partition()
        delivered['offset'] = None if err else msg.offset()

    p = producer(os.environ['BOOTSTRAP'])
    p.produce(os.environ['TOPIC'], key=str(event['account_id']), value=json.dumps(event, separators=(',', ':')),
              headers=cloud_event_headers(event, 'dev.tokenwarden.refresh-needed.v1'), on_delivery=report)
    if p.flush(30) != 0 or delivered.get('error') is not None:
        print(json.dumps({'error': str(delivered.get('error', 'not delivered within 30 s'))}), file=sys.stderr)
        sys.exit(1)
    print(json.dumps({'sent': event['event_id'], 'partition': delivered['partition'], 'offset': delivered['offset']}))


if __name__ == '__main__':
    main()
