-- Reference schema, compatible with sub2api's: the worker owns none of `accounts` and writes only
-- credentials, status, error_message, temp_unschedulable_until/_reason and updated_at.
-- IF NOT EXISTS lets the worker migrate a database that sub2api already created.

CREATE TABLE IF NOT EXISTS accounts (
    id                        BIGSERIAL PRIMARY KEY,
    name                      TEXT        NOT NULL DEFAULT '',
    platform                  TEXT        NOT NULL,
    type                      TEXT        NOT NULL,
    credentials               JSONB       NOT NULL DEFAULT '{}'::jsonb,
    status                    TEXT        NOT NULL DEFAULT 'active',
    error_message             TEXT,
    schedulable               BOOLEAN     NOT NULL DEFAULT TRUE,
    temp_unschedulable_until  TIMESTAMPTZ,
    temp_unschedulable_reason TEXT,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at                TIMESTAMPTZ
);

-- Indexes are not created here: IndexMigration (version 4) adds each one only when no index of the same
-- definition exists under another name, and CONCURRENTLY, so a large accounts table keeps taking writes (issue 9).

CREATE TABLE IF NOT EXISTS scheduler_outbox (
    id          BIGSERIAL PRIMARY KEY,
    event_type  TEXT        NOT NULL,
    account_id  BIGINT,
    group_id    BIGINT,
    payload     JSONB,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    dedup_key   TEXT
);

-- An older sub2api's scheduler_outbox has no dedup_key (issue 9).
ALTER TABLE scheduler_outbox ADD COLUMN IF NOT EXISTS dedup_key TEXT;
