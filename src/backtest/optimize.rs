//! Parameter sweeps: every combination of a grid backtested with full statistics, the
//! best by one statistic, the heatmap over the first two swept parameters, and
//! walk-forward optimisation. What combinations share is computed once (each moving
//! average once per window length), and the runs are spread over `threads` threads.
//! Pure: no I/O.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

use super::cancel::Cancel;
use super::engine::{run_prepared_window, Outcome};
use super::grid::Grid;
use super::stats::{self, Stats};
use super::strategy::Prepared;
use super::walk_forward::Fold;
use super::{Settings, Strategy};
use crate::indicators::{moving_average, oscillators, Ohlcv};

/// What a sweep ranks runs by: a numeric statistic (see [`stats::NUMERIC`]), highest
/// first unless `minimize`.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    pub statistic: String,
    pub minimize: bool,
}

impl Objective {
    pub fn new(statistic: &str, minimize: bool) -> Result<Objective, String> {
        if !stats::NUMERIC.contains(&statistic) {
            return Err(format!(
                "{statistic:?} is not a numeric statistic; one of: {}",
                stats::NUMERIC.join(", ")
            ));
        }
        Ok(Objective {
            statistic: statistic.to_string(),
            minimize,
        })
    }

    fn score(&self, stats: &Stats) -> Option<f64> {
        stats.value(&self.statistic).flatten()
    }

    /// Whether `candidate` beats `best`: a run without the statistic never does, and
    /// a tie keeps the earlier one.
    fn beats(&self, candidate: Option<f64>, best: Option<f64>) -> bool {
        match (candidate, best) {
            (Some(c), Some(b)) => {
                if self.minimize {
                    c < b
                } else {
                    c > b
                }
            }
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Indices into `runs`, best first; ties and runs without the statistic (last)
    /// keep grid order.
    pub fn ranked<'a>(&self, runs: impl IntoIterator<Item = &'a Stats>) -> Vec<usize> {
        let scores: Vec<Option<f64>> = runs.into_iter().map(|s| self.score(s)).collect();
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| match (scores[a], scores[b]) {
            (Some(x), Some(y)) if self.minimize => x.total_cmp(&y),
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        order
    }

    /// The index (into `runs`) of the best run; the first when none has the statistic.
    pub fn best<'a>(&self, runs: impl IntoIterator<Item = &'a Stats>) -> Option<usize> {
        let mut best: Option<(usize, Option<f64>)> = None;
        for (i, stats) in runs.into_iter().enumerate() {
            let score = self.score(stats);
            match best {
                Some((_, b)) if !self.beats(score, b) => {}
                _ => best = Some((i, score)),
            }
        }
        best.map(|(i, _)| i)
    }
}

/// The bars a sweep runs on, with their day numbers and a way to write a day.
pub struct Market<'a> {
    pub bars: Ohlcv<'a>,
    pub days: &'a [i64],
    pub format_day: &'a (dyn Fn(i64) -> String + Sync),
}

impl Market<'_> {
    fn stats(&self, outcome: &Outcome, window: Range<usize>) -> Stats {
        stats::compute(
            outcome,
            &self.days[window.clone()],
            &self.bars.close[window],
            self.format_day,
        )
    }
}

/// How a sweep runs: over `threads` threads, until `cancel` is set, telling
/// `progress` of every finished run.
#[derive(Clone, Copy)]
pub struct Work<'a> {
    pub threads: usize,
    pub cancel: &'a Cancel,
    pub progress: &'a (dyn Fn() + Sync),
}

/// One combination's result, `index` its place in grid order.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub index: usize,
    pub stats: Stats,
}

/// The combinations a grid allows, with each strategy's lines computed once.
pub struct Plan {
    pub grid: Grid,
    /// (grid index, strategy) of every allowed combination, in grid order.
    pub runnable: Vec<(usize, Strategy)>,
    pub skipped: usize,
    lines: Lines,
}

