-- A user's watchlists. `name_key` is the name in lower case: names are unique per
-- user regardless of case. Times are Unix milliseconds.
CREATE TABLE watchlists (
    id         TEXT   PRIMARY KEY NOT NULL,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    name_key   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, name_key)
);

-- The symbols of each watchlist, in the order they were added.
CREATE TABLE watchlist_symbols (
    watchlist_id TEXT   NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
    symbol       TEXT   NOT NULL,
    added_at     BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    PRIMARY KEY (watchlist_id, symbol)
);
