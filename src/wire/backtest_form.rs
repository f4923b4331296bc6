//! The backtest page's form, as its URL carries it (every field text, any may be
//! missing), turned into a `BacktestRequest` or, in Optimise mode (each parameter a
//! number, a list `5,10,20` or a range `5..25` / `30..280:5`), an `OptimizeRequest`;
//! so a result can be shared and reloaded.

use serde::{Deserialize, Serialize};

use super::backtest::BacktestRequest;
use super::optimize::OptimizeRequest;
use crate::backtest::grid::parse_values;
use crate::backtest::monte_carlo::{Method, MonteCarlo};
use crate::backtest::walk_forward::WalkForward;
use crate::backtest::Strategy;
use crate::signals::Model;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BacktestForm {
    pub symbol: Option<String>,
    /// `sma_cross`, `rsi_reversion` or `model`.
    pub strategy: Option<String>,
    pub fast: Option<String>,
    pub slow: Option<String>,
    pub period: Option<String>,
    pub lower: Option<String>,
    pub upper: Option<String>,
    pub model: Option<String>,
    pub cash: Option<String>,
    pub commission: Option<String>,
    /// Present (any value) when shorting is allowed, as a checkbox sends it.
    pub allow_short: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// `optimize` sweeps the parameters; anything else runs one backtest.
    pub mode: Option<String>,
    /// The statistic Optimise mode ranks by (default SQN).
    pub maximize: Option<String>,
    /// Walk-forward train and test windows in bars (both or neither).
    pub train: Option<String>,
    pub test: Option<String>,
    /// A symbol to measure against (Alpha, Beta, its equity on the chart).
    pub benchmark: Option<String>,
    /// `shuffle_trades` or `bootstrap_returns`; empty for no Monte Carlo.
    pub monte_carlo: Option<String>,
    pub runs: Option<String>,
    /// Monte Carlo's seed: 42 unless given, so a shared link shows the same bands.
    pub seed: Option<String>,
}

/// The field at fault and why.
pub type FieldError = (&'static str, String);

/// A field's text, trimmed; `None` when absent or blank.
pub(super) fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The entries of a list typed with commas or spaces.
pub(super) fn words(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
}

fn number<T: std::str::FromStr>(
    value: &Option<String>,
    field: &'static str,
    default: T,
) -> Result<T, FieldError> {
    match text(value) {
        None => Ok(default),
        Some(raw) => raw
            .parse()
            .map_err(|_| (field, format!("{raw:?} is not a number"))),
    }
}

/// The fields a strategy reads from the form, in its parameters' order.
fn parameter_fields(strategy: &str) -> &'static [&'static str] {
    match strategy {
        "sma_cross" => &["fast", "slow"],
        "rsi_reversion" => &["period", "lower", "upper"],
        _ => &[],
    }
}

/// What an empty parameter field means in Optimise mode.
fn default_sweep(field: &str) -> &'static str {
    match field {
        "fast" => "5..25:5",
        "slow" => "30..100:10",
        "period" => "7..21:7",
        "lower" => "20..35:5",
        _ => "65..80:5",
    }
}

impl BacktestForm {
    pub fn is_optimize(&self) -> bool {
        text(&self.mode) == Some("optimize")
    }

    fn field(&self, name: &str) -> &Option<String> {
        match name {
            "fast" => &self.fast,
            "slow" => &self.slow,
            "period" => &self.period,
            "lower" => &self.lower,
            _ => &self.upper,
        }
    }

    fn walk_forward(&self) -> Result<Option<WalkForward>, FieldError> {
        if text(&self.train).is_none() && text(&self.test).is_none() {
            return Ok(None);
        }
        Ok(Some(WalkForward {
            train: number(&self.train, "train", 0)?,
            test: number(&self.test, "test", 0)?,
        }))
    }

    /// The same form with one run's parameters and in backtest mode: the link of a
    /// heatmap cell or a row of the best runs, as a query string.
    pub fn single_run_query(&self, params: &serde_json::Map<String, serde_json::Value>) -> String {
        let mut form = self.clone();
        form.mode = None;
        for name in ["fast", "slow", "period", "lower", "upper"] {
            if let Some(value) = params.get(name) {
                let slot = match name {
                    "fast" => &mut form.fast,
                    "slow" => &mut form.slow,
                    "period" => &mut form.period,
                    "lower" => &mut form.lower,
                    _ => &mut form.upper,
                };
                *slot = Some(value.to_string());
            }
        }
        form.query()
    }

