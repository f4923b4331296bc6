//! The `watchlists` and `watchlist_symbols` tables.

use sqlx::{Any, Executor, Row, Transaction};

use crate::domain::symbol::Symbol;
use crate::server::db::Database;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WatchlistRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// (watchlists, symbols over all of them) of a user.
pub async fn counts<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM watchlists WHERE user_id = $1) AS lists, \
         (SELECT COUNT(*) FROM watchlist_symbols s JOIN watchlists w ON w.id = s.watchlist_id \
          WHERE w.user_id = $1) AS symbols",
    )
    .bind(user_id)
    .fetch_one(executor)
    .await?;
    Ok((row.try_get("lists")?, row.try_get("symbols")?))
}

pub async fn list(db: &Database, user_id: &str) -> Result<Vec<WatchlistRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, created_at, updated_at FROM watchlists WHERE user_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await
}

/// The user's watchlist `id` (someone else's is `None`, as a missing one).
pub async fn find<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: &str,
    id: &str,
) -> Result<Option<WatchlistRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, created_at, updated_at FROM watchlists WHERE user_id = $1 AND id = $2",
    )
    .bind(user_id)
    .bind(id)
    .fetch_optional(executor)
    .await
}

/// Whether another of the user's watchlists has this name (in lower case).
pub async fn name_taken<'e>(
    executor: impl Executor<'e, Database = Any>,
    user_id: &str,
    name_key: &str,
    except_id: &str,
) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM watchlists WHERE user_id = $1 AND name_key = $2 AND id <> $3",
    )
    .bind(user_id)
    .bind(name_key)
    .bind(except_id)
    .fetch_one(executor)
    .await?;
    Ok(count > 0)
}

pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    user_id: &str,
    row: &WatchlistRow,
    name_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO watchlists (id, user_id, name, name_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.id)
    .bind(user_id)
    .bind(&row.name)
    .bind(name_key)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn rename(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    name: &str,
    name_key: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE watchlists SET name = $2, name_key = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(name_key)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn touch(tx: &mut Transaction<'_, Any>, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE watchlists SET updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes the watchlist and its symbols.
pub async fn delete(tx: &mut Transaction<'_, Any>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM watchlist_symbols WHERE watchlist_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM watchlists WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The symbols of a watchlist, in the order they were added.
pub async fn symbols<'e>(
    executor: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Vec<Symbol>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT symbol FROM watchlist_symbols WHERE watchlist_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(executor)
    .await
}

/// Every symbol of the user's watchlists as (watchlist id, symbol), in added order.
pub async fn symbols_of_user(
    db: &Database,
    user_id: &str,
) -> Result<Vec<(String, Symbol)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.watchlist_id, s.symbol FROM watchlist_symbols s \
         JOIN watchlists w ON w.id = s.watchlist_id WHERE w.user_id = $1 \
         ORDER BY s.watchlist_id, s.position",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await
}

/// Appends the symbol after the watchlist's last one.
pub async fn add_symbol(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    symbol: &Symbol,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO watchlist_symbols (watchlist_id, symbol, added_at, position) \
         VALUES ($1, $2, $3, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM watchlist_symbols WHERE watchlist_id = $1))",
    )
    .bind(id)
    .bind(symbol)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the symbol was there to remove.
pub async fn remove_symbol(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    symbol: &Symbol,
) -> Result<bool, sqlx::Error> {
    let result =
        sqlx::query("DELETE FROM watchlist_symbols WHERE watchlist_id = $1 AND symbol = $2")
            .bind(id)
            .bind(symbol)
            .execute(&mut **tx)
            .await?;
    Ok(result.rows_affected() > 0)
}
