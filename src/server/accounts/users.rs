//! The `users` table.

use sqlx::{Any, Executor, Transaction};

use crate::domain::role::Role;
use crate::domain::tier::Tier;
use crate::server::db::Database;

/// A user as stored. Holds the password hash, so it is never serialised.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub tier: Tier,
    pub role: Role,
    pub disabled_at: Option<i64>,
    /// Browser sessions that signed in and access tokens issued before this (Unix ms)
    /// are over.
    pub sessions_valid_from_ms: i64,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, email, password_hash, tier, role, disabled_at, sessions_valid_from_ms, created_at";

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

/// Users whose email contains `query` (case-insensitive; all when empty), newest first.
pub async fn search(
    db: &Database,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), sqlx::Error> {
    let pattern = format!("%{}%", escape_like(&query.trim().to_lowercase()));
    let filter = "WHERE email LIKE $1 ESCAPE '\\' OR id = $2";
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users {filter} ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&pattern)
    .bind(query.trim())
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    let total = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users {filter}"))
        .bind(&pattern)
        .bind(query.trim())
        .fetch_one(db.pool())
        .await?;
    Ok((rows, total))
}

/// Makes `%`, `_` and `\` in user input match themselves in a LIKE pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A user to insert, and what makes them an administrator.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// Listed in `ADMIN_EMAILS`.
    pub named_admin: bool,
    /// The installation's first account becomes its administrator (development).
    pub first_account_is_admin: bool,
}

pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    user: &NewUser<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, tier, role, failed_logins, created_at, updated_at) \
         SELECT $1, $2, $3, 'free', \
                CASE WHEN $5 = 1 THEN 'admin' \
                     WHEN $6 = 1 AND NOT EXISTS (SELECT 1 FROM users) THEN 'admin' \
                     ELSE 'user' END, 0, $4, $4",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(now)
    .bind(i64::from(user.named_admin))
    .bind(i64::from(user.first_account_is_admin))
    .execute(executor)
    .await?;
    Ok(())
}

/// Serialises registrations that may make the first account an administrator: a
/// transaction-scoped advisory lock on PostgreSQL (SQLite's `BEGIN IMMEDIATE`
/// already serialises every write transaction).
pub async fn serialise_first_account(
    tx: &mut Transaction<'_, Any>,
    backend: crate::server::db::Backend,
) -> Result<(), sqlx::Error> {
    if backend == crate::server::db::Backend::Postgres {
        // Any fixed number works; this one spells "first admin" to nobody in particular.
        sqlx::query("SELECT pg_advisory_xact_lock(7201500001)")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Serialises a user's limited writes (a tier cap is checked, then the write made, in
/// one transaction): a row lock on PostgreSQL, the write lock on SQLite. Two parallel
/// requests of one user then cannot both see room for one more.
pub async fn lock_for_limits(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets a new password hash and ends every browser session signed in before `now_ms`.
pub async fn set_password_hash<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    password_hash: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $2, sessions_valid_from_ms = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .bind(now_ms)
    .bind(now_ms / 1000)
    .execute(executor)
    .await?;
    Ok(())
}

/// Ends every browser session and access token issued before `now_ms`.
pub async fn end_sessions<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET sessions_valid_from_ms = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms)
        .execute(executor)
        .await?;
    Ok(())
}

pub async fn set_tier<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    tier: Tier,
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
    role: Role,
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

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_queries_match_literally() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
        assert_eq!(escape_like("plain@example.com"), "plain@example.com");
    }
}
