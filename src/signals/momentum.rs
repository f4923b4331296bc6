//! `momentum`: 5- and 10-day returns with the 5/20-day volume ratio. BUY when the
//! 5-day return is above +3 %, the 10-day above +5 % and volume runs at least 1.2×
//! its 20-day average; SELL when the 5-day return is below −3 % and the 10-day
//! below −5 %; HOLD otherwise. Confidence: 0.5, plus min(0.25, 2.5 × |10-day
//! return|), plus min(0.2, 0.5 × (volume ratio − 1)) when volume is above average;
//! at most 0.95.

use super::{rule_verdict, Action, Evaluation, Snapshot};
use crate::indicators::Ohlcv;

pub const MIN_BARS: usize = 21;

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

pub fn evaluate(bars: &Ohlcv, snapshot: &Snapshot) -> Evaluation {
    let close = bars.close;
    let n = close.len();
    let last = close[n - 1];
    let return_5 = last / close[n - 6] - 1.0;
    let return_10 = last / close[n - 11] - 1.0;
    let volume_20 = mean(&bars.volume[n - 20..]);
    let volume_ratio = if volume_20 > 0.0 {
        mean(&bars.volume[n - 5..]) / volume_20
    } else {
        1.0
    };
    let action = if return_5 > 0.03 && return_10 > 0.05 && volume_ratio >= 1.2 {
        Action::Buy
    } else if return_5 < -0.03 && return_10 < -0.05 {
        Action::Sell
    } else {
        Action::Hold
    };
    let mut reasons = vec![
        format!("5-day return {:+.2}% (threshold ±3%)", return_5 * 100.0),
        format!("10-day return {:+.2}% (threshold ±5%)", return_10 * 100.0),
        format!("Volume {volume_ratio:.2}× its 20-day average (buy needs 1.2×)"),
    ];
    let mut confidence: f64 = 0.5;
    if action != Action::Hold {
        let move_bonus = (2.5 * return_10.abs()).min(0.25);
        confidence += move_bonus;
        if volume_ratio > 1.0 {
            let volume_bonus = (0.5 * (volume_ratio - 1.0)).min(0.2);
            confidence += volume_bonus;
            reasons.push(format!(
                "Confidence +{move_bonus:.2} for the move, +{volume_bonus:.2} for volume"
            ));
        } else {
            reasons.push(format!("Confidence +{move_bonus:.2} for the move"));
        }
    }
    rule_verdict(action, confidence, last, snapshot, reasons)
}