impl Plan {
    /// The runnable combinations of `grid` over `bars` (their lines computed here).
    pub fn new(grid: Grid, bars: &Ohlcv) -> Plan {
        let mut runnable = Vec::new();
        let mut skipped = 0;
        for index in 0..grid.len() as usize {
            match grid.strategy(index) {
                Ok(strategy) => runnable.push((index, strategy)),
                Err(_) => skipped += 1,
            }
        }
        let lines = Lines::of(runnable.iter().map(|(_, s)| s), bars);
        Plan {
            grid,
            runnable,
            skipped,
            lines,
        }
    }

    /// Every runnable combination on `window` of the market, in grid order; `None`
    /// once the work is cancelled.
    pub fn sweep(
        &self,
        market: &Market,
        window: Range<usize>,
        settings: Settings,
        work: Work,
    ) -> Option<Vec<Run>> {
        parallel_map(self.runnable.len(), work.threads, work.cancel, |k| {
            let (index, strategy) = &self.runnable[k];
            let stats = self.run_one(market, strategy, window.clone(), settings, work.cancel)?;
            (work.progress)();
            Some(Run {
                index: *index,
                stats,
            })
        })
    }

    fn run_one(
        &self,
        market: &Market,
        strategy: &Strategy,
        window: Range<usize>,
        settings: Settings,
        cancel: &Cancel,
    ) -> Option<Stats> {
        let outcome = self.outcome(market, strategy, window.clone(), settings, cancel)?;
        Some(market.stats(&outcome, window))
    }

    fn outcome(
        &self,
        market: &Market,
        strategy: &Strategy,
        window: Range<usize>,
        settings: Settings,
        cancel: &Cancel,
    ) -> Option<Outcome> {
        let prepared = self.lines.prepared(strategy);
        run_prepared_window(&market.bars, strategy, &prepared, settings, window, cancel)
    }
}

/// The indicator lines of a sweep's strategies, each computed once.
struct Lines {
    sma: HashMap<usize, Arc<[f64]>>,
    rsi: HashMap<usize, Arc<[f64]>>,
}

impl Lines {
    fn of<'a>(strategies: impl Iterator<Item = &'a Strategy>, bars: &Ohlcv) -> Lines {
        let mut lines = Lines {
            sma: HashMap::new(),
            rsi: HashMap::new(),
        };
        for strategy in strategies {
            match *strategy {
                Strategy::SmaCross { fast, slow } => {
                    for length in [fast, slow] {
                        lines
                            .sma
                            .entry(length)
                            .or_insert_with(|| moving_average::sma(bars.close, length).into());
                    }
                }
                Strategy::RsiReversion { period, .. } => {
                    lines
                        .rsi
                        .entry(period)
                        .or_insert_with(|| oscillators::rsi(bars.close, period).into());
                }
                Strategy::Model { .. } => {}
            }
        }
        lines
    }

    fn prepared(&self, strategy: &Strategy) -> Prepared {
        match *strategy {
            Strategy::SmaCross { fast, slow } => Prepared::SmaCross {
                fast: self.sma[&fast].clone(),
                slow: self.sma[&slow].clone(),
            },
            Strategy::RsiReversion {
                period,
                lower,
                upper,
            } => Prepared::Rsi {
                rsi: self.rsi[&period].clone(),
                lower,
                upper,
            },
            Strategy::Model { model } => Prepared::Model { model },
        }
    }
}

/// `f(0..count)` on up to `threads` scoped threads, results in index order; `None`
/// when any call returned `None` (cancelled).
pub(crate) fn parallel_map<T: Send>(
    count: usize,
    threads: usize,
    cancel: &Cancel,
    f: impl Fn(usize) -> Option<T> + Sync,
) -> Option<Vec<T>> {
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= count {
                return Some(done);
            }
            if cancel.is_cancelled() {
                return None;
            }
            done.push((k, f(k)?));
        }
    };
    let threads = threads.clamp(1, count.max(1));
    let parts: Vec<Option<Vec<(usize, T)>>> = if threads == 1 {
        vec![worker()]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(None))
                .collect()
        })
    };
    let mut all: Vec<(usize, T)> = Vec::with_capacity(count);
    for part in parts {
        all.extend(part?);
    }
    all.sort_unstable_by_key(|(k, _)| *k);
    Some(all.into_iter().map(|(_, t)| t).collect())
}

