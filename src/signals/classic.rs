//! `classic`: the original system's analyser. The trend is SMA20 against SMA50; RSI14
//! confirms it. BUY in an up-trend unless RSI says overbought (≥ 70), SELL in a
//! down-trend unless RSI says oversold (≤ 30), HOLD otherwise. Confidence starts at
//! 0.5, gains 0.2 when RSI is on the trend's side of 50, and min(0.3, 10 × |gap|)
//! when the SMA gap exceeds 2 %; at most 0.95.

use super::{rule_verdict, Action, Evaluation, Snapshot};

pub const MIN_BARS: usize = 50;

pub fn evaluate(s: &Snapshot) -> Evaluation {
    let gap = (s.sma20 - s.sma50) / s.sma50;
    let (action, rsi_confirms) = if gap > 0.0 && s.rsi14 < 70.0 {
        (Action::Buy, s.rsi14 > 50.0)
    } else if gap < 0.0 && s.rsi14 > 30.0 {
        (Action::Sell, s.rsi14 < 50.0)
    } else {
        (Action::Hold, false)
    };
    let mut reasons = vec![format!(
        "Trend: SMA20 {:.2} vs SMA50 {:.2} ({:+.2}%)",
        s.sma20,
        s.sma50,
        gap * 100.0
    )];
    let mut confidence: f64 = 0.5;
    if action != Action::Hold {
        if rsi_confirms {
            confidence += 0.2;
            reasons.push(format!("RSI14 {:.1} confirms the trend (+0.20)", s.rsi14));
        } else {
            reasons.push(format!("RSI14 {:.1} does not confirm the trend", s.rsi14));
        }
        if gap.abs() > 0.02 {
            let bonus = (10.0 * gap.abs()).min(0.3);
            confidence += bonus;
            reasons.push(format!("SMA gap above 2% (+{bonus:.2})"));
        }
    } else {
        reasons.push(format!(
            "RSI14 {:.1} {} against the trend: hold",
            s.rsi14,
            if s.rsi14 >= 70.0 {
                "overbought"
            } else if s.rsi14 <= 30.0 {
                "oversold"
            } else {
                "flat"
            }
        ));
    }
    rule_verdict(action, confidence, 0.0, s, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(sma20: f64, sma50: f64, rsi14: f64) -> Snapshot {
        Snapshot {
            rsi14,
            sma20,
            sma50,
            macd: 0.0,
            macd_signal: 0.0,
            macd_hist: 0.0,
            bb_upper: 0.0,
            bb_lower: 0.0,
            atr14: 0.0,
            adx14: 0.0,
        }
    }

    #[test]
    fn follows_the_original_rules() {
        // Up-trend, RSI above 50, gap 5 %: 0.5 + 0.2 + min(0.3, 0.5) = 1.0 → capped at 0.95.
        let strong = evaluate(&snapshot(105.0, 100.0, 60.0));
        assert_eq!((strong.action, strong.confidence), (Action::Buy, 0.95));
        // Up-trend, RSI below 50, gap 1 %: no bonus at all.
        let weak = evaluate(&snapshot(101.0, 100.0, 45.0));
        assert_eq!((weak.action, weak.confidence), (Action::Buy, 0.5));
        // Down-trend, RSI 40 confirms, gap -2.5 %: 0.5 + 0.2 + 0.25.
        let sell = evaluate(&snapshot(97.5, 100.0, 40.0));
        assert_eq!(
            (sell.action, sell.confidence, sell.score),
            (Action::Sell, 0.95, -0.95)
        );
        let sell = evaluate(&snapshot(98.5, 100.0, 40.0));
        assert_eq!((sell.action, sell.confidence), (Action::Sell, 0.7));
        // Overbought up-trend: hold.
        let hold = evaluate(&snapshot(105.0, 100.0, 75.0));
        assert_eq!((hold.action, hold.score), (Action::Hold, 0.0));
        assert!(hold.reasons.iter().any(|r| r.contains("overbought")));
    }
}
