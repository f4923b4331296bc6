-- Facts about this installation, as key/value pairs (e.g. when the schema was first created).
CREATE TABLE app_meta (
    key        TEXT   PRIMARY KEY NOT NULL,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
