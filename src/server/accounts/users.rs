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
    /// Browser sessions that signed in before this (Unix ms) are over.
    pub sessions_valid_from_ms: i64,
    pub created_at: i64,
}

const COLUMNS: &str = "id, email, password_hash, tier, role, failed_logins, locked_until, \
                       disabled_at, sessions_valid_from_ms, created_at";

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

pub async fn insert<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    // The first account of an installation becomes its administrator.
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, tier, role, failed_logins, created_at, updated_at) \
         SELECT $1, $2, $3, 'free', \
                CASE WHEN EXISTS (SELECT 1 FROM users) THEN 'user' ELSE 'admin' END, 0, $4, $4",
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

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_queries_match_literally() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
        assert_eq!(escape_like("plain@example.com"), "plain@example.com");
    }
}
