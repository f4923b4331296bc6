//! Portfolio mode's form on `/backtest`, as its URL carries it (every field text, any
//! may be missing), turned into a `PortfolioRequest`, so a result can be shared and
//! reloaded like the other modes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::backtest_form::{text, words, FieldError};
use super::portfolio::{ModelWeights, PortfolioRequest, WeightsSpec};
use crate::backtest::portfolio::Rebalancing;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PortfolioForm {
    /// Typed symbols, separated by commas or spaces (ignored when a watchlist is chosen).
    pub symbols: Option<String>,
    /// The id of one of the user's watchlists.
    pub watchlist: Option<String>,
    /// `equal`, `inverse_volatility`, `model` or `explicit`.
    pub weights: Option<String>,
    /// The signal model when `weights` is `model`.
    pub model: Option<String>,
    /// `AAPL:0.4, MSFT:0.3` when `weights` is `explicit`.
    pub explicit: Option<String>,
    pub rebalance: Option<String>,
    pub cash: Option<String>,
    pub commission: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub benchmark: Option<String>,
}

fn number(value: &Option<String>, field: &'static str, default: f64) -> Result<f64, FieldError> {
    match text(value) {
        None => Ok(default),
        Some(raw) => raw
            .parse()
            .map_err(|_| (field, format!("{raw:?} is not a number"))),
    }
}

/// `AAPL:0.4, MSFT:0.3` as symbol → weight.
fn explicit_weights(raw: &str) -> Result<BTreeMap<String, f64>, FieldError> {
    words(raw)
        .map(|pair| {
            let (symbol, weight) = pair
                .split_once(':')
                .ok_or_else(|| ("explicit", format!("{pair:?} is not SYMBOL:weight")))?;
            let weight = weight
                .parse()
                .map_err(|_| ("explicit", format!("{weight:?} is not a number")))?;
            Ok((symbol.to_ascii_uppercase(), weight))
        })
        .collect()
}

impl PortfolioForm {
    /// The form from its URL's fields (`get` answers a field's value, `None` when absent).
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> PortfolioForm {
        PortfolioForm {
            symbols: get("symbols"),
            watchlist: get("watchlist"),
            weights: get("weights"),
            model: get("model"),
            explicit: get("explicit"),
            rebalance: get("rebalance"),
            cash: get("cash"),
            commission: get("commission"),
            from: get("from"),
            to: get("to"),
            benchmark: get("benchmark"),
        }
    }

    /// The typed symbols, upper-cased, in order.
    pub fn typed_symbols(&self) -> Vec<String> {
        text(&self.symbols)
            .map(|raw| words(raw).map(str::to_ascii_uppercase).collect())
            .unwrap_or_default()
    }

    /// `None` until a watchlist or a symbol is given (the page then shows only the form).
    pub fn to_request(&self) -> Result<Option<PortfolioRequest>, FieldError> {
        let watchlist = text(&self.watchlist).map(str::to_string);
        let symbols = self.typed_symbols();
        if watchlist.is_none() && symbols.is_empty() {
            return Ok(None);
        }
        let weights = match text(&self.weights).unwrap_or("equal") {
            "model" => WeightsSpec::Model(ModelWeights {
                model: text(&self.model).unwrap_or("ensemble").to_string(),
            }),
            "explicit" => {
                WeightsSpec::Explicit(explicit_weights(text(&self.explicit).unwrap_or(""))?)
            }
            named => WeightsSpec::Named(named.to_string()),
        };
        let rebalance = match text(&self.rebalance).unwrap_or("monthly") {
            "never" => Rebalancing::Never,
            "weekly" => Rebalancing::Weekly,
            "monthly" => Rebalancing::Monthly,
            "quarterly" => Rebalancing::Quarterly,
            other => {
                return Err((
                    "rebalance",
                    format!("{other:?} is not never, weekly, monthly or quarterly"),
                ))
            }
        };
        Ok(Some(PortfolioRequest {
            symbols: watchlist.is_none().then_some(symbols),
            watchlist_id: watchlist,
            weights,
            rebalance,
            cash: number(&self.cash, "cash", 100_000.0)?,
            commission: number(&self.commission, "commission", 0.001)?,
            from: text(&self.from).map(str::to_string),
            to: text(&self.to).map(str::to_string),
            benchmark: text(&self.benchmark).map(str::to_ascii_uppercase),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> PortfolioForm {
        PortfolioForm::from_fields(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn typed_symbols_with_explicit_weights() {
        let request = form(&[
            ("symbols", "aapl, msft KO"),
            ("weights", "explicit"),
            ("explicit", "AAPL:0.5, msft:0.25"),
            ("rebalance", "quarterly"),
            ("benchmark", "spy"),
        ])
        .to_request()
        .unwrap()
        .unwrap();
        assert_eq!(
            request.symbols,
            Some(vec!["AAPL".into(), "MSFT".into(), "KO".into()])
        );
        assert_eq!(request.watchlist_id, None);
        let expected: BTreeMap<String, f64> =
            [("AAPL".to_string(), 0.5), ("MSFT".to_string(), 0.25)].into();
        assert_eq!(request.weights, WeightsSpec::Explicit(expected));
        assert_eq!(request.rebalance, Rebalancing::Quarterly);
        assert_eq!(request.benchmark.as_deref(), Some("SPY"));
        assert_eq!((request.cash, request.commission), (100_000.0, 0.001));
    }

    #[test]
    fn a_watchlist_wins_over_typed_symbols_and_nothing_given_is_no_request() {
        let request = form(&[
            ("watchlist", "w1"),
            ("symbols", "AAPL"),
            ("weights", "model"),
        ])
        .to_request()
        .unwrap()
        .unwrap();
        assert_eq!(request.watchlist_id.as_deref(), Some("w1"));
        assert_eq!(request.symbols, None);
        assert_eq!(
            request.weights,
            WeightsSpec::Model(ModelWeights {
                model: "ensemble".into()
            })
        );
        assert_eq!(form(&[("weights", "equal")]).to_request().unwrap(), None);
    }

    #[test]
    fn bad_fields_say_which() {
        let bad = form(&[("symbols", "AAPL"), ("rebalance", "daily")]).to_request();
        assert_eq!(bad.unwrap_err().0, "rebalance");
        let bad = form(&[
            ("symbols", "AAPL"),
            ("weights", "explicit"),
            ("explicit", "AAPL=1"),
        ])
        .to_request();
        assert_eq!(bad.unwrap_err().0, "explicit");
        let bad = form(&[("symbols", "AAPL"), ("cash", "lots")]).to_request();
        assert_eq!(bad.unwrap_err().0, "cash");
    }
}
