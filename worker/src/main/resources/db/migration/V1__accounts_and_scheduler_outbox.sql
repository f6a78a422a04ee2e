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

-- The scheduler and the sweep look for cooled-down accounts by deadline.
CREATE INDEX IF NOT EXISTS idx_accounts_temp_unschedulable_until
    ON accounts (temp_unschedulable_until);

-- The background sweep pages through live refreshable accounts by id (keyset pagination).
CREATE INDEX IF NOT EXISTS idx_accounts_refresh_candidates
    ON accounts (id)
    WHERE deleted_at IS NULL AND status = 'active' AND type IN ('oauth', 'setup-token');

CREATE TABLE IF NOT EXISTS scheduler_outbox (
    id          BIGSERIAL PRIMARY KEY,
    event_type  TEXT        NOT NULL,
    account_id  BIGINT,
    group_id    BIGINT,
    payload     JSONB,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    dedup_key   TEXT
);

-- A replayed mutation finds its outbox row already there instead of writing a second one.
CREATE UNIQUE INDEX IF NOT EXISTS uq_scheduler_outbox_dedup_key
    ON scheduler_outbox (dedup_key)
    WHERE dedup_key IS NOT NULL;

CREATE INDEX IF NOT EXISTS idx_scheduler_outbox_created_at
    ON scheduler_outbox (created_at);
