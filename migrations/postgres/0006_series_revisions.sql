-- A counter per stored series (symbol, source, owner), raised in the same transaction
-- as every write to its bars, so a server can keep series in memory and check with
-- one small query whether its copy is still current (also across instances).
CREATE TABLE series_revisions (
    symbol   TEXT   NOT NULL,
    source   TEXT   NOT NULL,
    owner_id TEXT   NOT NULL DEFAULT '',
    revision BIGINT NOT NULL,
    PRIMARY KEY (symbol, source, owner_id)
);

INSERT INTO series_revisions (symbol, source, owner_id, revision)
SELECT symbol, source, owner_id, 1 FROM bars GROUP BY symbol, source, owner_id;
