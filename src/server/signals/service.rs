//! Generating, reading and listing a user's signals. Every check happens before
//! anything is written, and a run's signals are stored in one transaction: a
//! request either stores all its signals or none.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;

use super::cache::{self, SignalCache};
use super::store::{self, Filter, SignalRow};
use crate::domain::symbol::Symbol;
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::market::{Bar, Columns};
use crate::server::accounts::users;
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::{day_start_ms, now_unix_ms, unix_ms_to_rfc3339};
use crate::server::db::Database;
use crate::server::events::{Event, EventBus};
use crate::server::market::dates::format_day;
use crate::server::market::service::{MarketData, Series};
use crate::signals::{Evaluation, Model, Snapshot};
use crate::wire::signals::{RunRequest, SignalView};

/// What the signal service uses: the database, the series, the verdict cache and
/// the event bus it announces stored signals and failed runs on.
#[derive(Clone)]
pub struct SignalDeps {
    pub db: Database,
    pub market: Arc<MarketData>,
    pub cache: Arc<SignalCache>,
    pub events: EventBus,
}

pub const DEFAULT_LOOKBACK_DAYS: u32 = 120;
pub const MAX_LOOKBACK_DAYS: u32 = 5_000;

/// A run request checked once, at the edge, against the caller's tier: the symbols
/// parsed, the model known, the window in range.
pub struct Run {
    pub symbols: Vec<Symbol>,
    pub model: Model,
    pub lookback: usize,
}

impl TryFrom<(&RunRequest, Tier)> for Run {
    type Error = ApiError;

    fn try_from((request, tier): (&RunRequest, Tier)) -> Result<Run, ApiError> {
        validate(tier, request)
    }
}

fn validate(tier: Tier, request: &RunRequest) -> Result<Run, ApiError> {
    if request.symbols.is_empty() {
        return Err(ApiError::new(ErrorCode::EmptySymbolList));
    }
    let mut symbols = Vec::with_capacity(request.symbols.len());
    let mut seen = HashSet::new();
    for raw in &request.symbols {
        let symbol = crate::server::market::parse_symbol(raw)?;
        if !seen.insert(symbol.clone()) {
            return Err(ApiError::new(ErrorCode::DuplicateSymbols)
                .with_details(json!({ "symbol": symbol.as_str() })));
        }
        symbols.push(symbol);
    }
    if let Some(limit) = tier.limits().symbols_per_request {
        if symbols.len() > limit as usize {
            return Err(ApiError::new(ErrorCode::TooManySymbols).with_details(
                json!({ "limit": limit, "requested": symbols.len(), "tier": tier.as_str() }),
            ));
        }
    }
    let model = Model::requested(request.model.as_deref())?;
    let lookback = request.lookback_days.unwrap_or(DEFAULT_LOOKBACK_DAYS);
    let min = model.min_bars() as u32;
    if !(min..=MAX_LOOKBACK_DAYS).contains(&lookback) {
        return Err(ApiError::invalid_field(
            "lookback_days",
            &format!(
                "must be {min} to {MAX_LOOKBACK_DAYS} for the {} model",
                model.as_str()
            ),
        ));
    }
    Ok(Run {
        symbols,
        model,
        lookback: lookback as usize,
    })
}

/// Refuses a run that would take the user past their tier's signals per day. Called
/// before the work (cheap refusal) and again inside the insert transaction under the
/// user's lock, so parallel runs cannot all pass the same count.
async fn check_daily_quota<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user: &CurrentUser,
    requested: usize,
    now_ms: i64,
) -> Result<(), ApiError> {
    let Some(limit) = user.tier.limits().signals_per_day else {
        return Ok(());
    };
    let used = store::count_since(executor, &user.id, day_start_ms(now_ms)).await?;
    if used as usize + requested > limit as usize {
        return Err(ApiError::new(ErrorCode::QuotaExceeded).with_details(json!({
            "quota": "signals_per_day",
            "limit": limit,
            "used": used,
            "requested": requested,
        })));
    }
    Ok(())
}

/// The newest `lookback` bars of a series.
pub fn latest_window(bars: &[Bar], lookback: usize) -> &[Bar] {
    &bars[bars.len().saturating_sub(lookback)..]
}

/// The model's verdict on the newest `lookback` bars of `symbol` as `owner` sees it
/// (`None`: the shared catalog), through `cache` when there is one.
pub async fn latest_verdict(
    market: &MarketData,
    db: &Database,
    cache: Option<&SignalCache>,
    symbol: &Symbol,
    owner: Option<&str>,
    model: Model,
    lookback: usize,
) -> Result<(Series, Evaluation), ApiError> {
    let series = market.series(db, symbol, owner).await?;
    let window = latest_window(&series.bars, lookback);
    let evaluation = match cache {
        Some(cache) => {
            let key = cache::fingerprint(model, symbol, window);
            cache
                .get_or_evaluate(&key, || evaluate(model, window, symbol))
                .await?
        }
        None => evaluate(model, window, symbol)?,
    };
    Ok((series, evaluation))
}

/// The model's verdict on a window of bars.
fn evaluate(model: Model, window: &[Bar], symbol: &Symbol) -> Result<Evaluation, ApiError> {
    let columns = Columns::of(window);
    model.evaluate(&columns.ohlcv()).ok_or_else(|| {
        ApiError::new(ErrorCode::InsufficientData).with_details(json!({
            "symbol": symbol.as_str(),
            "bars": window.len(),
            "needed": model.min_bars(),
            "model": model.as_str(),
        }))
    })
}

