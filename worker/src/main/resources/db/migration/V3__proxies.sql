-- sub2api's proxies (ent schema Proxy, soft-deleted) and accounts.proxy_id, for the reference schema. IF NOT EXISTS
-- makes this a no-op on a database sub2api created; the worker only reads them.
CREATE TABLE IF NOT EXISTS proxies (
    id         BIGSERIAL PRIMARY KEY,
    name       VARCHAR(100) NOT NULL DEFAULT '',
    protocol   VARCHAR(20)  NOT NULL,
    host       VARCHAR(255) NOT NULL,
    port       INTEGER      NOT NULL,
    username   VARCHAR(100),
    password   VARCHAR(100),
    status     VARCHAR(20)  NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);

ALTER TABLE accounts ADD COLUMN IF NOT EXISTS proxy_id BIGINT;
