//! Parameter optimisation for the API and the command line: the request checked at
//! the edge (grid, objective, tier caps, compute budget) before any work, the sweep
//! on every core in the compute pool, and the answer dated for the wire.

use std::sync::Arc;

use serde_json::json;

use super::backtests::{check_budget, checked_folds, checked_settings, checked_walk_forward};
use crate::backtest::grid::Grid;
use crate::backtest::optimize::{heatmap, Market, Objective, Plan, Run, WalkForwardResult, Work};
use crate::backtest::walk_forward::{Fold, WalkForward};
use crate::backtest::{sweep_cost, Settings};
use crate::domain::symbol::Symbol;
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::market::{span, Columns, DAY_SECS};
use crate::server::api_error::ApiError;
use crate::server::auth::current_user::CurrentUser;
use crate::server::backtests::BacktestDeps;
use crate::server::compute::ComputePool;
use crate::server::market::dates::format_day;
use crate::server::market::service::Series;
use crate::server::market::{parse_range, parse_symbol};
use crate::wire::optimize::{
    FoldView, OptimizeReport, OptimizeRequest, OptimizeRun, WalkForwardOptimization,
};

/// An optimisation request checked once, at the edge.
pub struct OptimizePlan {
    pub symbol: Symbol,
    pub grid: Grid,
    objective: Objective,
    settings: Settings,
    walk_forward: Option<WalkForward>,
    from: Option<i64>,
    to: Option<i64>,
}

impl OptimizePlan {
    /// Combinations in the grid, skipped ones included.
    pub fn combinations(&self) -> u64 {
        self.grid.len()
    }
}

impl TryFrom<OptimizeRequest> for OptimizePlan {
    type Error = ApiError;

    fn try_from(request: OptimizeRequest) -> Result<OptimizePlan, ApiError> {
        let symbol = parse_symbol(&request.symbol)?;
        let grid = Grid::parse(&request.strategy)
            .map_err(|reason| ApiError::invalid_field("strategy", &reason))?;
        let objective = Objective::new(&request.maximize, request.minimize)
            .map_err(|reason| ApiError::invalid_field("maximize", &reason))?;
        let settings = checked_settings(request.cash, request.commission, request.allow_short)?;
        let walk_forward = checked_walk_forward(request.walk_forward)?;
        let (from, to) = parse_range(request.from.as_deref(), request.to.as_deref())?;
        Ok(OptimizePlan {
            symbol,
            grid,
            objective,
            settings,
            walk_forward,
            from,
            to,
        })
    }
}

/// Refuses a grid larger than the tier's cap on combinations per request.
fn check_combinations(plan: &OptimizePlan, tier: Tier) -> Result<(), ApiError> {
    let limit = tier.limits().optimize_combinations;
    let combinations = plan.combinations();
    if combinations > u64::from(limit) {
        return Err(
            ApiError::new(ErrorCode::TooManyCombinations).with_details(json!({
                "combinations": combinations,
                "limit": limit,
                "tier": tier.as_str(),
            })),
        );
    }
    Ok(())
}

/// A user's sweep on their own series, within their tier's caps.
pub async fn optimize(
    deps: &BacktestDeps,
    user: &CurrentUser,
    request: OptimizeRequest,
) -> Result<OptimizeReport, ApiError> {
    let plan = OptimizePlan::try_from(request)?;
    check_combinations(&plan, user.tier)?;
    let series = deps
        .market
        .series(&deps.db, &plan.symbol, Some(&user.id))
        .await?;
    report(
        &deps.compute,
        &series,
        plan,
        Some(user.tier),
        Arc::new(|| {}),
    )
    .await
}

