//! Generating, reading and listing a user's signals. Every check happens before
//! anything is written, and a run's signals are stored in one transaction: a
//! request either stores all its signals or none.

use std::collections::HashSet;

use serde_json::json;

use super::cache;
use super::store::{self, Filter, SignalRow};
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::market::{Bar, Columns};
use crate::server::accounts::users;
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::clock::{day_start_ms, now_unix_ms, unix_ms_to_rfc3339};
use crate::server::market::dates::format_day;
use crate::signals::{Evaluation, Model, Snapshot};
use crate::wire::signals::{RunRequest, SignalView};

pub const DEFAULT_LOOKBACK_DAYS: u32 = 120;
pub const MAX_LOOKBACK_DAYS: u32 = 5_000;

/// The validated parts of a run request.
struct Run {
    symbols: Vec<Symbol>,
    model: Model,
    lookback: usize,
}

fn validate(user: &CurrentUser, request: &RunRequest) -> Result<Run, ApiError> {
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
    if let Some(limit) = user.tier.limits().symbols_per_request {
        if symbols.len() > limit as usize {
            return Err(ApiError::new(ErrorCode::TooManySymbols).with_details(
                json!({ "limit": limit, "requested": symbols.len(), "tier": user.tier.as_str() }),
            ));
        }
    }
    let model = match request.model.as_deref() {
        None => Model::Ensemble,
        Some(name) => Model::parse(name).ok_or_else(|| {
            ApiError::new(ErrorCode::UnknownModel).with_details(
                json!({ "model": name, "models": ["classic", "momentum", "ensemble"] }),
            )
        })?,
    };
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
    state: &AppState,
    user: &CurrentUser,
    request: &RunRequest,
    correlation_id: Option<&str>,
) -> Result<Vec<SignalView>, ApiError> {
    let outcome = generate(state, user, request, correlation_id).await;
    match &outcome {
        Ok(views) => state.stats.signals_stored(
            views.first().map_or("", |v| v.model.as_str()),
            views.iter().map(|v| v.signal.as_str()),
        ),
        Err(error) => state.stats.signal_run_failed(error.code),
    }
    outcome
}

async fn generate(
    state: &AppState,
    user: &CurrentUser,
    request: &RunRequest,
    correlation_id: Option<&str>,
) -> Result<Vec<SignalView>, ApiError> {
    let run = validate(user, request)?;
    let now_ms = now_unix_ms();
    check_daily_quota(state.db.pool(), user, run.symbols.len(), now_ms).await?;

    let mut rows = Vec::with_capacity(run.symbols.len());
    for symbol in &run.symbols {
        let series = state
            .market
            .series(&state.db, symbol, Some(&user.id))
            .await?;
        let window = &series.bars[series.bars.len().saturating_sub(run.lookback)..];
        let key = cache::fingerprint(run.model, symbol, window);
        let evaluation = state
            .signal_cache
            .get_or_evaluate(&key, || evaluate(run.model, window, symbol))
            .await?;
        let last = series.bars.last().map_or(0, |b| b.ts);
        rows.push(SignalRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id.clone(),
            symbol: symbol.to_string(),
            ts: last,
            signal: evaluation.action.as_str().to_string(),
            confidence: evaluation.confidence,
            score: evaluation.score,
            price: evaluation.price,
            model: run.model.as_str().to_string(),
            indicators: serde_json::to_string(&evaluation.indicators)
                .map_err(|e| ApiError::internal("serialising indicators", e))?,
            reasons: serde_json::to_string(&evaluation.reasons)
                .map_err(|e| ApiError::internal("serialising reasons", e))?,
            is_stale: i64::from(series.is_stale),
            created_at: now_ms,
        });
    }
    let mut tx = state.db.begin().await?;
    users::lock_for_limits(&mut tx, &user.id).await?;
    check_daily_quota(&mut *tx, user, rows.len(), now_ms).await?;
    for row in &rows {
        store::insert(&mut tx, row, correlation_id).await?;
    }
    tx.commit().await?;
    let views = rows.iter().map(view).collect::<Result<Vec<_>, _>>()?;
    state.live.publish_signals(&user.id, &views);
    Ok(views)
}

pub fn view(row: &SignalRow) -> Result<SignalView, ApiError> {
    let indicators: Snapshot = serde_json::from_str(&row.indicators)
        .map_err(|e| ApiError::internal("stored indicators unreadable", e))?;
    let reasons: Vec<String> = serde_json::from_str(&row.reasons)
        .map_err(|e| ApiError::internal("stored reasons unreadable", e))?;
    Ok(SignalView {
        id: row.id.clone(),
        symbol: row.symbol.clone(),
        ts: format_day(row.ts),
        signal: row.signal.clone(),
        confidence: row.confidence,
        score: row.score,
        price: row.price,
        model: row.model.clone(),
        indicators,
        reasons,
        is_stale: row.is_stale != 0,
        created_at: unix_ms_to_rfc3339(row.created_at),
    })
}

pub async fn get(state: &AppState, user: &CurrentUser, id: &str) -> Result<SignalView, ApiError> {
    let row = store::find(&state.db, &user.id, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::SignalNotFound))?;
    view(&row)
}

/// A page of signals and the cursor of the next one (`None` on the last page).
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    filter: &Filter,
    limit: i64,
) -> Result<(Vec<SignalView>, Option<String>), ApiError> {
    let mut rows = store::list(&state.db, &user.id, filter, limit + 1).await?;
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
    state: &AppState,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<Vec<crate::signals::track_record::Group>, ApiError> {
    use crate::signals::track_record::{score, summarise, PastSignal};
    use crate::signals::Action;
    use std::collections::BTreeMap;

    let rows = store::list(&state.db, &user.id, filter, TRACK_RECORD_MAX).await?;
    let mut by_symbol: BTreeMap<&str, Vec<&SignalRow>> = BTreeMap::new();
    for row in &rows {
        by_symbol.entry(row.symbol.as_str()).or_default().push(row);
    }
    let mut groups = BTreeMap::new();
    for (symbol, rows) in by_symbol {
        let symbol = crate::server::market::parse_symbol(symbol)?;
        let series = match state
            .market
            .series(&state.db, &symbol, Some(&user.id))
            .await
        {
            Ok(series) => series.bars,
            // Data that is gone cannot score anything; the rest still counts.
            Err(_) => Vec::new(),
        };
        let past: Vec<PastSignal> = rows
            .iter()
            .filter_map(|row| {
                Some(PastSignal {
                    model: &row.model,
                    action: Action::parse(&row.signal)?,
                    ts: row.ts,
                    price: row.price,
                })
            })
            .collect();
        score(&past, &series, &mut groups);
    }
    Ok(summarise(groups))
}

/// Signals one track record looks at (the newest).
const TRACK_RECORD_MAX: i64 = 100_000;
