//! The dashboard's overview: the user's watchlists, a card per symbol in them (last
//! price, change, recent closes, latest signal), counts of the latest signals and
//! the newest ones. Read-only; built from the same services as the API.

use std::collections::BTreeSet;

use super::api_error::ApiError;

use super::auth::current_user::CurrentUser;
use super::market::dates::format_day;
use super::market::parse_symbol;
use super::signals::service::{self as signals, SignalDeps};
use super::signals::store as signal_store;
use super::watchlists::service::{self as watchlists, WatchlistDeps};
use crate::wire::dashboard::{Dashboard, LatestSignal, SignalSummary, SymbolCard};

/// Closes drawn in a card's sparkline.
pub const SPARKLINE_BARS: usize = 30;
/// Signals listed under "recent".
pub const RECENT_SIGNALS: i64 = 8;

/// The overview reads watchlists and signals: it takes both services' handles.
pub async fn overview(
    lists_deps: &WatchlistDeps,
    signal_deps: &SignalDeps,
    user: &CurrentUser,
) -> Result<Dashboard, ApiError> {
    let lists = watchlists::list(lists_deps, user).await?;
    // Each symbol once, in the order of first appearance.
    let mut seen = BTreeSet::new();
    let symbols: Vec<String> = lists
        .watchlists
        .iter()
        .flat_map(|w| w.symbols.iter())
        .filter(|s| seen.insert(s.to_string()))
        .cloned()
        .collect();
    let latest = signal_store::latest_per_symbol(&signal_deps.db, &user.id, &symbols).await?;
    let mut cards = Vec::with_capacity(symbols.len());
    for symbol in &symbols {
        let latest_signal = latest
            .iter()
            .find(|row| row.symbol.as_str() == symbol.as_str())
            .map(|row| LatestSignal {
                id: row.id.clone(),
                signal: row.signal.as_str().to_string(),
                confidence: row.confidence,
                model: row.model.as_str().to_string(),
                ts: format_day(row.ts),
            });
        cards.push(card(lists_deps, user, symbol, latest_signal).await);
    }
    let summary = SignalSummary::count(
        cards
            .iter()
            .filter_map(|c| c.latest_signal.as_ref().map(|s| s.signal.as_str())),
    );
    let (recent, _) = signals::list(signal_deps, user, &Default::default(), RECENT_SIGNALS).await?;
    Ok(Dashboard {
        known_symbols: lists_deps
            .market
            .known_symbols(&lists_deps.db, &user.id)
            .await?,
        watchlists: lists,
        cards,
        summary,
        recent,
    })
}

/// A symbol's card; a symbol whose prices cannot be had still gets one, saying why.
async fn card(
    deps: &WatchlistDeps,
    user: &CurrentUser,
    symbol: &str,
    latest_signal: Option<LatestSignal>,
) -> SymbolCard {
    let empty = |error: String| SymbolCard {
        symbol: symbol.to_string(),
        last_day: String::new(),
        last_price: 0.0,
        change: 0.0,
        change_pct: 0.0,
        sparkline: Vec::new(),
        is_stale: false,
        is_demo: false,
        latest_signal: latest_signal.clone(),
        error: Some(error),
    };
    let series = match parse_symbol(symbol) {
        Ok(parsed) => deps.market.series(&deps.db, &parsed, Some(&user.id)).await,
        Err(error) => Err(error),
    };
    let series = match series {
        Ok(series) => series,
        Err(error) => {
            let message = error
                .message
                .unwrap_or_else(|| error.code.message().to_string());
            return empty(format!("{}: {message}", error.code.as_str()));
        }
    };
    let bars = &series.bars;
    let Some(last) = bars.last() else {
        return empty("no prices".into());
    };
    let previous = bars
        .len()
        .checked_sub(2)
        .map_or(last.close, |i| bars[i].close);
    let change = last.close - previous;
    SymbolCard {
        symbol: symbol.to_string(),
        last_day: format_day(last.ts),
        last_price: last.close,
        change,
        change_pct: if previous != 0.0 {
            change / previous * 100.0
        } else {
            0.0
        },
        sparkline: bars[bars.len().saturating_sub(SPARKLINE_BARS)..]
            .iter()
            .map(|b| b.close)
            .collect(),
        is_stale: series.is_stale,
        is_demo: series.is_demo,
        latest_signal,
        error: None,
    }
}
