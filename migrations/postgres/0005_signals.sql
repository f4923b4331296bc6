-- Signals a user generated. `ts` is the evaluated bar's day (00:00 UTC, Unix seconds);
-- `created_at` is Unix milliseconds, so pages can be cut by it. Indicators and
-- reasons are JSON text; `is_stale` is 0 or 1.
CREATE TABLE signals (
    id             TEXT             PRIMARY KEY NOT NULL,
    user_id        TEXT             NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    symbol         TEXT             NOT NULL,
    ts             BIGINT           NOT NULL,
    signal         TEXT             NOT NULL,
    confidence     DOUBLE PRECISION NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    price          DOUBLE PRECISION NOT NULL,
    model          TEXT             NOT NULL,
    indicators     TEXT             NOT NULL,
    reasons        TEXT             NOT NULL,
    is_stale       BIGINT           NOT NULL,
    correlation_id TEXT             NULL,
    created_at     BIGINT           NOT NULL
);

CREATE INDEX signals_by_user_newest ON signals (user_id, created_at, id);
CREATE INDEX signals_by_user_symbol ON signals (user_id, symbol, ts);