/// Generates and stores one signal per symbol, or none at all.
pub async fn run(
    deps: &SignalDeps,
    user: &CurrentUser,
    request: &RunRequest,
    correlation_id: Option<&str>,
) -> Result<Vec<SignalView>, ApiError> {
    match generate(deps, user, request, correlation_id).await {
        Ok((model, views)) => {
            let signals: Arc<[SignalView]> = views.into();
            deps.events.publish(Event::SignalsStored {
                user_id: user.id.clone(),
                model,
                signals: signals.clone(),
            });
            Ok(signals.to_vec())
        }
        Err(error) => {
            deps.events
                .publish(Event::SignalRunFailed { code: error.code });
            Err(error)
        }
    }
}

async fn generate(
    deps: &SignalDeps,
    user: &CurrentUser,
    request: &RunRequest,
    correlation_id: Option<&str>,
) -> Result<(Model, Vec<SignalView>), ApiError> {
    let run = Run::try_from((request, user.tier))?;
    let now_ms = now_unix_ms();
    check_daily_quota(deps.db.pool(), user, run.symbols.len(), now_ms).await?;

    let mut rows = Vec::with_capacity(run.symbols.len());
    for symbol in &run.symbols {
        let (series, evaluation) = latest_verdict(
            &deps.market,
            &deps.db,
            Some(&deps.cache),
            symbol,
            Some(&user.id),
            run.model,
            run.lookback,
        )
        .await?;
        let last = series.bars.last().map_or(0, |b| b.ts);
        rows.push(SignalRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id.clone(),
            symbol: symbol.clone(),
            ts: last,
            signal: evaluation.action,
            confidence: evaluation.confidence,
            score: evaluation.score,
            price: evaluation.price,
            model: run.model,
            indicators: serde_json::to_string(&evaluation.indicators)
                .map_err(|e| ApiError::internal("serialising indicators", e))?,
            reasons: serde_json::to_string(&evaluation.reasons)
                .map_err(|e| ApiError::internal("serialising reasons", e))?,
            is_stale: i64::from(series.is_stale),
            created_at: now_ms,
        });
    }
    let mut tx = deps.db.begin().await?;
    users::lock_for_limits(&mut tx, &user.id).await?;
    check_daily_quota(&mut *tx, user, rows.len(), now_ms).await?;
    for row in &rows {
        store::insert(&mut tx, row, correlation_id).await?;
    }
    tx.commit().await?;
    let views = rows.iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok((run.model, views))
}

pub fn view(row: &SignalRow) -> Result<SignalView, ApiError> {
    let indicators: Snapshot = serde_json::from_str(&row.indicators)
        .map_err(|e| ApiError::internal("stored indicators unreadable", e))?;
    let reasons: Vec<String> = serde_json::from_str(&row.reasons)
        .map_err(|e| ApiError::internal("stored reasons unreadable", e))?;
    Ok(SignalView {
        id: row.id.clone(),
        symbol: row.symbol.to_string(),
        ts: format_day(row.ts),
        signal: row.signal.as_str().to_string(),
        confidence: row.confidence,
        score: row.score,
        price: row.price,
        model: row.model.as_str().to_string(),
        indicators,
        reasons,
        is_stale: row.is_stale != 0,
        created_at: unix_ms_to_rfc3339(row.created_at),
    })
}

pub async fn get(deps: &SignalDeps, user: &CurrentUser, id: &str) -> Result<SignalView, ApiError> {
    let row = store::find(&deps.db, &user.id, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::SignalNotFound))?;
    view(&row)
}

/// A page of signals and the cursor of the next one (`None` on the last page).
pub async fn list(
    deps: &SignalDeps,
    user: &CurrentUser,
    filter: &Filter,
    limit: i64,
) -> Result<(Vec<SignalView>, Option<String>), ApiError> {
    let mut rows = store::list(&deps.db, &user.id, filter, limit + 1).await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(r.created_at, &r.id))
    } else {
        None
    };
    let views = rows.iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok((views, next))
}

pub fn encode_cursor(created_at: i64, id: &str) -> String {
    format!("{created_at}_{id}")
}

pub fn decode_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    cursor
        .split_once('_')
        .and_then(|(at, id)| {
            let valid_id = !id.is_empty()
                && id.len() <= 64
                && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            Some((at.parse().ok()?, id.to_string())).filter(|_| valid_id)
        })
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidCursor))
}

/// The caller's signals (optionally one symbol and/or model) scored against what
/// each symbol did next: see [`crate::signals::track_record`].
pub async fn track_record(
    deps: &SignalDeps,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<Vec<crate::signals::track_record::Group>, ApiError> {
    use crate::signals::track_record::{score, summarise, PastSignal};
    use std::collections::BTreeMap;

    let rows = store::list(&deps.db, &user.id, filter, TRACK_RECORD_MAX).await?;
    let mut by_symbol: BTreeMap<&Symbol, Vec<&SignalRow>> = BTreeMap::new();
    for row in &rows {
        by_symbol.entry(&row.symbol).or_default().push(row);
    }
    let mut groups = BTreeMap::new();
    for (symbol, rows) in by_symbol {
        let series = match deps.market.series(&deps.db, symbol, Some(&user.id)).await {
            Ok(series) => series.bars,
            // Data that is gone cannot score anything; the rest still counts.
            Err(_) => Vec::new(),
        };
        let past: Vec<PastSignal> = rows
            .iter()
            .map(|row| PastSignal {
                model: row.model.as_str(),
                action: row.signal,
                ts: row.ts,
                price: row.price,
            })
            .collect();
        score(&past, &series, &mut groups);
    }
    Ok(summarise(groups))
}

/// Signals one track record looks at (the newest).
const TRACK_RECORD_MAX: i64 = 100_000;
