//! Monte Carlo on a finished backtest: how the same edge could have played out.
//!
//! - `shuffle_trades` replays the closed trades in random orders. Each trade keeps the
//!   fraction of the account it won or lost, so every order ends at the same equity;
//!   what changes is the path: the drawdowns a user could have sat through with the
//!   same trades in another order (measured at trade closes).
//! - `bootstrap_returns` draws the daily returns of the equity curve with replacement,
//!   as many as the backtest had: final equity, return and drawdown all vary, showing
//!   how much of the result luck in the order *and* the mix of days could move.
//!
//! A seed fixes the draws (xoshiro256++), so the same request gives the same answer.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::cancel::Cancel;
use super::engine::Outcome;

pub const MAX_RUNS: usize = 10_000;
/// Band points at most: a fan chart does not need one per bar.
const MAX_BAND_POINTS: usize = 250;
/// Runs between two looks at the cancel flag.
const RUNS_BETWEEN_CHECKS: usize = 16;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    #[default]
    ShuffleTrades,
    BootstrapReturns,
}

/// `"monte_carlo": {"runs": 1000, "method": "shuffle_trades", "seed": 42}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MonteCarlo {
    #[serde(default = "default_runs")]
    pub runs: usize,
    #[serde(default)]
    pub method: Method,
    /// Without one the server picks a seed and reports it, so the run can be repeated.
    #[serde(default)]
    pub seed: Option<u64>,
}

fn default_runs() -> usize {
    1_000
}

impl MonteCarlo {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_RUNS).contains(&self.runs) {
            return Err(format!("monte_carlo.runs must be 1 to {MAX_RUNS}"));
        }
        Ok(())
    }

    /// Work in simulated steps, for the compute budget.
    pub fn cost(&self, bars: usize, trades: usize) -> u64 {
        let steps = match self.method {
            Method::ShuffleTrades => trades + 1,
            Method::BootstrapReturns => bars,
        };
        self.runs as u64 * steps as u64
    }
}

/// The 5th, 25th, 50th, 75th and 95th percentiles (numpy's linear interpolation).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Percentiles {
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

impl Percentiles {
    /// Sorts `values` in place; `values` must not be empty.
    fn of(values: &mut [f64]) -> Percentiles {
        values.sort_unstable_by(f64::total_cmp);
        let at = |p: f64| {
            let position = p / 100.0 * (values.len() - 1) as f64;
            let (low, high) = (position.floor() as usize, position.ceil() as usize);
            values[low] + (values[high] - values[low]) * (position - low as f64)
        };
        Percentiles {
            p5: at(5.0),
            p25: at(25.0),
            p50: at(50.0),
            p75: at(75.0),
            p95: at(95.0),
        }
    }
}

/// Equity percentiles after `step` bars (`bootstrap_returns`) or trades (`shuffle_trades`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Band {
    pub step: usize,
    /// The bar's date, on the `bar` axis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<String>,
    pub equity: Percentiles,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Simulation {
    pub runs: usize,
    pub method: Method,
    pub seed: u64,
    pub final_equity: Percentiles,
    pub return_pct: Percentiles,
    /// As `Max. Drawdown [%]`: negative, so `p5` is the worst 5 %.
    pub max_drawdown: Percentiles,
    /// `bar` (bands after each bar) or `trade` (after each closed trade).
    pub axis: String,
    pub bands: Vec<Band>,
}