    /// The form as the page's URL carries it.
    pub fn query(&self) -> String {
        let value = |v: &Option<String>| v.clone().unwrap_or_default();
        let pairs = [
            ("symbol", value(&self.symbol)),
            ("strategy", value(&self.strategy)),
            ("fast", value(&self.fast)),
            ("slow", value(&self.slow)),
            ("period", value(&self.period)),
            ("lower", value(&self.lower)),
            ("upper", value(&self.upper)),
            ("model", value(&self.model)),
            ("cash", value(&self.cash)),
            ("commission", value(&self.commission)),
            ("allow_short", value(&self.allow_short)),
            ("from", value(&self.from)),
            ("to", value(&self.to)),
            ("mode", value(&self.mode)),
            ("maximize", value(&self.maximize)),
            ("train", value(&self.train)),
            ("test", value(&self.test)),
            ("benchmark", value(&self.benchmark)),
            ("monte_carlo", value(&self.monte_carlo)),
            ("runs", value(&self.runs)),
            ("seed", value(&self.seed)),
        ];
        crate::domain::query_string::query_string(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    }

    /// Optimise mode's request; `None` until a symbol is given.
    pub fn to_optimize_request(&self) -> Result<Option<OptimizeRequest>, FieldError> {
        let Some(symbol) = text(&self.symbol) else {
            return Ok(None);
        };
        let kind = text(&self.strategy).unwrap_or("sma_cross");
        let mut strategy = serde_json::Map::new();
        strategy.insert("type".into(), kind.into());
        for &name in parameter_fields(kind) {
            let raw = text(self.field(name)).unwrap_or(default_sweep(name));
            let spec = parse_values(name, raw).map_err(|reason| (name_of(name), reason))?;
            strategy.insert(name.into(), spec);
        }
        if kind == "model" {
            strategy.insert(
                "model".into(),
                text(&self.model).unwrap_or("ensemble").into(),
            );
        }
        Ok(Some(OptimizeRequest {
            symbol: symbol.to_string(),
            strategy: serde_json::Value::Object(strategy),
            cash: number(&self.cash, "cash", 10_000.0)?,
            commission: number(&self.commission, "commission", 0.002)?,
            allow_short: text(&self.allow_short).is_some(),
            from: text(&self.from).map(str::to_string),
            to: text(&self.to).map(str::to_string),
            maximize: text(&self.maximize).unwrap_or("SQN").to_string(),
            minimize: false,
            walk_forward: self.walk_forward()?,
        }))
    }

    /// `None` until a symbol is given (the page then shows only the form).
    pub fn to_request(&self) -> Result<Option<BacktestRequest>, FieldError> {
        let Some(symbol) = text(&self.symbol) else {
            return Ok(None);
        };
        let strategy = match text(&self.strategy).unwrap_or("sma_cross") {
            "sma_cross" => Strategy::SmaCross {
                fast: number(&self.fast, "fast", 10)?,
                slow: number(&self.slow, "slow", 20)?,
            },
            "rsi_reversion" => Strategy::RsiReversion {
                period: number(&self.period, "period", 14)?,
                lower: number(&self.lower, "lower", 30.0)?,
                upper: number(&self.upper, "upper", 70.0)?,
            },
            "model" => {
                let name = text(&self.model).unwrap_or("ensemble");
                let model =
                    Model::parse(name).ok_or(("model", format!("{name:?} is not a model")))?;
                Strategy::Model { model }
            }
            other => return Err(("strategy", format!("{other:?} is not a strategy"))),
        };
        Ok(Some(BacktestRequest {
            symbol: symbol.to_string(),
            strategy,
            cash: number(&self.cash, "cash", 10_000.0)?,
            commission: number(&self.commission, "commission", 0.002)?,
            allow_short: text(&self.allow_short).is_some(),
            from: text(&self.from).map(str::to_string),
            to: text(&self.to).map(str::to_string),
            walk_forward: self.walk_forward()?,
            benchmark: text(&self.benchmark).map(str::to_uppercase),
            monte_carlo: self.monte_carlo()?,
        }))
    }

    fn monte_carlo(&self) -> Result<Option<MonteCarlo>, FieldError> {
        let method = match text(&self.monte_carlo) {
            None => return Ok(None),
            Some("shuffle_trades") => Method::ShuffleTrades,
            Some("bootstrap_returns") => Method::BootstrapReturns,
            Some(other) => {
                return Err((
                    "monte_carlo",
                    format!("{other:?} is not a Monte Carlo method"),
                ))
            }
        };
        Ok(Some(MonteCarlo {
            runs: number(&self.runs, "runs", 1_000)?,
            method,
            seed: Some(number(&self.seed, "seed", 42)?),
        }))
    }
}

/// The form's field names as `'static` (a field error names one).
fn name_of(name: &str) -> &'static str {
    ["fast", "slow", "period", "lower", "upper"]
        .into_iter()
        .find(|n| *n == name)
        .unwrap_or("strategy")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BacktestForm {
        let value = serde_json::Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect(),
        );
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn no_symbol_means_no_run_yet() {
        assert!(matches!(form(&[]).to_request(), Ok(None)));
        assert!(matches!(form(&[("symbol", "  ")]).to_request(), Ok(None)));
    }

