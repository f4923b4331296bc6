-- Each stored series' bars packed into one value (src/market/packed.rs) at the
-- revision they were packed at: a cold read takes one row per series instead of
-- one per bar. The bars table stays the record; a copy whose revision is not the
-- series' current one is ignored and rewritten.
CREATE TABLE series_snapshots (
    symbol   TEXT   NOT NULL,
    source   TEXT   NOT NULL,
    owner_id TEXT   NOT NULL DEFAULT '',
    revision BIGINT NOT NULL,
    packed   BLOB   NOT NULL,
    PRIMARY KEY (symbol, source, owner_id)
);
