//! What a strategy decides on each bar's close.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::indicators::{moving_average, oscillators, Ohlcv};
use crate::signals::{Action, Model};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Strategy {
    /// Long when the fast SMA crosses above the slow one; flat or short when below.
    SmaCross { fast: usize, slow: usize },
    /// Long when RSI falls below `lower`; flat or short when it rises above `upper`.
    RsiReversion {
        period: usize,
        lower: f64,
        upper: f64,
    },
    /// Long on the model's BUY, flat or short on its SELL, unchanged on HOLD.
    Model { model: Model },
}

/// Bars a model strategy looks back on at each decision.
pub const MODEL_WINDOW: usize = 250;

/// A bar's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    None,
    /// Close what is open, then go long.
    GoLong,
    /// Close what is open, then go short when allowed (else stay flat).
    GoShortOrFlat,
}

/// Precomputed indicator lines, so each bar's decision is a lookup. Shared (`Arc`),
/// so a sweep computes each line once for every combination that uses it.
pub(crate) enum Prepared {
    SmaCross {
        fast: Arc<[f64]>,
        slow: Arc<[f64]>,
    },
    Rsi {
        rsi: Arc<[f64]>,
        lower: f64,
        upper: f64,
    },
    Model {
        model: Model,
    },
}

impl Strategy {
    /// Bars before the strategy's first decision (its indicators' warm-up).
    pub fn warmup(&self) -> usize {
        match *self {
            Strategy::SmaCross { fast, slow } => fast.max(slow) - 1,
            Strategy::RsiReversion { period, .. } => period,
            Strategy::Model { model } => model.min_bars() - 1,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        match *self {
            Strategy::SmaCross { fast, slow }
                if fast < 2 || slow < 2 || fast >= slow || slow > 1_000 =>
            {
                Err("sma_cross needs 2 <= fast < slow <= 1000".into())
            }
            Strategy::RsiReversion {
                period,
                lower,
                upper,
            } if !((2..=1_000).contains(&period)
                && 0.0 < lower
                && lower < upper
                && upper < 100.0) =>
            {
                Err("rsi_reversion needs period 2..1000 and 0 < lower < upper < 100".into())
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn prepare(&self, bars: &Ohlcv) -> Prepared {
        match *self {
            Strategy::SmaCross { fast, slow } => Prepared::SmaCross {
                fast: moving_average::sma(bars.close, fast).into(),
                slow: moving_average::sma(bars.close, slow).into(),
            },
            Strategy::RsiReversion {
                period,
                lower,
                upper,
            } => Prepared::Rsi {
                rsi: oscillators::rsi(bars.close, period).into(),
                lower,
                upper,
            },
            Strategy::Model { model } => Prepared::Model { model },
        }
    }
}

impl Prepared {
    /// The decision on bar `i`'s close; `long`/`short` describe the open position.
    pub(crate) fn decide(&self, bars: &Ohlcv, i: usize, long: bool, short: bool) -> Decision {
        match self {
            Prepared::SmaCross { fast, slow } => {
                if i == 0 {
                    return Decision::None;
                }
                // backtesting.py's `crossover`: strictly below, then strictly above.
                if fast[i - 1] < slow[i - 1] && fast[i] > slow[i] {
                    Decision::GoLong
                } else if slow[i - 1] < fast[i - 1] && slow[i] > fast[i] {
                    Decision::GoShortOrFlat
                } else {
                    Decision::None
                }
            }
            Prepared::Rsi { rsi, lower, upper } => {
                if rsi[i] < *lower && !long {
                    Decision::GoLong
                } else if rsi[i] > *upper && !short {
                    Decision::GoShortOrFlat
                } else {
                    Decision::None
                }
            }
            Prepared::Model { model } => {
                // The model sees the last MODEL_WINDOW bars, as `/api/v1/run` would.
                let from = (i + 1).saturating_sub(MODEL_WINDOW);
                let window = Ohlcv {
                    open: &bars.open[from..=i],
                    high: &bars.high[from..=i],
                    low: &bars.low[from..=i],
                    close: &bars.close[from..=i],
                    volume: &bars.volume[from..=i],
                };
                match model.evaluate(&window).map(|e| e.action) {
                    Some(Action::Buy) if !long => Decision::GoLong,
                    Some(Action::Sell) if !short => Decision::GoShortOrFlat,
                    _ => Decision::None,
                }
            }
        }
    }
}