/// The maximised statistic over the first two swept parameters: `values[j][i]` is
/// the cell at `ys[j]`, `xs[i]`; with more swept parameters, the best over the rest;
/// `None` where every combination was skipped (or lacks the statistic).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Heatmap {
    pub x: String,
    pub y: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<f64>))]
    pub xs: Vec<Value>,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<f64>))]
    pub ys: Vec<Value>,
    pub values: Vec<Vec<Option<f64>>>,
    /// Which run (an index into the runs given) each cell shows.
    #[serde(skip)]
    pub chosen: Vec<Vec<Option<usize>>>,
}

pub fn heatmap(grid: &Grid, runs: &[Run], objective: &Objective) -> Option<Heatmap> {
    let swept = grid.swept();
    let (x_axis, x) = *swept.first()?;
    let y = swept.get(1).copied();
    let rows = y.map_or(1, |(_, axis)| axis.values.len());
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; x.values.len()]; rows];
    let mut chosen: Vec<Vec<Option<usize>>> = vec![vec![None; x.values.len()]; rows];
    for (k, run) in runs.iter().enumerate() {
        let at = grid.coordinates(run.index);
        let (row, column) = (y.map_or(0, |(y_axis, _)| at[y_axis]), at[x_axis]);
        let score = objective.score(&run.stats);
        if chosen[row][column].is_none() || objective.beats(score, values[row][column]) {
            values[row][column] = score;
            chosen[row][column] = Some(k);
        }
    }
    Some(Heatmap {
        x: x.name.to_string(),
        y: y.map(|(_, axis)| axis.name.to_string()),
        xs: x.values.iter().map(|v| x.json(*v)).collect(),
        ys: y.map_or(Vec::new(), |(_, axis)| {
            axis.values.iter().map(|v| axis.json(*v)).collect()
        }),
        values,
        chosen,
    })
}

/// One walk-forward fold: the parameters its train window chose, their statistics
/// there and on the test window that followed.
#[derive(Clone, Debug, PartialEq)]
pub struct FoldChoice {
    pub fold: Fold,
    /// The chosen combination's grid index.
    pub index: usize,
    pub in_sample: Stats,
    pub out_of_sample: Stats,
}

/// Walk-forward optimisation's result: each fold's choice, and the test windows
/// stitched into one account (each starting with the equity the last one ended with).
#[derive(Clone, Debug, PartialEq)]
pub struct WalkForwardResult {
    pub folds: Vec<FoldChoice>,
    pub out_of_sample: Stats,
}

