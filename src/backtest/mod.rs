//! Backtests with backtesting.py's conventions, so results can be checked against it:
//! a decision made on a bar's close is filled at the next bar's open; commission is
//! a fraction of the traded value, charged on entry and on exit; a new position
//! takes whole units of all the available equity (commission included; backtesting.py
//! 0.6's default size, 1 − ε; releases before 0.6 used 99.99 %); a
//! crossover closes the position and, with shorting allowed, opens the opposite one;
//! trades still open at the end are closed on the last bar (at its open, as
//! backtesting.py's `finalize_trades` does). Pure: no I/O.

pub mod benchmark;
mod cancel;
mod cost;
mod engine;
pub mod grid;
pub mod monte_carlo;
pub mod optimize;
pub mod portfolio;
pub mod stats;
pub mod strategy;
pub mod walk_forward;

pub use cancel::Cancel;
pub use cost::{estimated_cost, sweep_cost};
pub use engine::{run, run_until, run_window, run_window_until, Outcome, Trade};
pub use strategy::Strategy;

/// Money and rules of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub cash: f64,
    /// Fraction of traded value, e.g. 0.002.
    pub commission: f64,
    pub allow_short: bool,
}

#[cfg(test)]
mod tests;
