#!/usr/bin/python3
"""A Python gateway or scheduler reading tokenwarden's credential-updated events (no secrets: re-read the row).

Usage: BOOTSTRAP=host:9092 TOPIC=tokenwarden.credential-updated.v1 GROUP=my-scheduler [ACCOUNT=42]
       [TIMEOUT_S=60] python3 consume_credential_updated.py

Prints each distinct event as one JSON line {"key": ..., "event": ...}; with ACCOUNT, stops after that account's
first event and prints {"duplicates": n, "skipped": m}. The worker writes with exactly-once transactions: read
committed (librdkafka's default, set here anyway), or aborted writes would show. Events are de-duplicated on
event_id, which is the same for the same update however often it is written (a replay after a crash).
A gateway invalidating its own token cache wants every event in every instance: give each instance its own GROUP.
Needs Debian's python3-confluent-kafka (or confluent-kafka from PyPI).
"""
import json
import os
import sys
import time
from collections import OrderedDict

from confluent_kafka import Consumer


class RecentIds:
    """The last `capacity` event ids, forgetting the oldest first."""

    def __init__(self, capacity=100_000):
        self.capacity = capacity
        self.ids = OrderedDict()

    def add(self, event_id):
        """True when event_id is new."""
        if event_id in self.ids:
            return False
        self.ids[event_id] = None
        if len(self.ids) > self.capacity:
            self.ids.popitem(last=False)
        return True


def main():
    wanted = int(os.environ['ACCOUNT']) if os.environ.get('ACCOUNT') else None
    consumer = Consumer({
        'bootstrap.servers': os.environ['BOOTSTRAP'],
        'group.id': os.environ['GROUP'],
        'isolation.level': 'read_committed',
        'auto.offset.reset': 'earliest',
    })
    consumer.subscribe([os.environ['TOPIC']])
    seen, duplicates, skipped = RecentIds(), 0, 0
    deadline = time.monotonic() + float(os.environ.get('TIMEOUT_S', '60'))
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            try:
                event = json.loads(msg.value())
                event_id, account = event['event_id'], event['account_id']
            except (ValueError, KeyError, TypeError):
                skipped += 1
                continue
            if not seen.add(event_id):
                duplicates += 1
                continue
            print(json.dumps({'key': msg.key().decode('utf-8'), 'event': event}), flush=True)
            if account == wanted:
                print(json.dumps({'duplicates': duplicates, 'skipped': skipped}), flush=True)
                return 0
        return 2
    finally:
        consumer.close()


if __name__ == '__main__':
    sys.exit(main())