impl Plan {
    /// Optimises on each fold's train window, then runs only the best combination on
    /// its test window. Fold windows index `market`, whose lines `self` holds.
    pub fn walk_forward(
        &self,
        market: &Market,
        folds: &[Fold],
        objective: &Objective,
        settings: Settings,
        work: Work,
    ) -> Option<WalkForwardResult> {
        let mut choices = Vec::with_capacity(folds.len());
        let mut stitched = Outcome {
            trades: Vec::new(),
            equity: Vec::new(),
            warmup: 0,
        };
        let mut cash = settings.cash;
        for (n, fold) in folds.iter().enumerate() {
            let runs = self.sweep(market, fold.train.clone(), settings, work)?;
            let best = &runs[objective.best(runs.iter().map(|r| &r.stats))?];
            let k = self.runnable.iter().position(|(i, _)| *i == best.index)?;
            let strategy = &self.runnable[k].1;
            let test_settings = Settings {
                cash: cash.max(0.0),
                ..settings
            };
            let test = self.outcome(
                market,
                strategy,
                fold.test.clone(),
                test_settings,
                work.cancel,
            )?;
            cash = *test.equity.last()?;
            let offset = stitched.equity.len();
            if n == 0 {
                stitched.warmup = test.warmup;
            }
            stitched.trades.extend(test.trades.iter().map(|t| {
                let mut t = t.clone();
                t.entry_bar += offset;
                t.exit_bar += offset;
                t
            }));
            stitched.equity.extend_from_slice(&test.equity);
            choices.push(FoldChoice {
                fold: fold.clone(),
                index: best.index,
                in_sample: best.stats.clone(),
                out_of_sample: market.stats(&test, fold.test.clone()),
            });
        }
        let tested = folds.first()?.test.start..folds.last()?.test.end;
        Some(WalkForwardResult {
            folds: choices,
            out_of_sample: market.stats(&stitched, tested),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::run_window;
    use crate::market::{demo, Columns, DAY_SECS};
    use serde_json::json;

    fn settings() -> Settings {
        Settings {
            cash: 10_000.0,
            commission: 0.002,
            allow_short: true,
        }
    }

    fn work<'a>(threads: usize, cancel: &'a Cancel, progress: &'a (dyn Fn() + Sync)) -> Work<'a> {
        Work {
            threads,
            cancel,
            progress,
        }
    }

    fn sma_grid(fast: Value, slow: Value) -> Grid {
        Grid::parse(&json!({"type": "sma_cross", "fast": fast, "slow": slow})).unwrap()
    }

    #[test]
    fn a_sweep_equals_one_backtest_per_combination() {
        let bars = demo::bars("AAPL", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let ohlcv = columns.ohlcv();
        let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
        let market = Market {
            bars: ohlcv,
            days: &days,
            format_day: &|d| d.to_string(),
        };
        let plan = Plan::new(sma_grid(json!([5, 10, 30]), json!([20, 30])), &ohlcv);
        assert_eq!(plan.runnable.len(), 4);
        assert_eq!(plan.skipped, 2);
        let all = 0..ohlcv.close.len();
        let one_thread = plan
            .sweep(
                &market,
                all.clone(),
                settings(),
                work(1, &Cancel::default(), &|| {}),
            )
            .unwrap();
        let count = AtomicUsize::new(0);
        let two_threads = plan
            .sweep(
                &market,
                all.clone(),
                settings(),
                work(2, &Cancel::default(), &|| {
                    count.fetch_add(1, Ordering::Relaxed);
                }),
            )
            .unwrap();
        assert_eq!(one_thread, two_threads);
        assert_eq!(count.load(Ordering::Relaxed), 4);
        for run in &two_threads {
            let strategy = plan.grid.strategy(run.index).unwrap();
            let alone = run_window(&ohlcv, &strategy, settings(), all.clone());
            let expected = stats::compute(&alone, &days, &columns.close, |d| d.to_string());
            assert_eq!(run.stats, expected, "{strategy:?}");
        }
        let cancelled = Cancel::default();
        cancelled.cancel();
        assert!(plan
            .sweep(&market, all, settings(), work(2, &cancelled, &|| {}))
            .is_none());
    }

    #[test]
    fn the_best_run_and_heatmap_follow_the_objective() {
        let bars = demo::bars("MSFT", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let ohlcv = columns.ohlcv();
        let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
        let market = Market {
            bars: ohlcv,
            days: &days,
            format_day: &|d| d.to_string(),
        };
        let plan = Plan::new(sma_grid(json!([5, 10, 40]), json!([30, 50])), &ohlcv);
        let runs = plan
            .sweep(
                &market,
                0..ohlcv.close.len(),
                settings(),
                work(2, &Cancel::default(), &|| {}),
            )
            .unwrap();
        let objective = Objective::new("Return [%]", false).unwrap();
        let best = objective.best(runs.iter().map(|r| &r.stats)).unwrap();
        let top = runs
            .iter()
            .map(|r| r.stats.return_pct)
            .fold(f64::MIN, f64::max);
        assert_eq!(runs[best].stats.return_pct, top);
        let lowest = Objective::new("Return [%]", true).unwrap();
        let worst = lowest.best(runs.iter().map(|r| &r.stats)).unwrap();
        assert!(runs
            .iter()
            .all(|r| r.stats.return_pct >= runs[worst].stats.return_pct));

        let map = heatmap(&plan.grid, &runs, &objective).unwrap();
        assert_eq!((map.x.as_str(), map.y.as_deref()), ("fast", Some("slow")));
        assert_eq!(map.xs, vec![json!(5), json!(10), json!(40)]);
        assert_eq!(map.ys, vec![json!(30), json!(50)]);
        // 40/30 is forbidden (fast < slow): a null cell.
        assert_eq!(map.values[0][2], None);
        let at_10_50 = runs
            .iter()
            .find(|r| plan.grid.values(r.index) == vec![10.0, 50.0])
            .unwrap();
        assert_eq!(map.values[1][1], Some(at_10_50.stats.return_pct));
        assert!(Objective::new("Luck", false).is_err());
        let ranked = objective.ranked(runs.iter().map(|r| &r.stats));
        assert_eq!(ranked[0], best);
        assert!(ranked
            .windows(2)
            .all(|w| runs[w[0]].stats.return_pct >= runs[w[1]].stats.return_pct));
        assert_eq!(lowest.ranked(runs.iter().map(|r| &r.stats))[0], worst);
    }

    #[test]
    fn ties_keep_the_first_and_runs_without_the_statistic_never_win() {
        let bars = demo::bars("AAPL", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
        let outcome = crate::backtest::run(
            &columns.ohlcv(),
            &Strategy::SmaCross { fast: 5, slow: 20 },
            settings(),
        );
        let stats = stats::compute(&outcome, &days, &columns.close, |d| d.to_string());
        let mut without = stats.clone();
        without.sqn = None;
        let objective = Objective::new("SQN", false).unwrap();
        assert_eq!(objective.best([&without, &stats, &stats]), Some(1));
        assert_eq!(objective.best([&without, &without]), Some(0));
        assert_eq!(objective.best(std::iter::empty()), None);
    }

    #[test]
    fn walk_forward_optimisation_tests_each_choice_on_the_following_bars() {
        let bars = demo::bars("AAPL", 20_000).unwrap();
        let columns = Columns::of(&bars);
        let ohlcv = columns.ohlcv();
        let days: Vec<i64> = bars.iter().map(|b| b.ts / DAY_SECS).collect();
        let market = Market {
            bars: ohlcv,
            days: &days,
            format_day: &|d| d.to_string(),
        };
        let plan = Plan::new(sma_grid(json!([5, 10]), json!([20, 40])), &ohlcv);
        let folds = crate::backtest::walk_forward::WalkForward {
            train: 500,
            test: 250,
        }
        .folds(0..ohlcv.close.len());
        assert!(folds.len() >= 3);
        let objective = Objective::new("Return [%]", false).unwrap();
        let result = plan
            .walk_forward(
                &market,
                &folds,
                &objective,
                settings(),
                work(2, &Cancel::default(), &|| {}),
            )
            .unwrap();
        assert_eq!(result.folds.len(), folds.len());
        for choice in &result.folds {
            // The choice is the train window's best…
            let runs = plan
                .sweep(
                    &market,
                    choice.fold.train.clone(),
                    settings(),
                    work(1, &Cancel::default(), &|| {}),
                )
                .unwrap();
            let best = &runs[objective.best(runs.iter().map(|r| &r.stats)).unwrap()];
            assert_eq!((best.index, &best.stats), (choice.index, &choice.in_sample));
        }
        // …and the stitched account compounds the test windows' returns.
        let compounded = result
            .folds
            .iter()
            .map(|c| 1.0 + c.out_of_sample.return_pct / 100.0)
            .product::<f64>();
        let stitched = 1.0 + result.out_of_sample.return_pct / 100.0;
        assert!(
            (compounded - stitched).abs() < 1e-9,
            "{compounded} vs {stitched}"
        );
        let tested = folds.last().unwrap().test.end - folds[0].test.start;
        assert_eq!(
            result.out_of_sample.duration_days,
            days[folds[0].test.start + tested - 1] - days[folds[0].test.start]
        );
    }
}
