-- Browser sessions (tower-sessions' own table, created by its store) record when
-- they signed in, in Unix milliseconds; a session older than this mark is over.
-- A password change moves the mark, ending the user's other sessions.
ALTER TABLE users ADD COLUMN sessions_valid_from_ms BIGINT NOT NULL DEFAULT 0;
