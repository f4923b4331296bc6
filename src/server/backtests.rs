//! Backtests for the API: the user's series (cut to from/to), the engine on the
//! blocking pool, and results dated for the wire.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::backtest::benchmark;
use crate::backtest::monte_carlo::{self, MonteCarlo};
use crate::backtest::walk_forward::{self, Summary, WalkForward, MAX_FOLDS};
use crate::backtest::{self, stats, Cancel, Outcome, Settings, Strategy};
use crate::domain::symbol::Symbol;
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::market::{span, Bar, Columns, DAY_SECS};
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::compute::ComputePool;
use crate::server::db::Database;
use crate::server::market::dates::format_day;
use crate::server::market::service::MarketData;
use crate::server::market::service::Series;
use crate::server::market::{parse_range, parse_symbol};
use crate::wire::backtest::{BacktestReport, BacktestRequest, EquityPoint, TradeView};

const MAX_CASH: f64 = 1e12;
const MAX_COMMISSION: f64 = 0.1;

/// A backtest request checked once, at the edge: symbol, strategy, money, folds, days.
pub struct BacktestPlan {
    pub symbol: Symbol,
    strategy: Strategy,
    settings: Settings,
    walk_forward: Option<WalkForward>,
    from: Option<i64>,
    to: Option<i64>,
    pub benchmark: Option<Symbol>,
    monte_carlo: Option<MonteCarlo>,
}

impl TryFrom<BacktestRequest> for BacktestPlan {
    type Error = ApiError;

    fn try_from(request: BacktestRequest) -> Result<BacktestPlan, ApiError> {
        validate(request)
    }
}

/// What backtests use: the database and series to test on, the compute pool to run in.
#[derive(Clone)]
pub struct BacktestDeps {
    pub db: Database,
    pub market: Arc<MarketData>,
    pub compute: Arc<ComputePool>,
}

/// A user's backtest on their own series, within their tier's compute budget.
pub async fn run(
    deps: &BacktestDeps,
    user: &CurrentUser,
    request: BacktestRequest,
) -> Result<BacktestReport, ApiError> {
    let plan = BacktestPlan::try_from(request)?;
    let series = deps
        .market
        .series(&deps.db, &plan.symbol, Some(&user.id))
        .await?;
    let benchmark = match &plan.benchmark {
        Some(symbol) => Some(deps.market.series(&deps.db, symbol, Some(&user.id)).await?),
        None => None,
    };
    report(
        &deps.compute,
        &series,
        benchmark.as_ref(),
        plan,
        Some(user.tier),
    )
    .await
}

fn validate(request: BacktestRequest) -> Result<BacktestPlan, ApiError> {
    let symbol = parse_symbol(&request.symbol)?;
    request
        .strategy
        .validate()
        .map_err(|reason| ApiError::invalid_field("strategy", &reason))?;
    let settings = checked_settings(request.cash, request.commission, request.allow_short)?;
    let walk_forward = checked_walk_forward(request.walk_forward)?;
    let (from, to) = parse_range(request.from.as_deref(), request.to.as_deref())?;
    let benchmark = request.benchmark.as_deref().map(parse_symbol).transpose()?;
    if let Some(plan) = &request.monte_carlo {
        plan.validate()
            .map_err(|reason| ApiError::invalid_field("monte_carlo", &reason))?;
    }
    Ok(BacktestPlan {
        symbol,
        strategy: request.strategy,
        settings,
        walk_forward,
        from,
        to,
        benchmark,
        monte_carlo: request.monte_carlo,
    })
}

/// The money of a backtest or a sweep, checked.
pub(crate) fn checked_settings(
    cash: f64,
    commission: f64,
    allow_short: bool,
) -> Result<Settings, ApiError> {
    if !(cash.is_finite() && cash > 0.0 && cash <= MAX_CASH) {
        return Err(ApiError::invalid_field(
            "cash",
            "must be above 0 and at most 1e12",
        ));
    }
    if !(commission.is_finite() && (0.0..=MAX_COMMISSION).contains(&commission)) {
        return Err(ApiError::invalid_field(
            "commission",
            "must be a fraction from 0 to 0.1",
        ));
    }
    Ok(Settings {
        cash,
        commission,
        allow_short,
    })
}

pub(crate) fn checked_walk_forward(
    plan: Option<WalkForward>,
) -> Result<Option<WalkForward>, ApiError> {
    if let Some(plan) = &plan {
        plan.validate()
            .map_err(|reason| ApiError::invalid_field("walk_forward", &reason))?;
    }
    Ok(plan)
}

