-- Failed logins counted per email and client address (`address` is the address's
-- rate-limit bucket: an IPv4 address or an IPv6 /64), plus one row per email with
-- address '*' for the much higher email-wide threshold. Keyed by the email as typed
-- (normalised), not by user id, so unknown and known emails behave the same.
-- Times are Unix seconds. users.failed_logins and users.locked_until, the old
-- account-wide counter, are no longer read.
CREATE TABLE login_failures (
    email        TEXT   NOT NULL,
    address      TEXT   NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (email, address)
);
CREATE INDEX login_failures_updated ON login_failures (updated_at);
