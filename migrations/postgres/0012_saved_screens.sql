-- A user's saved screens: a name and the `POST /api/v1/screen` body, as JSON.
-- `name_key` is the name in lower case: names are unique per user regardless of
-- case. Times are Unix milliseconds.
CREATE TABLE saved_screens (
    id         TEXT   PRIMARY KEY NOT NULL,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    name_key   TEXT   NOT NULL,
    request    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, name_key)
);
