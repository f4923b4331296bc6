-- Accounts, refresh-token families, API keys and the audit log.
-- Times are Unix seconds (BIGINT) and flags are nullable timestamps, so both
-- backends decode them the same way.

CREATE TABLE users (
    id            TEXT   PRIMARY KEY NOT NULL,
    email         TEXT   NOT NULL UNIQUE,
    password_hash TEXT   NOT NULL,
    tier          TEXT   NOT NULL DEFAULT 'free',
    role          TEXT   NOT NULL DEFAULT 'user',
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT NULL,
    disabled_at   BIGINT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- Opaque refresh tokens, stored hashed. Rotation marks the old one used; presenting
-- a used one revokes its whole family.
CREATE TABLE refresh_tokens (
    id         TEXT   PRIMARY KEY NOT NULL,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT   NOT NULL,
    token_hash TEXT   NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT NULL,
    revoked_at BIGINT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Service-to-service keys `ik_<id>:sk_<secret>`; only a hash of the secret is kept.
CREATE TABLE api_keys (
    id           TEXT   PRIMARY KEY NOT NULL,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NULL,
    revoked_at   BIGINT NULL
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE audit_events (
    id             TEXT   PRIMARY KEY NOT NULL,
    user_id        TEXT   NULL REFERENCES users (id) ON DELETE SET NULL,
    event          TEXT   NOT NULL,
    ip             TEXT   NULL,
    user_agent     TEXT   NULL,
    correlation_id TEXT   NULL,
    details        TEXT   NOT NULL DEFAULT '{}',
    created_at     BIGINT NOT NULL
);
CREATE INDEX audit_events_user ON audit_events (user_id, created_at);
