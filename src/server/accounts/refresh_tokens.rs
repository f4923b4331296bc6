//! The `refresh_tokens` table: opaque tokens in families, stored as SHA-256.

use sqlx::{Any, Executor};

use crate::server::auth::tokens::{random_hex, sha256_hex};
use crate::server::db::Database;

pub const REFRESH_TOKEN_TTL_SECS: i64 = 7 * 24 * 60 * 60;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Creates a token in `family_id` and returns the token itself (only its hash is kept).
pub async fn issue<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: &str,
    family_id: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token = format!("rt_{}", random_hex(32));
    sqlx::query(
        "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(user_id)
    .bind(family_id)
    .bind(sha256_hex(&token))
    .bind(now + REFRESH_TOKEN_TTL_SECS)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(token)
}

pub async fn find(db: &Database, token: &str) -> Result<Option<RefreshTokenRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, family_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(sha256_hex(token))
    .fetch_optional(db.pool())
    .await
}

/// Marks a token used; false when another request used or revoked it first.
pub async fn mark_used<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE refresh_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn revoke_family(db: &Database, family_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
    )
    .bind(family_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Ends every session of a user (after a password change or when disabled).
pub async fn revoke_all_for_user<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}