/// Runs `plan` on `outcome` (an account that started with `cash`); `None` if cancelled.
pub fn simulate(
    outcome: &Outcome,
    cash: f64,
    plan: &MonteCarlo,
    seed: u64,
    cancel: &Cancel,
) -> Option<Simulation> {
    // Steps before `shuffled` are reordered; any after it stay last.
    let (steps, shuffled, axis) = match plan.method {
        Method::ShuffleTrades => {
            let (steps, trades) = trade_steps(outcome, cash);
            (steps, trades, "trade")
        }
        Method::BootstrapReturns => {
            let steps = day_returns(&outcome.equity);
            let count = steps.len();
            (steps, count, "bar")
        }
    };
    let band_steps = band_steps(steps.len() + 1);
    let runs = plan.runs;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut finals = Vec::with_capacity(runs);
    let mut drawdowns = Vec::with_capacity(runs);
    // Row-major by band point, so each point's runs are one slice to sort.
    let mut bands = vec![0.0; band_steps.len() * runs];
    let mut order = steps.clone();
    for run in 0..runs {
        if run % RUNS_BETWEEN_CHECKS == 0 && cancel.is_cancelled() {
            return None;
        }
        match plan.method {
            Method::ShuffleTrades => shuffle(&mut order[..shuffled], &mut rng),
            Method::BootstrapReturns => {
                for slot in order.iter_mut() {
                    *slot = steps[below(&mut rng, steps.len())];
                }
            }
        }
        let (mut equity, mut peak, mut worst) = (cash, cash, 0.0_f64);
        let mut next_band = 0;
        for step in 0..=order.len() {
            if step > 0 {
                equity = (equity * (1.0 + order[step - 1])).max(0.0);
                peak = peak.max(equity);
                if peak > 0.0 {
                    worst = worst.max(1.0 - equity / peak);
                }
            }
            if band_steps.get(next_band) == Some(&step) {
                bands[next_band * runs + run] = equity;
                next_band += 1;
            }
        }
        finals.push(equity);
        drawdowns.push(-worst * 100.0);
    }
    let mut returns: Vec<f64> = finals.iter().map(|e| (e / cash - 1.0) * 100.0).collect();
    Some(Simulation {
        runs,
        method: plan.method,
        seed,
        final_equity: Percentiles::of(&mut finals),
        return_pct: Percentiles::of(&mut returns),
        max_drawdown: Percentiles::of(&mut drawdowns),
        axis: axis.to_string(),
        bands: band_steps
            .iter()
            .zip(bands.chunks_mut(runs))
            .map(|(step, values)| Band {
                step: *step,
                ts: None,
                equity: Percentiles::of(values),
            })
            .collect(),
    })
}

/// The closed trades' [`account_fractions`] and how many there are, then — when the
/// account ends elsewhere — one last fixed step to the final equity: a position opened
/// on the last bar stays open (backtesting.py's `finalize_trades` fills the last
/// bar's orders after closing the trades), and its result belongs to no closed trade.
fn trade_steps(outcome: &Outcome, cash: f64) -> (Vec<f64>, usize) {
    let mut steps = account_fractions(outcome, cash);
    let trades = steps.len();
    let closed = cash + outcome.trades.iter().map(|t| t.pnl).sum::<f64>();
    let last = outcome.equity.last().copied().unwrap_or(cash);
    if closed > 0.0 && (last - closed).abs() > 1e-9 * closed {
        steps.push(last / closed - 1.0);
    }
    (steps, trades)
}

/// Each closed trade's PnL as a fraction of the account before it, in the order they
/// closed: replayed in any order they compound to the equity the closed trades leave.
fn account_fractions(outcome: &Outcome, cash: f64) -> Vec<f64> {
    let mut trades: Vec<_> = outcome.trades.iter().collect();
    trades.sort_by_key(|t| t.exit_bar);
    let mut equity = cash;
    trades
        .iter()
        .map(|t| {
            let fraction = if equity > 0.0 { t.pnl / equity } else { -1.0 };
            equity += t.pnl;
            fraction.max(-1.0)
        })
        .collect()
}

fn day_returns(equity: &[f64]) -> Vec<f64> {
    equity
        .windows(2)
        .map(|w| if w[0] > 0.0 { w[1] / w[0] - 1.0 } else { 0.0 })
        .collect()
}

/// At most [`MAX_BAND_POINTS`] steps out of `0..count`, evenly spread, first and last kept.
fn band_steps(count: usize) -> Vec<usize> {
    if count <= MAX_BAND_POINTS {
        return (0..count).collect();
    }
    let last = (count - 1) as f64;
    let mut steps: Vec<usize> = (0..MAX_BAND_POINTS)
        .map(|i| (i as f64 * last / (MAX_BAND_POINTS - 1) as f64).round() as usize)
        .collect();
    steps.dedup();
    steps
}

