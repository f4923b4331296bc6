-- Daily price bars. `owner_id` is '' for the shared catalog (provider data and
-- admin imports) and a user's id for bars that user imported, which only they see.
-- `ts` is the day's 00:00 UTC in Unix seconds.
CREATE TABLE bars (
    symbol     TEXT             NOT NULL,
    source     TEXT             NOT NULL,
    owner_id   TEXT             NOT NULL DEFAULT '',
    ts         BIGINT           NOT NULL,
    open       DOUBLE PRECISION NOT NULL,
    high       DOUBLE PRECISION NOT NULL,
    low        DOUBLE PRECISION NOT NULL,
    close      DOUBLE PRECISION NOT NULL,
    volume     DOUBLE PRECISION NOT NULL,
    updated_at BIGINT           NOT NULL,
    PRIMARY KEY (symbol, source, owner_id, ts)
);

-- When each provider's series was last fetched, for the refresh TTL.
CREATE TABLE series_refreshes (
    symbol       TEXT   NOT NULL,
    source       TEXT   NOT NULL,
    refreshed_at BIGINT NOT NULL,
    PRIMARY KEY (symbol, source)
);
