//! `POST /api/v1/screen` and the dashboard's screener: the request checked, the
//! universe resolved and held to the tier's cap before any series is read, every
//! series read at once through the series cache (its bars shared, not copied), then
//! the pure screen on every core in the compute pool.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Map, Value as Json};

use super::plan::{cursor_at, Scope, ScreenPlan, SPARKLINE_BARS};
use super::ScreenDeps;
use crate::domain::symbol::Symbol;
use crate::error_catalog::ErrorCode;
use crate::market::Bar;
use crate::screener::{self, Reading, Value};
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::market::dates::format_day;
use crate::server::market::parse_symbol;
use crate::server::watchlists::service::{self as watchlists, WatchlistDeps};
use crate::wire::screener::{ScreenAnswer, ScreenRequest, ScreenRow};

pub async fn screen(
    deps: &ScreenDeps,
    user: &CurrentUser,
    request: &ScreenRequest,
) -> Result<ScreenAnswer, ApiError> {
    let started = Instant::now();
    let plan = ScreenPlan::try_from((request, user.tier))?;
    let symbols = universe(deps, user, &plan.scope).await?;
    if let Some(cap) = user.tier.limits().screen_symbols {
        if symbols.len() > cap as usize {
            return Err(
                ApiError::new(ErrorCode::UniverseTooLarge).with_details(json!({
                    "limit": cap,
                    "requested": symbols.len(),
                    "tier": user.tier.as_str(),
                })),
            );
        }
    }
    let bars: Vec<Arc<Vec<Bar>>> = deps
        .market
        .bars_many(&deps.db, &symbols, Some(&user.id))
        .await?
        .into_iter()
        .map(|(bars, _)| bars)
        .collect();
    let screen = plan.screen.clone();
    let threads = deps.compute.threads;
    let (mut readings, bars) = deps
        .compute
        .run(move |cancel| {
            let slices: Vec<&[Bar]> = bars.iter().map(|b| b.as_slice()).collect();
            let readings = screener::read_all(&screen, &slices, threads, cancel)?;
            Some((readings, bars))
        })
        .await?;
    let names: Vec<&str> = symbols.iter().map(Symbol::as_str).collect();
    screener::sort(&mut readings, &names, plan.screen.sort);
    let matched = readings.len();
    let end = plan.offset.saturating_add(plan.limit).min(matched);
    let page = readings.get(plan.offset..end).unwrap_or_default();
    let rows = page
        .iter()
        .map(|reading| row(&plan, &names, &bars, reading))
        .collect();
    let as_of = bars.iter().filter_map(|b| b.last()).map(|b| b.ts).max();
    Ok(ScreenAnswer {
        rows,
        matched,
        scanned: symbols.len(),
        next_cursor: (end < matched).then(|| cursor_at(end)),
        elapsed_ms: started.elapsed().as_millis() as u64,
        as_of: as_of.map(format_day),
    })
}

/// The symbols a screen scans, no two alike.
async fn universe(
    deps: &ScreenDeps,
    user: &CurrentUser,
    scope: &Scope,
) -> Result<Vec<Symbol>, ApiError> {
    let symbols: Vec<Symbol> = match scope {
        Scope::All => deps
            .market
            .known_symbols(&deps.db, &user.id)
            .await?
            .iter()
            .filter_map(|s| Symbol::parse(s).ok())
            .collect(),
        Scope::Watchlist(id) => {
            let watchlist_deps = WatchlistDeps {
                db: deps.db.clone(),
                market: deps.market.clone(),
            };
            watchlists::get(&watchlist_deps, user, id)
                .await?
                .symbols
                .iter()
                .map(|s| parse_symbol(s))
                .collect::<Result<_, _>>()?
        }
        Scope::Symbols(symbols) => symbols.clone(),
    };
    let mut seen = HashSet::new();
    Ok(symbols
        .into_iter()
        .filter(|s| seen.insert(s.clone()))
        .collect())
}

fn number(value: f64) -> Json {
    serde_json::Number::from_f64(value).map_or(Json::Null, Json::Number)
}

fn row(plan: &ScreenPlan, names: &[&str], bars: &[Arc<Vec<Bar>>], reading: &Reading) -> ScreenRow {
    let series = &bars[reading.index];
    let mut indicators = Map::new();
    for ((name, _), value) in plan.screen.shown.iter().zip(&reading.shown) {
        let value = match value {
            Value::Number(v) => number(*v),
            Value::Parts(parts) => Json::Object(
                parts
                    .iter()
                    .map(|(part, v)| (part.to_string(), number(*v)))
                    .collect(),
            ),
        };
        indicators.insert(name.clone(), value);
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    ScreenRow {
        symbol: names[reading.index].to_string(),
        ts: series.last().map(|b| format_day(b.ts)).unwrap_or_default(),
        price: reading.price,
        change_pct: finite(reading.change_pct),
        signal: reading.verdict.map(|(a, _)| a.as_str().to_string()),
        confidence: reading.verdict.map(|(_, c)| c),
        indicators,
        sparkline: plan.sparkline.then(|| {
            series[series.len().saturating_sub(SPARKLINE_BARS)..]
                .iter()
                .map(|b| b.close)
                .collect()
        }),
    }
}