/// The whole train + test folds of `plan` inside `range` (1 to [`MAX_FOLDS`]), or
/// `INSUFFICIENT_DATA` saying why.
pub(crate) fn checked_folds(
    plan: &WalkForward,
    range: std::ops::Range<usize>,
    symbol: &Symbol,
) -> Result<Vec<walk_forward::Fold>, ApiError> {
    let folds = plan.folds(range.clone());
    if folds.is_empty() || folds.len() > MAX_FOLDS {
        return Err(
            ApiError::new(ErrorCode::InsufficientData).with_details(json!({
                "symbol": symbol.as_str(),
                "bars": range.len(),
                "walk_forward": plan,
                "reason": format!("the range must hold 1 to {MAX_FOLDS} whole train + test folds"),
            })),
        );
    }
    Ok(folds)
}

/// Refuses work estimated above the tier's compute budget (`None`: the command line).
pub(crate) fn check_budget(estimate: u64, tier: Option<Tier>) -> Result<(), ApiError> {
    let Some(tier) = tier else {
        return Ok(());
    };
    let budget = tier.limits().backtest_budget;
    if estimate > budget {
        return Err(
            ApiError::new(ErrorCode::ComputeBudgetExceeded).with_details(json!({
                "estimate": estimate,
                "limit": budget,
                "tier": tier.as_str(),
                "unit": "bar evaluations",
            })),
        );
    }
    Ok(())
}

