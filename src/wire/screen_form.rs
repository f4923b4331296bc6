//! The `/screener` page's form as its URL carries it (every field text, any may be
//! missing), turned into a `ScreenRequest`, and back: a saved screen opens as a URL,
//! and the table's sort links and pages are the same form with one field changed.

use serde::{Deserialize, Serialize};

use super::backtest_form::{text, words, FieldError};
use super::screener::{Operand, ScreenRequest, Universe, WhereClause};

/// Conditions the form carries at most (`line1`…`line8`).
pub const MAX_FORM_CONDITIONS: usize = 8;

/// The value fields' names, for errors (which must name a `&'static str`).
const VALUE_FIELDS: [&str; MAX_FORM_CONDITIONS] = [
    "value1", "value2", "value3", "value4", "value5", "value6", "value7", "value8",
];

/// One row of the condition builder: `line op value`, each as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConditionFields {
    pub line: String,
    pub op: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScreenForm {
    /// The id of one of the user's watchlists; otherwise `symbols`, otherwise "all".
    pub watchlist: Option<String>,
    /// Typed symbols, separated by commas or spaces.
    pub symbols: Option<String>,
    pub model: Option<String>,
    /// BUY, SELL or HOLD.
    pub signal: Option<String>,
    /// Lines each row shows, separated by commas or spaces: `rsi:14, sma:200`.
    pub indicators: Option<String>,
    pub conditions: Vec<ConditionFields>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

/// Field names of the `n`th condition (from 1).
fn condition_names(n: usize) -> [String; 3] {
    [format!("line{n}"), format!("op{n}"), format!("value{n}")]
}

impl ScreenForm {
    /// The form from its URL's fields (`get` answers a field's value, `None` when absent).
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> ScreenForm {
        let conditions = (1..=MAX_FORM_CONDITIONS)
            .filter_map(|n| {
                let [line, op, value] = condition_names(n);
                let line = get(&line).filter(|l| !l.trim().is_empty())?;
                Some(ConditionFields {
                    line: line.trim().to_string(),
                    op: get(&op).unwrap_or_else(|| "<".into()),
                    value: get(&value).unwrap_or_default().trim().to_string(),
                })
            })
            .collect();
        ScreenForm {
            watchlist: get("watchlist"),
            symbols: get("symbols"),
            model: get("model"),
            signal: get("signal"),
            indicators: get("indicators"),
            conditions,
            sort: get("sort"),
            cursor: get("cursor"),
        }
    }

    /// The form's fields, in the order the page writes them (empty ones left out).
    pub fn to_fields(&self) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        let mut push = |name: &str, value: &Option<String>| {
            if let Some(value) = text(value) {
                fields.push((name.to_string(), value.to_string()));
            }
        };
        push("watchlist", &self.watchlist);
        push("symbols", &self.symbols);
        push("model", &self.model);
        push("signal", &self.signal);
        push("indicators", &self.indicators);
        push("sort", &self.sort);
        push("cursor", &self.cursor);
        for (at, condition) in self.conditions.iter().enumerate() {
            let [line, op, value] = condition_names(at + 1);
            fields.push((line, condition.line.clone()));
            fields.push((op, condition.op.clone()));
            fields.push((value, condition.value.clone()));
        }
        fields
    }

    /// `/screener?…` for this form.
    pub fn href(&self) -> String {
        let fields = self.to_fields();
        let query = crate::domain::query_string::query_string(
            fields.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        );
        if query.is_empty() {
            "/screener".to_string()
        } else {
            format!("/screener?{query}")
        }
    }

    /// The same screen from its first page, sorted by `sort`.
    pub fn sorted_by(&self, sort: &str) -> ScreenForm {
        ScreenForm {
            sort: Some(sort.to_string()),
            cursor: None,
            ..self.clone()
        }
    }

    /// The same screen at another page.
    pub fn at_cursor(&self, cursor: Option<String>) -> ScreenForm {
        ScreenForm {
            cursor,
            ..self.clone()
        }
    }

    /// The request the form describes: `limit` rows per page, with sparklines.
    pub fn to_request(&self, limit: u32) -> Result<ScreenRequest, FieldError> {
        let universe = match (text(&self.watchlist), text(&self.symbols)) {
            (Some(id), _) => Universe::Watchlist {
                watchlist_id: id.to_string(),
            },
            (None, Some(raw)) => {
                Universe::Symbols(words(raw).map(str::to_ascii_uppercase).collect())
            }
            (None, None) => Universe::default(),
        };
        let conditions = self
            .conditions
            .iter()
            .enumerate()
            .map(|(at, condition)| {
                let value = condition.value.trim();
                if value.is_empty() {
                    return Err((
                        VALUE_FIELDS[at],
                        format!(
                            "{}: give a number or a line to compare with",
                            condition.line
                        ),
                    ));
                }
                Ok(WhereClause {
                    indicator: condition.line.clone(),
                    op: condition.op.clone(),
                    value: value
                        .parse::<f64>()
                        .map(Operand::Number)
                        .unwrap_or_else(|_| Operand::Line(value.to_string())),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ScreenRequest {
            universe,
            model: text(&self.model).map(str::to_string),
            indicators: text(&self.indicators)
                .map(|raw| words(raw).map(str::to_string).collect())
                .unwrap_or_default(),
            conditions,
            signal: text(&self.signal).map(str::to_ascii_uppercase),
            sort: text(&self.sort).map(str::to_string),
            limit: Some(limit),
            cursor: text(&self.cursor).map(str::to_string),
            sparkline: true,
        })
    }

    /// A saved request as the page's form (its universe, lines and conditions).
    pub fn from_request(request: &ScreenRequest) -> ScreenForm {
        let (watchlist, symbols) = match &request.universe {
            Universe::Watchlist { watchlist_id } => (Some(watchlist_id.clone()), None),
            Universe::Symbols(symbols) => (None, Some(symbols.join(", "))),
            Universe::Named(_) => (None, None),
        };
        let conditions = request
            .conditions
            .iter()
            .take(MAX_FORM_CONDITIONS)
            .map(|clause| ConditionFields {
                line: clause.indicator.clone(),
                op: clause.op.clone(),
                value: match &clause.value {
                    Operand::Number(n) => n.to_string(),
                    Operand::Line(line) => line.clone(),
                },
            })
            .collect();
        ScreenForm {
            watchlist,
            symbols,
            model: request.model.clone(),
            signal: request.signal.clone(),
            indicators: (!request.indicators.is_empty()).then(|| request.indicators.join(", ")),
            conditions,
            sort: request.sort.clone(),
            cursor: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> ScreenForm {
        ScreenForm::from_fields(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn fields_become_the_request_and_numbers_stay_numbers() {
        let request = form(&[
            ("symbols", "aapl, msft ko"),
            ("indicators", "rsi:14, sma:200"),
            ("line1", "rsi:14"),
            ("op1", "<"),
            ("value1", "30"),
            ("line2", "close"),
            ("op2", ">"),
            ("value2", "sma:200"),
            ("signal", "buy"),
            ("sort", "-confidence"),
        ])
        .to_request(25)
        .unwrap();
        assert_eq!(
            request.universe,
            Universe::Symbols(vec!["AAPL".into(), "MSFT".into(), "KO".into()])
        );
        assert_eq!(request.indicators, ["rsi:14", "sma:200"]);
        assert_eq!(request.conditions[0].value, Operand::Number(30.0));
        assert_eq!(request.conditions[1].value, Operand::Line("sma:200".into()));
        assert_eq!(request.signal.as_deref(), Some("BUY"));
        assert_eq!(request.limit, Some(25));
        assert!(request.sparkline);
    }

    #[test]
    fn a_watchlist_wins_over_typed_symbols_and_nothing_means_all() {
        let chosen = form(&[("watchlist", "w1"), ("symbols", "AAPL")]);
        assert_eq!(
            chosen.to_request(10).unwrap().universe,
            Universe::Watchlist {
                watchlist_id: "w1".into()
            }
        );
        assert_eq!(
            form(&[]).to_request(10).unwrap().universe,
            Universe::default()
        );
    }

    #[test]
    fn a_condition_without_a_value_names_its_field() {
        let error = form(&[("line2", "rsi:14"), ("op2", "<")])
            .to_request(10)
            .unwrap_err();
        // Rows are numbered as the page draws them again: the conditions given, in order.
        assert_eq!(error.0, "value1");
        let error = form(&[("line1", "close"), ("value1", "1"), ("line2", "rsi:14")])
            .to_request(10)
            .unwrap_err();
        assert_eq!(error.0, "value2");
    }

    #[test]
    fn a_saved_request_opens_as_the_same_form() {
        let original = form(&[
            ("symbols", "AAPL, MSFT"),
            ("indicators", "rsi:14"),
            ("line1", "macd:12:26:9.hist"),
            ("op1", "crosses_above"),
            ("value1", "0"),
            ("sort", "-rsi:14"),
        ]);
        let request = original.to_request(25).unwrap();
        let reopened = ScreenForm::from_request(&request);
        assert_eq!(reopened, original);
        assert_eq!(
            reopened.href(),
            "/screener?symbols=AAPL%2C%20MSFT&indicators=rsi%3A14&sort=-rsi%3A14&line1=macd%3A12%3A26%3A9.hist&op1=crosses_above&value1=0"
        );
        let sorted = reopened.at_cursor(Some("o25".into())).sorted_by("symbol");
        assert_eq!(sorted.cursor, None, "a new order starts at the first page");
    }
}
