//! The `bars`, `series_revisions`, `series_snapshots` and `series_refreshes` tables.

use std::collections::HashMap;

use sqlx::{Any, Executor, Row, Transaction};

use crate::market::{packed, Bar};
use crate::server::db::Database;

/// `owner_id` of the shared catalog.
pub const SHARED: &str = "";
/// `source` of imported bars.
pub const IMPORT: &str = "import";

/// Rows per INSERT: 10 parameters each stays far below both backends' limits.
const CHUNK: usize = 500;
/// Packed series per query when many are read: 2 520 bars each make ~12 MB a query.
const SNAPSHOT_CHUNK: usize = 100;

/// Bars of one (symbol, source, owner), oldest first.
pub async fn load(
    db: &Database,
    symbol: &str,
    source: &str,
    owner: &str,
) -> Result<Vec<Bar>, sqlx::Error> {
    load_rows(db.pool(), symbol, source, owner).await
}

async fn load_rows<'e>(
    executor: impl Executor<'e, Database = Any>,
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
    .fetch_all(executor)
    .await?;
    // By position: a name lookup per column per row costs more than the decoding.
    rows.iter()
        .map(|row| {
            Ok(Bar {
                ts: row.try_get(0)?,
                open: row.try_get(1)?,
                high: row.try_get(2)?,
                low: row.try_get(3)?,
                close: row.try_get(4)?,
                volume: row.try_get(5)?,
            })
        })
        .collect()
}

/// The series' bars from its packed copy, when that copy is of `revision`.
pub async fn load_snapshot(
    db: &Database,
    key: &SeriesKey,
    revision: i64,
) -> Result<Option<Vec<Bar>>, sqlx::Error> {
    let packed: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT packed FROM series_snapshots \
         WHERE symbol = $1 AND source = $2 AND owner_id = $3 AND revision = $4",
    )
    .bind(&key.symbol)
    .bind(&key.source)
    .bind(&key.owner)
    .bind(revision)
    .fetch_optional(db.pool())
    .await?;
    Ok(packed.as_deref().and_then(packed::unpack))
}

/// Packs the series' bars as they stand in the writer's transaction, as of
/// `revision` (the one its last `upsert` answered).
pub async fn write_snapshot(
    tx: &mut Transaction<'_, Any>,
    symbol: &str,
    source: &str,
    owner: &str,
    revision: i64,
) -> Result<(), sqlx::Error> {
    let bars = load_rows(&mut **tx, symbol, source, owner).await?;
    save_snapshot(&mut **tx, symbol, source, owner, revision, &bars).await
}

/// Keeps `bars` as the packed copy of `revision`, unless a later revision's copy is
/// already there (a reader filling in a copy can finish after a writer).
pub async fn save_snapshot<'e>(
    executor: impl Executor<'e, Database = Any>,
    symbol: &str,
    source: &str,
    owner: &str,
    revision: i64,
    bars: &[Bar],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO series_snapshots (symbol, source, owner_id, revision, packed) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (symbol, source, owner_id) DO UPDATE \
         SET revision = excluded.revision, packed = excluded.packed \
         WHERE series_snapshots.revision <= excluded.revision",
    )
    .bind(symbol)
    .bind(source)
    .bind(owner)
    .bind(revision)
    .bind(packed::pack(bars))
    .execute(executor)
    .await?;
    Ok(())
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

/// The revisions of many symbols' series visible to `owner`, by symbol (one query
/// per 500 symbols instead of one per symbol).
pub async fn revisions_of(
    db: &Database,
    symbols: &[&str],
    owner: &str,
) -> Result<HashMap<String, Vec<(SeriesKey, i64)>>, sqlx::Error> {
    let mut found: HashMap<String, Vec<(SeriesKey, i64)>> = HashMap::new();
    for chunk in symbols.chunks(CHUNK) {
        let sql = format!(
            "SELECT symbol, source, owner_id, revision FROM series_revisions \
             WHERE (owner_id = $1 OR owner_id = $2) AND symbol IN ({})",
            placeholders(3, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(SHARED).bind(owner);
        for symbol in chunk {
            query = query.bind(*symbol);
        }
        for row in query.fetch_all(db.pool()).await? {
            let symbol: String = row.try_get(0)?;
            let key = SeriesKey {
                symbol: symbol.clone(),
                source: row.try_get(1)?,
                owner: row.try_get(2)?,
            };
            found
                .entry(symbol)
                .or_default()
                .push((key, row.try_get(3)?));
        }
    }
    Ok(found)
}

/// The packed copies of many series of one source and owner, by symbol: only those
/// whose copy is of the revision asked for (the others are left out).
pub async fn load_snapshots(
    db: &Database,
    source: &str,
    owner: &str,
    wanted: &[(&str, i64)],
) -> Result<HashMap<String, Vec<Bar>>, sqlx::Error> {
    let mut found = HashMap::new();
    for chunk in wanted.chunks(SNAPSHOT_CHUNK) {
        let sql = format!(
            "SELECT symbol, revision, packed FROM series_snapshots \
             WHERE source = $1 AND owner_id = $2 AND symbol IN ({})",
            placeholders(3, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(source).bind(owner);
        for (symbol, _) in chunk {
            query = query.bind(*symbol);
        }
        let revisions: HashMap<&str, i64> = chunk.iter().copied().collect();
        for row in query.fetch_all(db.pool()).await? {
            let symbol: String = row.try_get(0)?;
            let revision: i64 = row.try_get(1)?;
            if revisions.get(symbol.as_str()) != Some(&revision) {
                continue;
            }
            let packed: Vec<u8> = row.try_get(2)?;
            if let Some(bars) = packed::unpack(&packed) {
                found.insert(symbol, bars);
            }
        }
    }
    Ok(found)
}

/// `$first, $first+1, …` for `count` parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
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
