-- Tables of the worker's own: nothing here touches sub2api's tables.

-- Stands in for the Redis lock while Redis is down, so two workers never call the provider for one account at
-- once (issue 8). Written only when Redis is unavailable; a crashed holder's row frees itself at `until`.
CREATE TABLE IF NOT EXISTS tokenwarden_refresh_fence (
    account_id BIGINT      PRIMARY KEY,
    holder     TEXT        NOT NULL,
    until      TIMESTAMPTZ NOT NULL
);

-- One background sweep per interval across the whole fleet: a worker runs a sweep only if it moved
-- last_started_at forward itself (issue 8).
CREATE TABLE IF NOT EXISTS tokenwarden_sweep_claims (
    name            TEXT        PRIMARY KEY,
    last_started_at TIMESTAMPTZ NOT NULL
);