/// Runs `plan` on `series` in the compute pool, against `benchmark`'s series when the
/// plan names one. `tier` sets the compute budget (`None`: the operator's command
/// line, unbounded).
pub async fn report(
    compute: &ComputePool,
    series: &Series,
    benchmark: Option<&Series>,
    plan: BacktestPlan,
    tier: Option<Tier>,
) -> Result<BacktestReport, ApiError> {
    let BacktestPlan {
        symbol,
        strategy,
        settings,
        walk_forward: walk_forward_plan,
        from,
        to,
        benchmark: benchmark_symbol,
        monte_carlo: monte_carlo_plan,
    } = plan;
    let range = span(&series.bars, from, to);
    let bars = series.bars[range.clone()].to_vec();
    let needed = strategy.warmup() + 2;
    if bars.len() < needed {
        return Err(ApiError::new(ErrorCode::InsufficientData).with_details(
            json!({ "symbol": symbol.as_str(), "bars": bars.len(), "needed": needed }),
        ));
    }
    let folds = match &walk_forward_plan {
        Some(plan) => Some((*plan, checked_folds(plan, range.clone(), &symbol)?)),
        None => None,
    };
    let fold_windows = folds
        .as_ref()
        .map_or(&[][..], |(_, folds)| folds.as_slice());
    // Monte Carlo's share is bounded by one step per bar and run (trades ≤ bars).
    let simulation_cost = monte_carlo_plan.map_or(0, |plan| plan.cost(bars.len(), bars.len()));
    check_budget(
        backtest::estimated_cost(&strategy, bars.len(), fold_windows)
            .saturating_add(simulation_cost),
        tier,
    )?;
    let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
    let benchmark_closes = match (&benchmark_symbol, benchmark) {
        (Some(name), Some(bench)) => Some((name.clone(), benchmark_closes(name, bench, &days)?)),
        _ => None,
    };
    let seed = monte_carlo_plan.map(|plan| plan.seed.unwrap_or_else(rand::random));
    let all_bars = series.bars.clone();
    let closes = benchmark_closes.clone();
    // A model strategy evaluates the model on every bar: keep it off the async workers.
    let (outcome, statistics, days, walk_forward, comparison, simulation) = compute
        .run(move |cancel| {
            let columns = Columns::of(&bars);
            let outcome = backtest::run_until(&columns.ohlcv(), &strategy, settings, cancel)?;
            let mut statistics = stats::compute(&outcome, &days, &columns.close, |d| {
                format_day(d * DAY_SECS)
            });
            let comparison = closes.map(|(name, closes)| {
                benchmark::compare(
                    name.as_str(),
                    &mut statistics,
                    &outcome.equity,
                    outcome.warmup,
                    &closes,
                )
            });
            let simulation = match (monte_carlo_plan, seed) {
                (Some(plan), Some(seed)) => Some(monte_carlo::simulate(
                    &outcome,
                    settings.cash,
                    &plan,
                    seed,
                    cancel,
                )?),
                _ => None,
            };
            let walk_forward = match folds {
                Some((plan, folds)) => Some(walk_forward_report(
                    &all_bars, &strategy, settings, plan, &folds, cancel,
                )?),
                None => None,
            };
            Some((
                outcome,
                statistics,
                days,
                walk_forward,
                comparison,
                simulation,
            ))
        })
        .await?;

    let mut peak = f64::MIN;
    let first_close = series.bars[range.clone()].first().map_or(1.0, |b| b.close);
    let held_benchmark = |i: usize| {
        benchmark_closes
            .as_ref()
            .map(|(_, closes)| settings.cash * closes[i] / closes[0])
    };
    let equity: Vec<EquityPoint> = outcome
        .equity
        .iter()
        .zip(&days)
        .zip(&series.bars[range])
        .enumerate()
        .map(|(i, ((e, d), bar))| {
            peak = peak.max(*e);
            EquityPoint {
                ts: format_day(d * DAY_SECS),
                equity: *e,
                drawdown_pct: if peak > 0.0 {
                    (1.0 - e / peak) * 100.0
                } else {
                    0.0
                },
                buy_and_hold: settings.cash * bar.close / first_close,
                benchmark: held_benchmark(i),
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
    Ok(BacktestReport {
        symbol: symbol.as_str().to_string(),
        is_demo: series.is_demo,
        is_stale: series.is_stale,
        strategy,
        stats: statistics,
        equity,
        trades,
        walk_forward,
        benchmark: comparison,
        monte_carlo: simulation.map(|mut simulation| {
            if simulation.axis == "bar" {
                for band in &mut simulation.bands {
                    band.ts = days.get(band.step).map(|d| format_day(d * DAY_SECS));
                }
            }
            simulation
        }),
    })
}

/// `bench`'s closes on `days`, or `INSUFFICIENT_DATA` when it starts after them.
pub(crate) fn benchmark_closes(
    symbol: &Symbol,
    bench: &Series,
    days: &[i64],
) -> Result<Vec<f64>, ApiError> {
    let bench_days: Vec<i64> = bench.bars.iter().map(|b| b.ts / DAY_SECS).collect();
    let bench_close: Vec<f64> = bench.bars.iter().map(|b| b.close).collect();
    benchmark::aligned_closes(days, &bench_days, &bench_close).ok_or_else(|| {
        ApiError::new(ErrorCode::InsufficientData).with_details(json!({
            "benchmark": symbol.as_str(),
            "bars": bench.bars.len(),
            "reason": format!(
                "the benchmark has no bar on or before {}",
                days.first().map_or(String::new(), |d| format_day(d * DAY_SECS))
            ),
        }))
    })
}

/// Each fold's train and test statistics, both sides summed up, and how much of the
/// train windows' growth the test windows kept.
fn walk_forward_report(
    bars: &[Bar],
    strategy: &Strategy,
    settings: Settings,
    plan: WalkForward,
    folds: &[walk_forward::Fold],
    cancel: &Cancel,
) -> Option<Value> {
    let columns = Columns::of(bars);
    let ohlcv = columns.ohlcv();
    let outcomes = walk_forward::run_until(&ohlcv, strategy, settings, folds, cancel)?;
    let window_stats = |outcome: &Outcome, window: &std::ops::Range<usize>| {
        let days: Vec<i64> = bars[window.clone()]
            .iter()
            .map(|b| b.ts / DAY_SECS)
            .collect();
        stats::compute(outcome, &days, &columns.close[window.clone()], |d| {
            format_day(d * DAY_SECS)
        })
    };
    let fold_reports: Vec<Value> = folds
        .iter()
        .zip(&outcomes)
        .map(|(fold, (train, test))| {
            json!({
                "train": window_stats(train, &fold.train),
                "test": window_stats(test, &fold.test),
            })
        })
        .collect();
    let trains: Vec<&Outcome> = outcomes.iter().map(|(train, _)| train).collect();
    let tests: Vec<&Outcome> = outcomes.iter().map(|(_, test)| test).collect();
    let in_sample = Summary::of(&trains);
    let out_of_sample = Summary::of(&tests);
    let efficiency = match (&in_sample, &out_of_sample) {
        (Some(i), Some(o)) => walk_forward::efficiency(i, o),
        _ => None,
    };
    Some(json!({
        "train": plan.train,
        "test": plan.test,
        "in_sample": in_sample,
        "out_of_sample": out_of_sample,
        "efficiency": efficiency,
        "folds": fold_reports,
    }))
}
