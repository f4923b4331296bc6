//! `ensemble` (the default): five factors from the indicators, each in [−1, 1],
//! weighted into a score in [−1, 1].
//!
//! | factor | weight | reading |
//! |---|---|---|
//! | trend | 0.30 | (SMA20 / SMA50 − 1) / 5 %, clamped |
//! | momentum | 0.25 | half MACD histogram / (0.5 × ATR14), half ROC10 / 10 %, each clamped |
//! | mean reversion | 0.15 | half (50 − RSI14) / 30, half −(close − BB middle) / (BB upper − BB middle), each clamped |
//! | trend strength | 0.15 | sign(+DI − −DI) × (ADX14 − 20) / 20, clamped to [0, 1] in size |
//! | volume | 0.15 | sign of the 5-day move × (5-day / 20-day volume − 1), clamped |
//!
//! Score ≥ 0.25 is BUY, ≤ −0.25 SELL, between HOLD. For BUY/SELL the confidence is
//! 0.4 + 0.4 × min(1, |score| / 0.6) + 0.2 × agreement (the weight share of factors
//! pointing the same way); for HOLD, 0.4 + 0.4 × (1 − |score| / 0.25). At most 0.95.

use super::{clamp, round4, Action, Evaluation, Snapshot};
use crate::indicators::{oscillators, trend, Ohlcv};

pub const MIN_BARS: usize = 50;
pub const BUY_AT: f64 = 0.25;
pub const SELL_AT: f64 = -0.25;

struct Factor {
    name: &'static str,
    weight: f64,
    value: f64,
    detail: String,
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn last(values: &[f64]) -> f64 {
    values.last().copied().unwrap_or(f64::NAN)
}

pub fn evaluate(bars: &Ohlcv, s: &Snapshot) -> Evaluation {
    let close = bars.close;
    let n = close.len();
    let price = close[n - 1];

    let gap = s.sma20 / s.sma50 - 1.0;
    let trend_value = clamp(gap / 0.05, -1.0, 1.0);

    let roc10 = last(&oscillators::roc(close, 10));
    let macd_part = if s.atr14 > 0.0 {
        clamp(s.macd_hist / (0.5 * s.atr14), -1.0, 1.0)
    } else {
        0.0
    };
    let momentum_value = 0.5 * macd_part + 0.5 * clamp(roc10 / 10.0, -1.0, 1.0);

    let middle = (s.bb_upper + s.bb_lower) / 2.0;
    let half_width = s.bb_upper - middle;
    let band_part = if half_width > 0.0 {
        clamp(-(price - middle) / half_width, -1.0, 1.0)
    } else {
        0.0
    };
    let rsi_part = clamp((50.0 - s.rsi14) / 30.0, -1.0, 1.0);
    let reversion_value = 0.5 * rsi_part + 0.5 * band_part;

    let plus_di = last(&trend::directional_index(bars, 14, true));
    let minus_di = last(&trend::directional_index(bars, 14, false));
    let direction = if plus_di > minus_di {
        1.0
    } else if plus_di < minus_di {
        -1.0
    } else {
        0.0
    };
    let strength_value = direction * clamp((s.adx14 - 20.0) / 20.0, 0.0, 1.0);

    let volume_20 = mean(&bars.volume[n - 20..]);
    let volume_ratio = if volume_20 > 0.0 {
        mean(&bars.volume[n - 5..]) / volume_20
    } else {
        1.0
    };
    let move_5 = price / close[n - 6] - 1.0;
    let move_sign = if move_5 > 0.0 {
        1.0
    } else if move_5 < 0.0 {
        -1.0
    } else {
        0.0
    };
    let volume_value = clamp(move_sign * (volume_ratio - 1.0), -1.0, 1.0);

    let factors = [
        Factor {
            name: "Trend",
            weight: 0.30,
            value: trend_value,
            detail: format!(
                "SMA20 {:.2} vs SMA50 {:.2} ({:+.2}%)",
                s.sma20,
                s.sma50,
                gap * 100.0
            ),
        },
        Factor {
            name: "Momentum",
            weight: 0.25,
            value: momentum_value,
            detail: format!(
                "MACD histogram {:+.3} (ATR14 {:.2}), ROC10 {:+.2}%",
                s.macd_hist, s.atr14, roc10
            ),
        },
        Factor {
            name: "Mean reversion",
            weight: 0.15,
            value: reversion_value,
            detail: format!(
                "RSI14 {:.1}, close {:.2} in Bollinger {:.2}–{:.2}",
                s.rsi14, price, s.bb_lower, s.bb_upper
            ),
        },
        Factor {
            name: "Trend strength",
            weight: 0.15,
            value: strength_value,
            detail: format!(
                "ADX14 {:.1}, +DI {:.1} vs −DI {:.1}",
                s.adx14, plus_di, minus_di
            ),
        },
        Factor {
            name: "Volume",
            weight: 0.15,
            value: volume_value,
            detail: format!(
                "5-day volume {volume_ratio:.2}× the 20-day average, 5-day move {:+.2}%",
                move_5 * 100.0
            ),
        },
    ];
    let score = clamp(factors.iter().map(|f| f.weight * f.value).sum(), -1.0, 1.0);
    let action = if score >= BUY_AT {
        Action::Buy
    } else if score <= SELL_AT {
        Action::Sell
    } else {
        Action::Hold
    };
    let confidence = match action {
        Action::Hold => 0.4 + 0.4 * (1.0 - score.abs() / BUY_AT),
        _ => {
            let agreeing: f64 = factors
                .iter()
                .filter(|f| f.value * score > 0.0)
                .map(|f| f.weight)
                .sum();
            0.4 + 0.4 * (score.abs() / 0.6).min(1.0) + 0.2 * agreeing
        }
    };
    let mut reasons: Vec<String> = factors
        .iter()
        .map(|f| {
            format!(
                "{}: {} → {:+.2} × {:.2}",
                f.name, f.detail, f.value, f.weight
            )
        })
        .collect();
    reasons.push(format!(
        "Score {score:+.3}: BUY at ≥ {BUY_AT:+.2}, SELL at ≤ {SELL_AT:+.2}, else HOLD"
    ));
    Evaluation {
        action,
        confidence: round4(confidence.min(0.95)),
        score: round4(score),
        price,
        indicators: s.clone(),
        reasons,
    }
}
