//! The market page's data for one symbol: the user's series, the indicators the
//! chart draws (on the whole history, as `/api/v1/indicators` computes them), and
//! the user's signals on it.

use crate::indicators::{moving_average, oscillators, trend, volatility};
use crate::market::Columns;
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::db::Database;
use crate::server::market::dates::format_day;
use crate::server::market::parse_symbol;
use crate::server::market::service::MarketData;
use crate::server::signals::{service as signals, store as signal_store};
use crate::wire::market_view::{MarketView, SignalMarker};

/// Signals drawn as markers, newest first.
const MAX_MARKERS: i64 = 1_000;

pub async fn market_view(
    db: &Database,
    market: &MarketData,
    user: &CurrentUser,
    raw_symbol: &str,
) -> Result<MarketView, ApiError> {
    let symbol = parse_symbol(raw_symbol)?;
    let series = market.series(db, &symbol, Some(&user.id)).await?;
    let filter = signal_store::Filter {
        symbols: vec![symbol.clone()],
        ..Default::default()
    };
    let rows = signal_store::list(db, &user.id, &filter, MAX_MARKERS).await?;
    let latest = rows.first().map(signals::view).transpose()?;
    let markers = rows
        .iter()
        .filter(|row| row.signal != crate::signals::Action::Hold)
        .map(|row| SignalMarker {
            day: format_day(row.ts),
            signal: row.signal.as_str().to_string(),
            price: row.price,
        })
        .collect();

    let columns = Columns::of(&series.bars);
    let close = &columns.close;
    let bands = volatility::bbands(close, 20, 2.0, 2.0);
    let macd = trend::macd(close, 12, 26, 9);
    Ok(MarketView {
        symbol: symbol.as_str().to_string(),
        is_demo: series.is_demo,
        is_stale: series.is_stale,
        days: series.bars.iter().map(|b| format_day(b.ts)).collect(),
        sma20: gaps(moving_average::sma(close, 20)),
        sma50: gaps(moving_average::sma(close, 50)),
        sma200: gaps(moving_average::sma(close, 200)),
        bb_upper: gaps(bands.upper),
        bb_middle: gaps(bands.middle),
        bb_lower: gaps(bands.lower),
        rsi14: gaps(oscillators::rsi(close, 14)),
        macd: gaps(macd.macd),
        macd_signal: gaps(macd.signal),
        macd_hist: gaps(macd.hist),
        open: columns.open,
        high: columns.high,
        low: columns.low,
        close: columns.close,
        volume: columns.volume,
        markers,
        latest,
    })
}

/// NaN (warm-up) as `None`, which JSON carries as `null`.
fn gaps(values: Vec<f64>) -> Vec<Option<f64>> {
    values
        .into_iter()
        .map(|v| v.is_finite().then_some(v))
        .collect()
}
