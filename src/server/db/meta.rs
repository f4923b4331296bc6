//! `app_meta`: key/value facts about this installation.

use super::{Database, DbError};
use crate::server::clock::now_unix;

/// When this database's schema was first created (RFC 3339).
pub const INSTALLED_AT: &str = "installed_at";

pub async fn get(db: &Database, key: &str) -> Result<Option<String>, DbError> {
    let value = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(value)
}

pub async fn set(db: &Database, key: &str, value: &str) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Stores `value` only if `key` has none yet; returns whether it was stored.
pub async fn insert_if_absent(db: &Database, key: &str, value: &str) -> Result<bool, DbError> {
    let result = sqlx::query(
        "INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(value)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}