    #[test]
    fn defaults_fill_what_the_url_leaves_out() {
        let request = form(&[("symbol", "AAPL")]).to_request().unwrap().unwrap();
        assert_eq!(request.strategy, Strategy::SmaCross { fast: 10, slow: 20 });
        assert_eq!(
            (request.cash, request.commission, request.allow_short),
            (10_000.0, 0.002, false)
        );
        let request = form(&[
            ("symbol", "AAPL"),
            ("strategy", "rsi_reversion"),
            ("period", "7"),
            ("allow_short", "on"),
            ("from", "2024-01-01"),
        ])
        .to_request()
        .unwrap()
        .unwrap();
        assert_eq!(
            request.strategy,
            Strategy::RsiReversion {
                period: 7,
                lower: 30.0,
                upper: 70.0
            }
        );
        assert!(request.allow_short);
        assert_eq!(request.from.as_deref(), Some("2024-01-01"));
        let request = form(&[
            ("symbol", "AAPL"),
            ("strategy", "model"),
            ("model", "classic"),
        ])
        .to_request()
        .unwrap()
        .unwrap();
        assert_eq!(
            request.strategy,
            Strategy::Model {
                model: Model::Classic
            }
        );
    }

    #[test]
    fn bad_fields_name_themselves() {
        let error = form(&[("symbol", "AAPL"), ("fast", "ten")])
            .to_request()
            .unwrap_err();
        assert_eq!(error.0, "fast");
        let error = form(&[("symbol", "AAPL"), ("strategy", "martingale")])
            .to_request()
            .unwrap_err();
        assert_eq!(error.0, "strategy");
        let error = form(&[
            ("symbol", "AAPL"),
            ("strategy", "model"),
            ("model", "oracle"),
        ])
        .to_request()
        .unwrap_err();
        assert_eq!(error.0, "model");
    }

    #[test]
    fn optimise_mode_reads_ranges_and_lists_and_links_back_to_one_run() {
        let form = form(&[
            ("symbol", "AAPL"),
            ("mode", "optimize"),
            ("fast", "5..25:5"),
            ("slow", "30,60"),
            ("maximize", "Sharpe Ratio"),
            ("train", "250"),
            ("test", "60"),
        ]);
        assert!(form.is_optimize());
        let request = form.to_optimize_request().unwrap().unwrap();
        assert_eq!(
            request.strategy,
            serde_json::json!({"type": "sma_cross", "fast": {"start": 5.0, "stop": 25.0, "step": 5.0}, "slow": [30.0, 60.0]})
        );
        assert_eq!(request.maximize, "Sharpe Ratio");
        assert_eq!(
            request.walk_forward,
            Some(WalkForward {
                train: 250,
                test: 60
            })
        );
        let params = serde_json::json!({"fast": 10, "slow": 60});
        let query = form.single_run_query(params.as_object().unwrap());
        assert_eq!(
            query,
            "symbol=AAPL&fast=10&slow=60&maximize=Sharpe%20Ratio&train=250&test=60"
        );
        let bad = BacktestForm {
            slow: Some("30..x".into()),
            ..form
        };
        assert_eq!(bad.to_optimize_request().unwrap_err().0, "slow");
    }
}
