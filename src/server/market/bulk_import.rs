//! A long CSV (`Symbol,Date,Open,High,Low,Close[,Volume]`) read as it arrives: only
//! the unfinished last line is kept beside the bars, every symbol's rows are checked
//! as a single import's file, and all symbols are stored in one transaction or none.

use futures_util::{Stream, StreamExt};
use serde_json::json;

use super::import::{invalid_csv, store_many};
use super::store::SHARED;
use crate::error_catalog::ErrorCode;
use crate::market::csv_import::{CsvStream, Parsed};
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::db::Database;
use crate::server::events::EventBus;
use crate::wire::screener::BulkImportSummary;

/// A long file may hold a market's history: far more than one symbol's 20 MB.
pub const MAX_LONG_CSV_BYTES: u64 = 1 << 30;

/// What one long import may hold: bars per symbol and symbols (`None`: no cap).
#[derive(Clone, Copy, Debug, Default)]
pub struct LongImportCaps {
    pub bars_per_symbol: Option<u32>,
    pub symbols: Option<u32>,
}

impl LongImportCaps {
    /// The shared catalog is the administrators' to fill. A private import is held to
    /// the tier's bars per series and to the symbols it may screen, so a free user
    /// with a script cannot fill the disk with thousands of series.
    pub fn for_owner(user: &CurrentUser, owner: &str) -> LongImportCaps {
        if owner == SHARED {
            return LongImportCaps::default();
        }
        let limits = user.tier.limits();
        LongImportCaps {
            bars_per_symbol: Some(limits.bars_per_series),
            symbols: limits.screen_symbols,
        }
    }

    /// Bars past this many cannot all fit: reading stops early instead of holding them.
    fn max_bars_read(&self) -> Option<usize> {
        let per_symbol = self.bars_per_symbol? as usize;
        Some(per_symbol.saturating_mul(self.symbols? as usize))
    }
}

fn too_large(applies_to: &str, limit: u64, found: u64) -> ApiError {
    ApiError::new(ErrorCode::ImportTooLarge)
        .with_details(json!({ "limit": limit, "bars": found, "applies_to": applies_to }))
}

fn payload_too_large() -> ApiError {
    ApiError::new(ErrorCode::PayloadTooLarge)
        .with_details(json!({ "limit_bytes": MAX_LONG_CSV_BYTES }))
}

/// Reads the body chunk by chunk, then stores every symbol or none.
pub async fn import_long<S, E>(
    db: &Database,
    events: &EventBus,
    owner: &str,
    mut body: S,
    caps: LongImportCaps,
) -> Result<BulkImportSummary, ApiError>
where
    S: Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut stream = CsvStream::long();
    let mut received: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(ErrorCode::BadRequest)
                .with_details(json!({ "reason": format!("the body could not be read: {e}") }))
        })?;
        received += chunk.len() as u64;
        if received > MAX_LONG_CSV_BYTES {
            return Err(payload_too_large());
        }
        stream.feed(&chunk);
        if let Some(most) = caps.max_bars_read() {
            if stream.bars_read() > most {
                return Err(too_large("import", most as u64, stream.bars_read() as u64));
            }
        }
    }
    let series = match stream.finish().map_err(|rejected| invalid_csv(&rejected))? {
        Parsed::BySymbol(series) => series,
        Parsed::Single(_) => unreachable!("a long stream reads by symbol"),
    };
    if let Some(limit) = caps.symbols.filter(|limit| series.len() > *limit as usize) {
        return Err(
            ApiError::new(ErrorCode::ImportTooLarge).with_details(json!({
                "limit": limit, "symbols": series.len(), "applies_to": "symbols"
            })),
        );
    }
    let stored = store_many(db, events, owner, &series, caps.bars_per_symbol, |_, _| {}).await?;
    Ok(BulkImportSummary {
        symbols: stored.len(),
        imported: stored.iter().map(|s| s.stored.imported).sum(),
        updated: stored.iter().map(|s| s.stored.updated).sum(),
        series: stored,
    })
}
