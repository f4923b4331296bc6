//! Signal models: pure functions from a symbol's bars to BUY, SELL or HOLD with a
//! confidence, a score in [-1, 1], the indicator readings used, and one reason per
//! rule or factor, with its numbers. See the README for each model's rules.

pub mod classic;
pub mod ensemble;
pub mod momentum;
mod snapshot;
pub mod track_record;

use serde::{Deserialize, Serialize};

pub use snapshot::Snapshot;

use crate::domain::error::DomainError;
use crate::indicators::Ohlcv;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Action {
    Buy,
    Sell,
    Hold,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Buy => "BUY",
            Action::Sell => "SELL",
            Action::Hold => "HOLD",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        match text.to_ascii_uppercase().as_str() {
            "BUY" => Some(Action::Buy),
            "SELL" => Some(Action::Sell),
            "HOLD" => Some(Action::Hold),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Model {
    Classic,
    Momentum,
    Ensemble,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::Classic, Model::Momentum, Model::Ensemble];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::Classic => "classic",
            Model::Momentum => "momentum",
            Model::Ensemble => "ensemble",
        }
    }

    pub fn parse(text: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// The model a request names, the ensemble when it names none.
    pub fn requested(name: Option<&str>) -> Result<Model, DomainError> {
        match name {
            None => Ok(Model::Ensemble),
            Some(name) => Model::parse(name).ok_or_else(|| DomainError::UnknownModel {
                input: name.to_string(),
            }),
        }
    }

    /// Bars a model needs before it can speak.
    pub fn min_bars(self) -> usize {
        match self {
            Model::Classic => classic::MIN_BARS,
            Model::Momentum => momentum::MIN_BARS,
            Model::Ensemble => ensemble::MIN_BARS,
        }
    }

    /// The verdict on the last bar, or `None` with fewer than [`Model::min_bars`] bars.
    pub fn evaluate(self, bars: &Ohlcv) -> Option<Evaluation> {
        if bars.close.len() < self.min_bars() {
            return None;
        }
        let snapshot = Snapshot::of(bars)?;
        let mut evaluation = match self {
            Model::Classic => classic::evaluate(&snapshot),
            Model::Momentum => momentum::evaluate(bars, &snapshot),
            Model::Ensemble => ensemble::evaluate(bars, &snapshot),
        };
        evaluation.price = bars.close[bars.close.len() - 1];
        Some(evaluation)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub action: Action,
    /// 0 to 0.95: how much the model trusts its own verdict.
    pub confidence: f64,
    /// -1 (strong sell) to 1 (strong buy).
    pub score: f64,
    pub price: f64,
    pub indicators: Snapshot,
    pub reasons: Vec<String>,
}

/// A rule-based verdict: confidence capped at 0.95, score ± confidence (0 for HOLD).
pub(crate) fn rule_verdict(
    action: Action,
    confidence: f64,
    price: f64,
    snapshot: &Snapshot,
    reasons: Vec<String>,
) -> Evaluation {
    let confidence = confidence.min(0.95);
    let score = match action {
        Action::Buy => confidence,
        Action::Sell => -confidence,
        Action::Hold => 0.0,
    };
    Evaluation {
        action,
        confidence: round4(confidence),
        score: round4(score),
        price,
        indicators: snapshot.clone(),
        reasons,
    }
}

pub(crate) fn clamp(value: f64, low: f64, high: f64) -> f64 {
    value.max(low).min(high)
}

/// Rounds for display in reasons and results (4 decimals).
pub(crate) fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::{demo, Bar, Columns};

    fn columns(bars: &[Bar]) -> Columns {
        Columns::of(bars)
    }

    fn ohlcv(c: &Columns) -> Ohlcv<'_> {
        c.ohlcv()
    }

    /// A climb of 0.4 % a day with swings (so RSI stays below overbought), or its mirror image.
    fn trending(up: bool) -> Columns {
        let drift = if up { 0.004 } else { -0.004 };
        let bars: Vec<Bar> = (0..120)
            .map(|i| {
                let x = i as f64;
                let close = 100.0 * (drift * x).exp() * (1.0 + 0.015 * (1.7 * x).sin());
                Bar {
                    ts: i,
                    open: close * 0.998,
                    high: close * 1.006,
                    low: close * 0.992,
                    close,
                    volume: 1e6,
                }
            })
            .collect();
        columns(&bars)
    }

    /// `trending(up)` whose last ten closes move 1.2 % a day the same way; volume
    /// doubled over the last five days when `loud`.
    fn surging(up: bool, loud: bool) -> Columns {
        let mut c = trending(up);
        let n = c.close.len();
        let step = if up { 1.012 } else { 1.0 / 1.012 };
        for i in n - 10..n {
            c.close[i] = c.close[i - 1] * step;
            c.open[i] = c.close[i - 1];
            c.high[i] = c.close[i].max(c.open[i]) * 1.002;
            c.low[i] = c.close[i].min(c.open[i]) * 0.998;
        }
        if loud {
            for v in &mut c.volume[n - 5..] {
                *v *= 2.0;
            }
        }
        c
    }

    #[test]
    fn models_need_their_history() {
        let c = trending(true);
        let short = Ohlcv {
            open: &c.open[..49],
            high: &c.high[..49],
            low: &c.low[..49],
            close: &c.close[..49],
            volume: &c.volume[..49],
        };
        assert!(Model::Ensemble.evaluate(&short).is_none());
        assert!(Model::Classic.evaluate(&short).is_none());
        assert!(Model::Ensemble.evaluate(&ohlcv(&c)).is_some());
    }

    #[test]
    fn every_model_buys_a_clear_up_trend_and_sells_a_down_trend() {
        let (up, down) = (trending(true), trending(false));
        for model in [Model::Classic, Model::Ensemble] {
            let buy = model.evaluate(&ohlcv(&up)).unwrap();
            assert_eq!(buy.action, Action::Buy, "{model:?}: {:?}", buy.reasons);
            assert!(buy.score > 0.0 && (0.0..=0.95).contains(&buy.confidence));
            let sell = model.evaluate(&ohlcv(&down)).unwrap();
            assert_eq!(sell.action, Action::Sell, "{model:?}: {:?}", sell.reasons);
            assert!(sell.score < 0.0);
        }
        assert_eq!(
            Model::Ensemble.evaluate(&ohlcv(&up)).unwrap().reasons.len(),
            6,
            "five factors and the score"
        );
        assert_eq!(
            Model::Ensemble.evaluate(&ohlcv(&up)).unwrap().price,
            *up.close.last().unwrap()
        );
    }

    #[test]
    fn momentum_needs_volume_to_buy() {
        let quiet = Model::Momentum
            .evaluate(&ohlcv(&surging(true, false)))
            .unwrap();
        assert_eq!(quiet.action, Action::Hold, "{:?}", quiet.reasons);
        let loud = Model::Momentum
            .evaluate(&ohlcv(&surging(true, true)))
            .unwrap();
        assert_eq!(loud.action, Action::Buy, "{:?}", loud.reasons);
        // 0.5 + min(0.25, 2.5 × 12.7 %) + min(0.2, 0.5 × (ratio − 1)).
        assert!(loud.confidence > 0.85, "{}", loud.confidence);
        let falling = Model::Momentum
            .evaluate(&ohlcv(&surging(false, false)))
            .unwrap();
        assert_eq!(falling.action, Action::Sell, "{:?}", falling.reasons);
    }

    #[test]
    fn verdicts_on_demo_data_are_bounded_and_explained() {
        let bars = demo::bars("TSLA", 20_416).unwrap();
        let c = columns(&bars);
        let mut seen = std::collections::HashSet::new();
        for end in (300..bars.len()).step_by(25) {
            let window = Ohlcv {
                open: &c.open[..end],
                high: &c.high[..end],
                low: &c.low[..end],
                close: &c.close[..end],
                volume: &c.volume[..end],
            };
            for model in Model::ALL {
                let e = model.evaluate(&window).unwrap();
                assert!(
                    (-1.0..=1.0).contains(&e.score) && (0.0..=0.95).contains(&e.confidence),
                    "{e:?}"
                );
                assert!(!e.reasons.is_empty());
                seen.insert((model, e.action));
            }
        }
        for action in [Action::Buy, Action::Sell, Action::Hold] {
            assert!(
                seen.contains(&(Model::Ensemble, action)),
                "ensemble says {action:?} somewhere"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for model in Model::ALL {
            assert_eq!(Model::parse(model.as_str()), Some(model));
        }
        assert_eq!(Model::parse("magic"), None);
        assert_eq!(Action::parse("buy"), Some(Action::Buy));
    }
}
