//! Portfolio backtests: many symbols sharing one cash balance, brought back to target
//! weights on a schedule. The calendar is the days every symbol has a bar; on the first
//! bar and the first bar of each new period, every holding is ordered to its target
//! share of the equity at that bar's close (fractional units, sells before buys,
//! commission a fraction of each order's value), and the equity is marked at every
//! close: vectorbt 1.x's `Portfolio.from_orders` with `size_type="targetpercent"`,
//! shared cash and `call_seq="auto"`, to which `tests.rs` holds it. Pure: no I/O.

pub mod calendar;
mod fills;
pub mod picks;
pub mod report;
pub mod simulate;
pub mod weights;

pub use calendar::{common_days, rebalance_rows, Rebalancing};
pub use picks::buy_picks;
pub use report::{summarise, PortfolioStats};
pub use simulate::{simulate, Executed, Path, Rebalance};
pub use weights::{targets, Weighting, VOLATILITY_WINDOW};

#[cfg(test)]
mod tests;
