//! Parameter optimisation on the wire: `POST /api/v1/backtest/optimize`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::backtest::optimize::Heatmap;
use crate::backtest::stats::Stats;
use crate::backtest::walk_forward::WalkForward;

/// The body of `/api/v1/backtest`, where each numeric strategy parameter may be a
/// number, a list of numbers or `{"start","stop","step"}` (stop inclusive).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptimizeRequest {
    pub symbol: String,
    /// `{"type":"sma_cross","fast":{"start":5,"stop":25,"step":1},"slow":[30,50,100]}`.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub strategy: Value,
    #[serde(default = "default_cash")]
    pub cash: f64,
    #[serde(default = "default_commission")]
    pub commission: f64,
    #[serde(default)]
    pub allow_short: bool,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// The statistic to rank by (any numeric statistic name); backtesting.py's default.
    #[serde(default = "default_maximize")]
    pub maximize: String,
    /// Rank the smallest first (e.g. `"Max. Drawdown Duration"`).
    #[serde(default)]
    pub minimize: bool,
    /// Optimise on each train window, test the choice on the window after it.
    #[serde(default)]
    pub walk_forward: Option<WalkForward>,
}

fn default_cash() -> f64 {
    10_000.0
}

fn default_commission() -> f64 {
    0.002
}

fn default_maximize() -> String {
    "SQN".into()
}

/// One combination: its parameters and full statistics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptimizeRun {
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub params: Map<String, Value>,
    pub stats: Stats,
}

/// One walk-forward fold: its windows (first and last day), the parameters its
/// train window chose, and their statistics on both windows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FoldView {
    pub train_start: String,
    pub train_end: String,
    pub test_start: String,
    pub test_end: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub params: Map<String, Value>,
    pub in_sample: Stats,
    pub out_of_sample: Stats,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WalkForwardOptimization {
    pub train: usize,
    pub test: usize,
    pub folds: Vec<FoldView>,
    /// The test windows stitched into one account, each starting with the equity
    /// the one before ended with.
    pub out_of_sample: Stats,
}

/// `POST /api/v1/backtest/optimize`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptimizeReport {
    pub symbol: String,
    pub is_demo: bool,
    pub is_stale: bool,
    /// The strategy type swept (`sma_cross`, `rsi_reversion`, `model`).
    pub strategy: String,
    pub maximize: String,
    pub minimize: bool,
    /// Combinations run.
    pub runs: usize,
    /// Combinations the strategy forbids (such as fast ≥ slow), not run.
    pub skipped: usize,
    /// The run that ranks first (ties: the first in grid order).
    pub best: Option<OptimizeRun>,
    /// Every run, in grid order (the first parameter outermost).
    pub results: Vec<OptimizeRun>,
    /// Over the first two swept parameters; `null` when nothing is swept.
    pub heatmap: Option<Heatmap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_forward: Option<WalkForwardOptimization>,
}

/// What the dashboard shows of one heatmap cell (its tooltip and its link).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellSummary {
    pub params: Map<String, Value>,
    pub return_pct: f64,
    pub max_drawdown: f64,
    pub sharpe: Option<f64>,
    pub trades: usize,
}

/// The dashboard's view of a sweep: the report without every run (a pro sweep holds
/// 10 000 of them), the best few, and a summary behind each heatmap cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizeView {
    pub symbol: String,
    pub is_demo: bool,
    pub strategy: String,
    pub maximize: String,
    pub minimize: bool,
    pub runs: usize,
    pub skipped: usize,
    /// The best runs, best first.
    pub top: Vec<OptimizeRun>,
    pub heatmap: Option<Heatmap>,
    /// `cells[j][i]` is the run behind `heatmap.values[j][i]`.
    pub cells: Vec<Vec<Option<CellSummary>>>,
    pub walk_forward: Option<WalkForwardOptimization>,
}

impl OptimizeView {
    pub fn of(report: OptimizeReport, top: usize) -> Result<OptimizeView, String> {
        let objective =
            crate::backtest::optimize::Objective::new(&report.maximize, report.minimize)?;
        let ranked = objective.ranked(report.results.iter().map(|r| &r.stats));
        let summary = |k: usize| {
            let run = &report.results[k];
            CellSummary {
                params: run.params.clone(),
                return_pct: run.stats.return_pct,
                max_drawdown: run.stats.max_drawdown,
                sharpe: run.stats.sharpe,
                trades: run.stats.trades,
            }
        };
        let cells = report.heatmap.as_ref().map_or(Vec::new(), |map| {
            map.chosen
                .iter()
                .map(|row| row.iter().map(|k| k.map(summary)).collect())
                .collect()
        });
        Ok(OptimizeView {
            top: ranked
                .into_iter()
                .take(top)
                .map(|k| report.results[k].clone())
                .collect(),
            cells,
            symbol: report.symbol,
            is_demo: report.is_demo,
            strategy: report.strategy,
            maximize: report.maximize,
            minimize: report.minimize,
            runs: report.runs,
            skipped: report.skipped,
            heatmap: report.heatmap,
            walk_forward: report.walk_forward,
        })
    }
}
