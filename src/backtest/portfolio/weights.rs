//! Target weights at a rebalance.

/// Returns looked at by inverse-volatility weighting.
pub const VOLATILITY_WINDOW: usize = 60;

/// How targets are set at each rebalance.
#[derive(Clone, Debug, PartialEq)]
pub enum Weighting {
    /// 1 / n each.
    Equal,
    /// ∝ 1 / σ of each symbol's previous 60 daily returns (equal before 60 exist).
    InverseVolatility,
    /// The same weights every time, one per symbol (summing to at most 1; the rest is cash).
    Fixed(Vec<f64>),
    /// Equal across the symbols a model says BUY to on the day; all cash when none.
    Picks,
}

/// The targets on bar `row`. `closes[s]` is symbol `s`'s aligned closes; `picked[s]`
/// whether a model says BUY to it on that bar (read only by [`Weighting::Picks`]).
pub fn targets(weighting: &Weighting, closes: &[&[f64]], row: usize, picked: &[bool]) -> Vec<f64> {
    let n = closes.len();
    let equal = || vec![1.0 / n as f64; n];
    match weighting {
        Weighting::Equal => equal(),
        Weighting::Fixed(weights) => weights.clone(),
        Weighting::Picks => {
            let chosen = picked.iter().filter(|p| **p).count();
            picked
                .iter()
                .map(|p| if *p { 1.0 / chosen as f64 } else { 0.0 })
                .collect()
        }
        Weighting::InverseVolatility => {
            if row < VOLATILITY_WINDOW {
                return equal();
            }
            let inverse: Vec<f64> = closes
                .iter()
                .map(|c| 1.0 / return_deviation(&c[row - VOLATILITY_WINDOW..=row]))
                .collect();
            // A symbol that did not move has no finite inverse: weigh all equally.
            if inverse.iter().any(|w| !w.is_finite()) {
                return equal();
            }
            let total: f64 = inverse.iter().sum();
            inverse.iter().map(|w| w / total).collect()
        }
    }
}

/// Sample standard deviation (n − 1) of the simple returns between `closes`.
fn return_deviation(closes: &[f64]) -> f64 {
    let count = (closes.len() - 1) as f64;
    let returns = || closes.windows(2).map(|w| w[1] / w[0] - 1.0);
    let mean = returns().sum::<f64>() / count;
    (returns().map(|r| (r - mean).powi(2)).sum::<f64>() / (count - 1.0)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calmer_symbol_gets_the_larger_weight() {
        let calm: Vec<f64> = (0..=70).map(|i| 100.0 + (i % 2) as f64).collect();
        let wild: Vec<f64> = (0..=70).map(|i| 100.0 + 4.0 * (i % 2) as f64).collect();
        let w = targets(&Weighting::InverseVolatility, &[&calm, &wild], 70, &[]);
        assert!(w[0] > 0.75 && (w[0] + w[1] - 1.0).abs() < 1e-12, "{w:?}");
        let early = targets(&Weighting::InverseVolatility, &[&calm, &wild], 59, &[]);
        assert_eq!(early, vec![0.5, 0.5]);
    }

    #[test]
    fn picks_share_equally_and_none_means_cash() {
        let c = [1.0];
        assert_eq!(
            targets(&Weighting::Picks, &[&c, &c, &c], 0, &[true, false, true]),
            vec![0.5, 0.0, 0.5]
        );
        assert_eq!(
            targets(&Weighting::Picks, &[&c, &c], 0, &[false, false]),
            vec![0.0, 0.0]
        );
    }

    #[test]
    fn a_flat_series_falls_back_to_equal_weights() {
        let flat = vec![10.0; 61];
        let moving: Vec<f64> = (0..61).map(|i| 10.0 + i as f64).collect();
        let w = targets(&Weighting::InverseVolatility, &[&flat, &moving], 60, &[]);
        assert_eq!(w, vec![0.5, 0.5]);
    }
}
