//! The backtest page's form, as its URL carries it (every field text, any may be
//! missing), turned into a `BacktestRequest`; so a result can be shared and reloaded.

use serde::{Deserialize, Serialize};

use super::backtest::BacktestRequest;
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
}

/// The field at fault and why.
pub type FieldError = (&'static str, String);

fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
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

impl BacktestForm {
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
            walk_forward: None,
        }))
    }
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
}
