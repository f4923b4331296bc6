//! Importing a CSV file of daily bars, all or nothing: into one user's private
//! layer, or (administrators, the CLI) into the shared catalog.

use std::collections::HashSet;

use serde_json::json;
use sqlx::{Any, Transaction};

use super::dates::format_day;
use super::store::{self, IMPORT, SHARED};
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::market::csv_import::{self, Rejected};
use crate::market::Bar;
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::now_unix;
use crate::server::db::Database;
use crate::server::events::{BarsCause, Event, EventBus};

pub use crate::wire::market::ImportSummary;
use crate::wire::screener::SymbolImport;

/// 422 `INVALID_CSV` listing each line and what is wrong with it.
pub fn invalid_csv(rejected: &Rejected) -> ApiError {
    let errors: Vec<_> = rejected
        .errors
        .iter()
        .map(|e| match &e.symbol {
            Some(symbol) => json!({ "line": e.line, "symbol": symbol, "reason": e.reason }),
            None => json!({ "line": e.line, "reason": e.reason }),
        })
        .collect();
    ApiError::new(ErrorCode::InvalidCsv)
        .with_details(json!({ "errors": errors, "total": rejected.total }))
}

/// 422 `IMPORT_TOO_LARGE`: the import, or the series it would make, is over the cap.
fn too_large(what: &str, bars: usize, limit: u32) -> ApiError {
    ApiError::new(ErrorCode::ImportTooLarge)
        .with_details(json!({ "limit": limit, "bars": bars, "applies_to": what }))
}

/// Whose bars an import writes: the caller's own layer (`scope` absent or `user`), or
/// the shared catalog (`global`, administrators only).
pub fn owner_for<'u>(user: &'u CurrentUser, scope: Option<&str>) -> Result<&'u str, ApiError> {
    match scope {
        None | Some("user") => Ok(user.id.as_str()),
        Some("global") if user.is_admin() => Ok(SHARED),
        Some("global") => Err(ApiError::new(ErrorCode::AdminRequired)),
        Some(_) => Err(ApiError::invalid_field("scope", "must be user or global")),
    }
}

/// The shared catalog is the administrators' to fill; a user's layer has the tier's cap.
pub fn max_bars(user: &CurrentUser, owner: &str) -> Option<u32> {
    (owner != SHARED).then(|| user.tier.limits().bars_per_series)
}

/// Parses and validates the whole file, then stores every bar in one transaction.
/// `max_bars` caps both the import and the series it lands in (the owner's tier;
/// `None` for administrators filling the shared catalog).
pub async fn import_csv(
    db: &Database,
    events: &EventBus,
    symbol: &Symbol,
    owner: &str,
    text: &str,
    max_bars: Option<u32>,
) -> Result<ImportSummary, ApiError> {
    let bars = csv_import::parse(text).map_err(|rejected| invalid_csv(&rejected))?;
    store_import(db, events, symbol, owner, &bars, max_bars, |_| {}).await
}

/// Stores validated bars; `progress` hears how many are stored so far.
pub async fn store_import(
    db: &Database,
    events: &EventBus,
    symbol: &Symbol,
    owner: &str,
    bars: &[Bar],
    max_bars: Option<u32>,
    progress: impl Fn(usize) + Sync,
) -> Result<ImportSummary, ApiError> {
    let mut tx = db.begin().await?;
    let summary = store_in(&mut tx, symbol, owner, bars, max_bars, &progress).await?;
    tx.commit().await?;
    publish_import(events, symbol, owner);
    Ok(summary)
}

/// Stores many symbols' validated bars in one transaction: all of them or none.
/// Each symbol is held to `max_bars` as a single import is; `progress` hears each
/// symbol as it is stored (its position and bars).
pub async fn store_many(
    db: &Database,
    events: &EventBus,
    owner: &str,
    series: &[(Symbol, Vec<Bar>)],
    max_bars: Option<u32>,
    progress: impl Fn(usize, usize) + Sync,
) -> Result<Vec<SymbolImport>, ApiError> {
    let mut tx = db.begin().await?;
    let mut stored = Vec::with_capacity(series.len());
    for (at, (symbol, bars)) in series.iter().enumerate() {
        let summary = store_in(&mut tx, symbol, owner, bars, max_bars, &|_| {})
            .await
            .map_err(|e| with_symbol(e, symbol))?;
        progress(at + 1, bars.len());
        stored.push(SymbolImport {
            symbol: symbol.to_string(),
            stored: summary,
        });
    }
    tx.commit().await?;
    for (symbol, _) in series {
        publish_import(events, symbol, owner);
    }
    Ok(stored)
}

/// Names the symbol in a refusal's details (a long import has many).
fn with_symbol(mut error: ApiError, symbol: &Symbol) -> ApiError {
    if let serde_json::Value::Object(details) = &mut error.details {
        details.insert("symbol".into(), json!(symbol.as_str()));
    } else {
        error.details = json!({ "symbol": symbol.as_str() });
    }
    error
}

fn publish_import(events: &EventBus, symbol: &Symbol, owner: &str) {
    events.publish(Event::BarsChanged {
        symbol: symbol.clone(),
        owner: (owner != SHARED).then(|| owner.to_string()),
        cause: BarsCause::Import,
    });
}

async fn store_in(
    tx: &mut Transaction<'_, Any>,
    symbol: &Symbol,
    owner: &str,
    bars: &[Bar],
    max_bars: Option<u32>,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportSummary, ApiError> {
    if let Some(limit) = max_bars.filter(|limit| bars.len() > *limit as usize) {
        return Err(too_large("import", bars.len(), limit));
    }
    let (Some(first), Some(last)) = (bars.first(), bars.last()) else {
        return Err(
            ApiError::new(ErrorCode::InvalidCsv).with_details(json!({ "errors": [], "total": 0 }))
        );
    };
    let now = now_unix();
    let existing: HashSet<i64> = sqlx::query_scalar(
        "SELECT ts FROM bars WHERE symbol = $1 AND source = $2 AND owner_id = $3 AND ts BETWEEN $4 AND $5",
    )
    .bind(symbol.as_str())
    .bind(IMPORT)
    .bind(owner)
    .bind(first.ts)
    .bind(last.ts)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    if let Some(limit) = max_bars {
        // Under the owner's lock: two parallel imports cannot both fit in the room left.
        crate::server::accounts::users::lock_for_limits(tx, owner).await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bars WHERE symbol = $1 AND source = $2 AND owner_id = $3",
        )
        .bind(symbol.as_str())
        .bind(IMPORT)
        .bind(owner)
        .fetch_one(&mut **tx)
        .await?;
        let new = bars.iter().filter(|b| !existing.contains(&b.ts)).count();
        let after = held.max(0) as usize + new;
        if after > limit as usize {
            return Err(too_large("series", after, limit));
        }
    }
    let mut stored = 0;
    let mut revision = 0;
    for chunk in bars.chunks(2_000) {
        revision = store::upsert(tx, symbol.as_str(), IMPORT, owner, chunk, now).await?;
        stored += chunk.len();
        progress(stored);
    }
    store::write_snapshot(tx, symbol.as_str(), IMPORT, owner, revision).await?;
    let updated = bars.iter().filter(|b| existing.contains(&b.ts)).count();
    Ok(ImportSummary {
        imported: bars.len() - updated,
        updated,
        first: format_day(first.ts),
        last: format_day(last.ts),
    })
}
