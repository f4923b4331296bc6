//! Backtests for the API: the user's series (cut to from/to), the engine on the
//! blocking pool, and results dated for the wire.

use serde_json::{json, Value};

use crate::backtest::{self, stats, Settings};
use crate::error_catalog::ErrorCode;
use crate::market::{between, Columns, DAY_SECS};
use crate::server::api_error::ApiError;
use crate::server::app_state::AppState;
use crate::server::auth::current_user::CurrentUser;
use crate::server::market::dates::format_day;
use crate::server::market::{parse_range, parse_symbol};
use crate::wire::backtest::{BacktestRequest, EquityPoint, TradeView};

const MAX_CASH: f64 = 1e12;
const MAX_COMMISSION: f64 = 0.1;

pub async fn run(
    state: &AppState,
    user: &CurrentUser,
    request: BacktestRequest,
) -> Result<Value, ApiError> {
    let symbol = parse_symbol(&request.symbol)?;
    request
        .strategy
        .validate()
        .map_err(|reason| ApiError::invalid_field("strategy", &reason))?;
    if !(request.cash.is_finite() && request.cash > 0.0 && request.cash <= MAX_CASH) {
        return Err(ApiError::invalid_field(
            "cash",
            "must be above 0 and at most 1e12",
        ));
    }
    if !(request.commission.is_finite() && (0.0..=MAX_COMMISSION).contains(&request.commission)) {
        return Err(ApiError::invalid_field(
            "commission",
            "must be a fraction from 0 to 0.1",
        ));
    }
    let (from, to) = parse_range(request.from.as_deref(), request.to.as_deref())?;
    let series = state
        .market
        .series(&state.db, &symbol, Some(&user.id))
        .await?;
    let bars = between(&series.bars, from, to).to_vec();
    let needed = request.strategy.warmup() + 2;
    if bars.len() < needed {
        return Err(ApiError::new(ErrorCode::InsufficientData).with_details(
            json!({ "symbol": symbol.as_str(), "bars": bars.len(), "needed": needed }),
        ));
    }
    let settings = Settings {
        cash: request.cash,
        commission: request.commission,
        allow_short: request.allow_short,
    };
    let strategy = request.strategy;
    // A model strategy evaluates the model on every bar: keep it off the async workers.
    let (outcome, statistics, days) = tokio::task::spawn_blocking(move || {
        let columns = Columns::of(&bars);
        let outcome = backtest::run(&columns.ohlcv(), &strategy, settings);
        let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
        let statistics = stats::compute(&outcome, &days, &columns.close, |d| {
            format_day(d * DAY_SECS)
        });
        (outcome, statistics, days)
    })
    .await
    .map_err(|e| ApiError::internal("backtest task failed", e))?;

    let mut peak = f64::MIN;
    let equity: Vec<EquityPoint> = outcome
        .equity
        .iter()
        .zip(&days)
        .map(|(e, d)| {
            peak = peak.max(*e);
            EquityPoint {
                ts: format_day(d * DAY_SECS),
                equity: *e,
                drawdown_pct: if peak > 0.0 {
                    (1.0 - e / peak) * 100.0
                } else {
                    0.0
                },
            }
        })
        .collect();
    let trades: Vec<TradeView> = outcome
        .trades
        .iter()
        .map(|t| TradeView {
            entry_ts: format_day(days[t.entry_bar] * DAY_SECS),
            exit_ts: format_day(days[t.exit_bar] * DAY_SECS),
            side: if t.size > 0 { "long" } else { "short" }.to_string(),
            size: t.size.abs(),
            entry_price: t.entry_price,
            exit_price: t.exit_price,
            pnl: t.pnl,
            return_pct: t.return_pct * 100.0,
        })
        .collect();
    Ok(json!({
        "symbol": symbol.as_str(),
        "is_demo": series.is_demo,
        "is_stale": series.is_stale,
        "strategy": strategy,
        "stats": statistics,
        "equity": equity,
        "trades": trades,
    }))
}