/// Runs `plan` on `series` in the compute pool. `tier` sets the compute budget
/// (`None`: the operator's command line, unbounded); `progress` hears every run.
pub async fn report(
    compute: &ComputePool,
    series: &Series,
    plan: OptimizePlan,
    tier: Option<Tier>,
    progress: Arc<dyn Fn() + Send + Sync>,
) -> Result<OptimizeReport, ApiError> {
    let OptimizePlan {
        symbol,
        grid,
        objective,
        settings,
        walk_forward,
        from,
        to,
    } = plan;
    let range = span(&series.bars, from, to);
    let bars = series.bars[range.clone()].to_vec();
    let columns = Columns::of(&bars);
    let sweep = Plan::new(grid, &columns.ohlcv());
    if sweep.runnable.is_empty() {
        return Err(ApiError::invalid_field(
            "strategy",
            &format!(
                "the strategy forbids every one of the {} combinations",
                sweep.skipped
            ),
        ));
    }
    let strategies: Vec<_> = sweep.runnable.iter().map(|(_, s)| *s).collect();
    let needed = strategies.iter().map(|s| s.warmup()).max().unwrap_or(0) + 2;
    if bars.len() < needed {
        return Err(ApiError::new(ErrorCode::InsufficientData).with_details(
            json!({ "symbol": symbol.as_str(), "bars": bars.len(), "needed": needed }),
        ));
    }
    let folds = match &walk_forward {
        Some(wf) => Some((*wf, checked_folds(wf, range.clone(), &symbol)?)),
        None => None,
    };
    let fold_windows = folds.as_ref().map_or(&[][..], |(_, f)| f.as_slice());
    check_budget(sweep_cost(&strategies, bars.len(), fold_windows), tier)?;

    let all_bars = series.bars.clone();
    let threads = compute.threads;
    let ranked = objective.clone();
    let (sweep, runs, walk_forward) = compute
        .run(move |cancel| {
            let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
            let market = Market {
                bars: columns.ohlcv(),
                days: &days,
                format_day: &|d| format_day(d * DAY_SECS),
            };
            let work = Work {
                threads,
                cancel,
                progress: &*progress,
            };
            let runs = sweep.sweep(&market, 0..bars.len(), settings, work)?;
            let walk_forward = match folds {
                Some((wf, folds)) => {
                    // Folds index the whole series, as a walk-forward backtest's do.
                    let all_columns = Columns::of(&all_bars);
                    let all_days: Vec<i64> = all_bars.iter().map(|b| b.ts / DAY_SECS).collect();
                    let whole = Market {
                        bars: all_columns.ohlcv(),
                        days: &all_days,
                        format_day: &|d| format_day(d * DAY_SECS),
                    };
                    let on_whole = Plan::new(sweep.grid.clone(), &whole.bars);
                    let result = on_whole.walk_forward(&whole, &folds, &ranked, settings, work)?;
                    Some(fold_report(&on_whole, wf, &folds, result, &all_days))
                }
                None => None,
            };
            Some((sweep, runs, walk_forward))
        })
        .await?;

    let best = objective
        .best(runs.iter().map(|r| &r.stats))
        .map(|i| view(&sweep, &runs[i]));
    Ok(OptimizeReport {
        symbol: symbol.as_str().to_string(),
        is_demo: series.is_demo,
        is_stale: series.is_stale,
        strategy: sweep.grid.strategy_name().to_string(),
        maximize: objective.statistic.clone(),
        minimize: objective.minimize,
        runs: runs.len(),
        skipped: sweep.skipped,
        best,
        heatmap: heatmap(&sweep.grid, &runs, &objective),
        results: runs.iter().map(|run| view(&sweep, run)).collect(),
        walk_forward,
    })
}

fn view(plan: &Plan, run: &Run) -> OptimizeRun {
    OptimizeRun {
        params: plan.grid.params(run.index),
        stats: run.stats.clone(),
    }
}

fn fold_report(
    plan: &Plan,
    wf: WalkForward,
    folds: &[Fold],
    result: WalkForwardResult,
    days: &[i64],
) -> WalkForwardOptimization {
    let day = |bar: usize| format_day(days[bar] * DAY_SECS);
    WalkForwardOptimization {
        train: wf.train,
        test: wf.test,
        folds: folds
            .iter()
            .zip(result.folds)
            .map(|(fold, choice)| FoldView {
                train_start: day(fold.train.start),
                train_end: day(fold.train.end - 1),
                test_start: day(fold.test.start),
                test_end: day(fold.test.end - 1),
                params: plan.grid.params(choice.index),
                in_sample: choice.in_sample,
                out_of_sample: choice.out_of_sample,
            })
            .collect(),
        out_of_sample: result.out_of_sample,
    }
}
