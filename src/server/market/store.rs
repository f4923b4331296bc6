//! The `bars`, `series_revisions` and `series_refreshes` tables.

use sqlx::{Any, Executor, Row, Transaction};

use crate::market::Bar;
use crate::server::db::Database;

/// `owner_id` of the shared catalog.
pub const SHARED: &str = "";
/// `source` of imported bars.
pub const IMPORT: &str = "import";

/// Rows per INSERT: 10 parameters each stays far below both backends' limits.
const CHUNK: usize = 500;

/// Bars of one (symbol, source, owner), oldest first.
pub async fn load(
    db: &Database,
    symbol: &str,
    source: &str,
    owner: &str,
) -> Result<Vec<Bar>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT ts, open, high, low, close, volume FROM bars \
         WHERE symbol = $1 AND source = $2 AND owner_id = $3 ORDER BY ts",
    )
    .bind(symbol)
    .bind(source)
    .bind(owner)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Bar {
                ts: row.try_get("ts")?,
                open: row.try_get("open")?,
                high: row.try_get("high")?,
                low: row.try_get("low")?,
                close: row.try_get("close")?,
                volume: row.try_get("volume")?,
            })
        })
        .collect()
}

/// Inserts the bars, replacing stored ones of the same day, and raises the series'
/// revision, which it answers (in the caller's transaction, so a failed chunk leaves
/// nothing behind).
pub async fn upsert(
    tx: &mut Transaction<'_, Any>,
    symbol: &str,
    source: &str,
    owner: &str,
    bars: &[Bar],
    now: i64,
) -> Result<i64, sqlx::Error> {
    for chunk in bars.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO bars (symbol, source, owner_id, ts, open, high, low, close, volume, updated_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let p = i * 7;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "($1, $2, $3, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                p + 4,
                p + 5,
                p + 6,
                p + 7,
                p + 8,
                p + 9,
                p + 10
            ));
        }
        sql.push_str(
            " ON CONFLICT (symbol, source, owner_id, ts) DO UPDATE SET open = excluded.open, \
             high = excluded.high, low = excluded.low, close = excluded.close, \
             volume = excluded.volume, updated_at = excluded.updated_at",
        );
        let mut query = sqlx::query(&sql).bind(symbol).bind(source).bind(owner);
        for bar in chunk {
            query = query
                .bind(bar.ts)
                .bind(bar.open)
                .bind(bar.high)
                .bind(bar.low)
                .bind(bar.close)
                .bind(bar.volume)
                .bind(now);
        }
        query.execute(&mut **tx).await?;
    }
    sqlx::query_scalar(
        "INSERT INTO series_revisions (symbol, source, owner_id, revision) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (symbol, source, owner_id) DO UPDATE SET revision = series_revisions.revision + 1 \
         RETURNING revision",
    )
    .bind(symbol)
    .bind(source)
    .bind(owner)
    .fetch_one(&mut **tx)
    .await
}

/// Symbols with stored bars that `owner` sees (shared ones and their own imports).
pub async fn stored_symbols(db: &Database, owner: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT symbol FROM series_revisions WHERE owner_id = $1 OR owner_id = $2",
    )
    .bind(SHARED)
    .bind(owner)
    .fetch_all(db.pool())
    .await
}

/// One stored series' identity and revision.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub symbol: String,
    pub source: String,
    pub owner: String,
}

/// The revisions of a symbol's series visible to `owner` (shared ones and theirs).
pub async fn revisions(
    db: &Database,
    symbol: &str,
    owner: &str,
) -> Result<Vec<(SeriesKey, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT source, owner_id, revision FROM series_revisions \
         WHERE symbol = $1 AND (owner_id = $2 OR owner_id = $3)",
    )
    .bind(symbol)
    .bind(SHARED)
    .bind(owner)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let key = SeriesKey {
                symbol: symbol.to_string(),
                source: row.try_get("source")?,
                owner: row.try_get("owner_id")?,
            };
            Ok((key, row.try_get("revision")?))
        })
        .collect()
}

pub async fn refreshed_at(
    db: &Database,
    symbol: &str,
    source: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT refreshed_at FROM series_refreshes WHERE symbol = $1 AND source = $2",
    )
    .bind(symbol)
    .bind(source)
    .fetch_optional(db.pool())
    .await
}

pub async fn mark_refreshed<'e>(
    executor: impl Executor<'e, Database = Any>,
    symbol: &str,
    source: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO series_refreshes (symbol, source, refreshed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (symbol, source) DO UPDATE SET refreshed_at = excluded.refreshed_at",
    )
    .bind(symbol)
    .bind(source)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}
