//! API keys `ik_<id>:sk_<secret>`: the id is public and indexes the row; only a
//! hash of the secret is stored, so a leaked database does not leak keys.

use sqlx::{Any, Transaction};

use crate::server::auth::tokens::{hashes_match, random_hex, sha256_hex};
use crate::server::clock::{now_unix, unix_to_rfc3339};
use crate::server::db::Database;
use crate::wire::accounts::{ApiKeySummary, CreatedApiKey};

pub const MAX_NAME_LEN: usize = 100;

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: String,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

/// Stores a new key for `user_id` (the caller holds the user's limits lock).
pub async fn create(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    name: &str,
) -> Result<CreatedApiKey, sqlx::Error> {
    let id = random_hex(8);
    let secret = random_hex(32);
    let now = now_unix();
    sqlx::query(
        "INSERT INTO api_keys (id, user_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(user_id)
    .bind(name)
    .bind(sha256_hex(&secret))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(CreatedApiKey {
        key: format!("ik_{id}:sk_{secret}"),
        id,
        name: name.to_string(),
        created_at: unix_to_rfc3339(now),
    })
}

/// How many keys of the user are not revoked.
pub async fn count_active(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
}

/// The user's active keys, newest first.
pub async fn list(db: &Database, user_id: &str) -> Result<Vec<ApiKeySummary>, sqlx::Error> {
    let rows: Vec<ApiKeyRow> = sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM api_keys \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ApiKeySummary {
            prefix: format!("ik_{}", row.id),
            id: row.id,
            name: row.name,
            created_at: unix_to_rfc3339(row.created_at),
            last_used_at: row.last_used_at.map(unix_to_rfc3339),
        })
        .collect())
}

/// Revokes one of the user's keys; false when the user has no such active key.
pub async fn revoke(db: &Database, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(user_id)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The owner of a presented key, recording its use; `None` for any invalid key.
pub async fn authenticate(db: &Database, presented: &str) -> Result<Option<String>, sqlx::Error> {
    let Some((id, secret)) = parse(presented) else {
        return Ok(None);
    };
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT user_id, secret_hash FROM api_keys WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some((user_id, secret_hash)) = row else {
        return Ok(None);
    };
    if !hashes_match(&sha256_hex(secret), &secret_hash) {
        return Ok(None);
    }
    sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_unix())
        .execute(db.pool())
        .await?;
    Ok(Some(user_id))
}

fn parse(presented: &str) -> Option<(&str, &str)> {
    let (id, secret) = presented.trim().split_once(':')?;
    let id = id.strip_prefix("ik_")?;
    let secret = secret.strip_prefix("sk_")?;
    let hex = |s: &str| !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_hexdigit());
    (hex(id) && hex(secret)).then_some((id, secret))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_only_well_formed_keys() {
        assert_eq!(parse("ik_ab12:sk_ff00"), Some(("ab12", "ff00")));
        assert_eq!(parse("ab12:sk_ff00"), None);
        assert_eq!(parse("ik_ab12"), None);
        assert_eq!(parse("ik_ab12:ff00"), None);
        assert_eq!(parse("ik_zz:sk_ff"), None);
        assert_eq!(parse("ik_:sk_"), None);
    }
}