/// A uniform index below `n` (Lemire's multiply-shift; the bias is below 2⁻⁵⁰ here).
fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// Fisher–Yates.
fn shuffle(values: &mut [f64], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..values.len()).rev() {
        values.swap(i, below(rng, i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::Trade;

    fn trade(exit_bar: usize, pnl: f64) -> Trade {
        Trade {
            size: 1,
            entry_bar: exit_bar.saturating_sub(1),
            exit_bar,
            entry_price: 1.0,
            exit_price: 1.0,
            pnl,
            return_pct: 0.0,
            commissions: 0.0,
        }
    }

    fn outcome() -> Outcome {
        // Account fractions +10 %, −20 %, −10 %, +50 %: 1 000 → 1 100 → 880 → 792 → 1 188.
        let trades = vec![
            trade(2, 100.0),
            trade(4, -220.0),
            trade(6, -88.0),
            trade(8, 396.0),
        ];
        let equity = vec![
            1000.0, 1050.0, 1100.0, 990.0, 880.0, 850.0, 792.0, 1000.0, 1188.0,
        ];
        Outcome {
            trades,
            equity,
            warmup: 0,
        }
    }

    fn plan(method: Method) -> MonteCarlo {
        MonteCarlo {
            runs: 500,
            method,
            seed: None,
        }
    }

    #[test]
    fn shuffled_trades_keep_the_final_equity_and_vary_the_drawdown() {
        let fractions = account_fractions(&outcome(), 1000.0);
        assert!((fractions[1] + 0.2).abs() < 1e-12, "−220 of 1 100");
        let sim = simulate(
            &outcome(),
            1000.0,
            &plan(Method::ShuffleTrades),
            7,
            &Cancel::default(),
        )
        .unwrap();
        for p in [
            sim.final_equity.p5,
            sim.final_equity.p50,
            sim.final_equity.p95,
        ] {
            assert!((p - 1188.0).abs() < 1e-9, "{p}");
        }
        assert!((sim.return_pct.p50 - 18.8).abs() < 1e-9);
        // Half of all orders put the two losses side by side: 1 − 0.8 × 0.9 = 28 % down.
        assert!((sim.max_drawdown.p5 + 28.0).abs() < 1e-9);
        // The other half has a gain between them, and a shallower worst drawdown.
        assert!(sim.max_drawdown.p95 > -28.0 + 1e-6);
        assert_eq!(sim.axis, "trade");
        assert_eq!(sim.bands.len(), 5);
        assert_eq!(sim.bands[0].equity.p50, 1000.0);
        assert!((sim.bands[4].equity.p5 - 1188.0).abs() < 1e-9);
    }

    #[test]
    fn a_position_left_open_at_the_end_stays_the_last_step() {
        let mut open_at_end = outcome();
        // 1 188 after the closed trades; a position opened on the last bar adds 1 %.
        open_at_end.equity.push(1199.88);
        let (steps, trades) = trade_steps(&open_at_end, 1000.0);
        assert_eq!((steps.len(), trades), (5, 4));
        assert!((steps[4] - 0.01).abs() < 1e-12);
        let sim = simulate(
            &open_at_end,
            1000.0,
            &plan(Method::ShuffleTrades),
            3,
            &Cancel::default(),
        )
        .unwrap();
        assert!((sim.final_equity.p5 - 1199.88).abs() < 1e-9);
        assert!((sim.final_equity.p95 - 1199.88).abs() < 1e-9);
        assert_eq!(sim.bands.len(), 6);
        assert!((sim.bands[4].equity.p50 - 1188.0).abs() < 1e-9);
        assert_eq!(trade_steps(&outcome(), 1000.0).0.len(), 4);
    }

    #[test]
    fn bootstrap_spreads_the_result_and_the_same_seed_repeats_it() {
        let run = |seed| {
            simulate(
                &outcome(),
                1000.0,
                &plan(Method::BootstrapReturns),
                seed,
                &Cancel::default(),
            )
            .unwrap()
        };
        let (a, b, c) = (run(42), run(42), run(43));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let f = a.final_equity;
        assert!(f.p5 < f.p25 && f.p25 < f.p50 && f.p50 < f.p75 && f.p75 < f.p95);
        assert!(a.max_drawdown.p5 <= a.max_drawdown.p95 && a.max_drawdown.p95 <= 0.0);
        assert_eq!(a.axis, "bar");
        assert_eq!(a.bands.len(), 9);
        assert!(a.bands.iter().all(|b| b.equity.p5 <= b.equity.p95));
    }

    #[test]
    fn percentiles_interpolate_as_numpy_does() {
        // np.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95]) = 1.2, 2, 3, 4, 8.8
        let p = Percentiles::of(&mut [10.0, 3.0, 1.0, 4.0, 2.0]);
        assert!((p.p5 - 1.2).abs() < 1e-12 && (p.p95 - 8.8).abs() < 1e-12);
        assert_eq!((p.p25, p.p50, p.p75), (2.0, 3.0, 4.0));
    }

    #[test]
    fn long_curves_are_thinned_to_band_points_with_both_ends() {
        let steps = band_steps(2_101);
        assert_eq!(steps.len(), MAX_BAND_POINTS);
        assert_eq!((steps[0], *steps.last().unwrap()), (0, 2_100));
        assert!(steps.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn runs_are_bounded() {
        let mut plan = plan(Method::ShuffleTrades);
        plan.runs = 0;
        assert!(plan.validate().is_err());
        plan.runs = MAX_RUNS + 1;
        assert!(plan.validate().is_err());
        plan.runs = MAX_RUNS;
        assert!(plan.validate().is_ok());
    }
}
