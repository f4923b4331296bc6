//! The `users` table.

use sqlx::{Any, Executor};

use crate::server::db::Database;

/// A user as stored. Holds the password hash, so it is never serialised.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub tier: String,
    pub role: String,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, email, password_hash, tier, role, failed_logins, locked_until, disabled_at, created_at";

pub async fn find_by_email(db: &Database, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(db.pool())
        .await
}

pub async fn find_by_id(db: &Database, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, tier, role, failed_logins, created_at, updated_at) \
         VALUES ($1, $2, $3, 'free', 'user', 0, $4, $4)",
    )
    .bind(id)
    .bind(email)
    .bind(password_hash)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

/// Counts one more failed login and returns the new count.
pub async fn record_failed_login(db: &Database, id: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1, updated_at = $2 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(id)
    .bind(now)
    .fetch_one(db.pool())
    .await
}

pub async fn lock_until(db: &Database, id: &str, until: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET locked_until = $2, failed_logins = 0, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(until)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn clear_failed_logins(db: &Database, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn set_password_hash<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    password_hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(password_hash)
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

pub async fn set_tier<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    tier: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET tier = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(tier)
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

/// `Some(now)` disables the account, `None` enables it again.
pub async fn set_disabled_at<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    disabled_at: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET disabled_at = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(disabled_at)
        .bind(now)
        .execute(executor)
        .await?;
    Ok(())
}

/// Returns whether a user with that email exists (and now has the role).
pub async fn set_role_by_email(
    db: &Database,
    email: &str,
    role: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE users SET role = $2, updated_at = $3 WHERE email = $1")
        .bind(email)
        .bind(role)
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(result.rows_affected() == 1)
}
