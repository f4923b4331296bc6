//! The `login_failures` table: failed logins per (email, client address) and per
//! email, with the lock each threshold sets. Rows are keyed by the email as typed,
//! so an unknown email locks exactly like a known one and answers cannot tell them apart.

use sqlx::{Any, Executor, Row, Transaction};

use crate::server::db::Database;

/// The row that counts an email's failures from every address together.
pub const EVERY_ADDRESS: &str = "*";

/// A lock in force, if any, on the two counters of one attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Locks {
    /// Locked for this email from this address (Unix seconds).
    pub address: Option<i64>,
    /// Locked for this email from every address but its usual ones.
    pub email: Option<i64>,
}

/// The locks in force for `email` from `address` at `now`.
pub async fn locks<'e>(
    executor: impl Executor<'e, Database = Any>,
    email: &str,
    address: &str,
    now: i64,
) -> Result<Locks, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT address, locked_until FROM login_failures \
         WHERE email = $1 AND address IN ($2, $3) AND locked_until > $4",
    )
    .bind(email)
    .bind(address)
    .bind(EVERY_ADDRESS)
    .bind(now)
    .fetch_all(executor)
    .await?;
    locks_of(rows, address)
}

/// The same, inside the transaction that records the outcome: both rows are written
/// first (a no-op on existing rows), which takes their row locks on PostgreSQL, so
/// an attempt whose password was right cannot pass a lock that a parallel wrong
/// guess has just set.
pub async fn locks_for_update(
    tx: &mut Transaction<'_, Any>,
    email: &str,
    address: &str,
    now: i64,
) -> Result<Locks, sqlx::Error> {
    for key in [address, EVERY_ADDRESS] {
        sqlx::query(
            "INSERT INTO login_failures (email, address, failures, locked_until, updated_at) \
             VALUES ($1, $2, 0, NULL, $3) \
             ON CONFLICT (email, address) DO UPDATE SET failures = login_failures.failures",
        )
        .bind(email)
        .bind(key)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    locks(&mut **tx, email, address, now).await
}

fn locks_of(rows: Vec<sqlx::any::AnyRow>, address: &str) -> Result<Locks, sqlx::Error> {
    let mut locks = Locks::default();
    for row in rows {
        let key: String = row.try_get("address")?;
        let until: Option<i64> = row.try_get("locked_until")?;
        if key == EVERY_ADDRESS {
            locks.email = until;
        } else if key == address {
            locks.address = until;
        }
    }
    Ok(locks)
}

/// Counts one failure on `key` (failures older than `window_secs` are forgotten)
/// and returns the new count.
pub async fn count_failure(
    tx: &mut Transaction<'_, Any>,
    email: &str,
    key: &str,
    now: i64,
    window_secs: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO login_failures (email, address, failures, locked_until, updated_at) \
         VALUES ($1, $2, 1, NULL, $3) \
         ON CONFLICT (email, address) DO UPDATE SET \
           failures = CASE WHEN login_failures.updated_at < $4 THEN 1 \
                           ELSE login_failures.failures + 1 END, \
           updated_at = $3 \
         RETURNING failures",
    )
    .bind(email)
    .bind(key)
    .bind(now)
    .bind(now - window_secs)
    .fetch_one(&mut **tx)
    .await
}

/// Locks `key` until `until` and starts its count again.
pub async fn lock(
    tx: &mut Transaction<'_, Any>,
    email: &str,
    key: &str,
    until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE login_failures SET locked_until = $3, failures = 0 WHERE email = $1 AND address = $2",
    )
    .bind(email)
    .bind(key)
    .bind(until)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A successful login forgets the email's failures (from this address and overall).
pub async fn clear(
    tx: &mut Transaction<'_, Any>,
    email: &str,
    address: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1 AND address IN ($2, $3)")
        .bind(email)
        .bind(address)
        .bind(EVERY_ADDRESS)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether the user has signed in successfully from `ip` since `since` (their usual
/// address: the email-wide lock does not apply there).
pub async fn is_usual_address(
    db: &Database,
    user_id: &str,
    ip: &str,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events \
         WHERE user_id = $1 AND event = 'login_success' AND ip = $2 AND created_at >= $3",
    )
    .bind(user_id)
    .bind(ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    Ok(found > 0)
}

/// Forgets counts idle since `idle_before` whose lock (if any) has ended by `now`.
pub async fn prune(db: &Database, idle_before: i64, now: i64) -> Result<u64, sqlx::Error> {
    let result = sqlx::query(
        "DELETE FROM login_failures WHERE updated_at < $1 \
         AND (locked_until IS NULL OR locked_until < $2)",
    )
    .bind(idle_before)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected())
}

/// Prunes every ten minutes for as long as the server runs, so guesses at made-up
/// emails cannot grow the table without bound.
pub fn spawn_prune(db: &Database, window_secs: i64) -> tokio::task::JoinHandle<()> {
    let db = db.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            let now = crate::server::clock::now_unix();
            if let Err(error) = prune(&db, now - window_secs, now).await {
                tracing::warn!(%error, "pruning login failures failed");
            }
        }
    })
}
