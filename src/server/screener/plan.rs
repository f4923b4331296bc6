//! A screen request checked once, at the edge: every name read (400
//! `INVALID_INDICATOR` naming the offending one), the operators, the model, the
//! verdict filter, the order and the page. The universe is resolved later, since a
//! watchlist or the catalog needs the database.

use serde_json::json;

use crate::domain::symbol::Symbol;
use crate::domain::tier::Tier;
use crate::error_catalog::ErrorCode;
use crate::screener::condition::{Condition, Op, Operand, OPERATORS};
use crate::screener::term::Named;
use crate::screener::{Screen, Shown, Sort, SortKey};
use crate::server::api_error::ApiError;
use crate::server::market::parse_symbol;
use crate::server::signals::service::DEFAULT_LOOKBACK_DAYS;
use crate::signals::{Action, Model};
use crate::wire::screener::{Operand as WireOperand, ScreenRequest, Universe};

/// Rows per page unless the request says.
pub const DEFAULT_LIMIT: u32 = 50;
/// Lines one screen may name (shown, compared and sorted by, together).
pub const MAX_LINES: usize = 20;
/// Closes a row's sparkline holds.
pub const SPARKLINE_BARS: usize = 30;

pub enum Scope {
    All,
    Watchlist(String),
    Symbols(Vec<Symbol>),
}

pub struct ScreenPlan {
    pub scope: Scope,
    pub screen: Screen,
    pub limit: usize,
    pub offset: usize,
    pub sparkline: bool,
}

impl TryFrom<(&ScreenRequest, Tier)> for ScreenPlan {
    type Error = ApiError;

    fn try_from((request, tier): (&ScreenRequest, Tier)) -> Result<ScreenPlan, ApiError> {
        let scope = scope(&request.universe)?;
        let model = Model::requested(request.model.as_deref())?;
        let mut screen = Screen::new(model, DEFAULT_LOOKBACK_DAYS as usize);
        let show = |screen: &mut Screen, name: &str, named: Named| {
            if screen.shown.iter().any(|(n, _)| n == name) {
                return;
            }
            let shown = match named {
                Named::Term(term) => Shown::Term(screen.term(term)),
                Named::AllParts(indicator) => Shown::Parts(indicator),
            };
            screen.shown.push((name.to_string(), shown));
        };
        for name in &request.indicators {
            let named = parse_line(name)?;
            show(&mut screen, name.trim(), named);
        }
        for clause in &request.conditions {
            let op = Op::parse(&clause.op).ok_or_else(|| {
                ApiError::invalid_field("where.op", &format!("must be one of {OPERATORS}"))
            })?;
            let left = single_line(&clause.indicator)?;
            show(&mut screen, clause.indicator.trim(), Named::Term(left));
            let right = match &clause.value {
                WireOperand::Number(value) if value.is_finite() => Operand::Number(*value),
                WireOperand::Number(_) => {
                    return Err(ApiError::invalid_field(
                        "where.value",
                        "must be a finite number or a line's name",
                    ))
                }
                WireOperand::Line(name) => {
                    let term = single_line(name)?;
                    show(&mut screen, name.trim(), Named::Term(term));
                    Operand::Term(screen.term(term))
                }
            };
            let left = screen.term(left);
            screen.conditions.push(Condition { left, op, right });
        }
        screen.signal =
            match request.signal.as_deref() {
                None => None,
                Some(text) => Some(Action::parse(text).ok_or_else(|| {
                    ApiError::invalid_field("signal", "must be BUY, SELL or HOLD")
                })?),
            };
        if let Some(text) = request.sort.as_deref() {
            let (descending, key) = match text.trim().strip_prefix('-') {
                Some(key) => (true, key),
                None => (false, text.trim()),
            };
            let key = match key {
                "symbol" => SortKey::Symbol,
                "confidence" => SortKey::Confidence,
                "change_pct" => SortKey::ChangePct,
                "price" => SortKey::Price,
                line => {
                    let term = single_line(line)?;
                    show(&mut screen, line, Named::Term(term));
                    SortKey::Term(screen.term(term))
                }
            };
            screen.sort = Sort { key, descending };
        }
        if screen.shown.len() > MAX_LINES {
            return Err(
                ApiError::new(ErrorCode::InvalidIndicator).with_details(json!({
                    "reason": format!("at most {MAX_LINES} lines per screen"),
                    "lines": screen.shown.len(),
                })),
            );
        }
        let cap = tier.limits().screen_symbols;
        let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || cap.is_some_and(|cap| limit > cap) {
            let most = cap.map_or("any number".to_string(), |c| c.to_string());
            return Err(ApiError::invalid_field(
                "limit",
                &format!("must be from 1 to {most} (your tier's universe cap)"),
            ));
        }
        Ok(ScreenPlan {
            scope,
            screen,
            limit: limit as usize,
            offset: request.cursor.as_deref().map_or(Ok(0), parse_cursor)?,
            sparkline: request.sparkline,
        })
    }
}

fn scope(universe: &Universe) -> Result<Scope, ApiError> {
    match universe {
        Universe::Named(name) if name == "all" => Ok(Scope::All),
        Universe::Named(_) => Err(ApiError::invalid_field(
            "universe",
            "must be \"all\", {\"watchlist_id\": …} or a list of symbols",
        )),
        Universe::Watchlist { watchlist_id } => Ok(Scope::Watchlist(watchlist_id.clone())),
        Universe::Symbols(symbols) if symbols.is_empty() => {
            Err(ApiError::new(ErrorCode::EmptySymbolList))
        }
        Universe::Symbols(symbols) => Ok(Scope::Symbols(
            symbols
                .iter()
                .map(|s| parse_symbol(s))
                .collect::<Result<_, _>>()?,
        )),
    }
}

fn invalid_line(name: &str, reason: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidIndicator)
        .with_details(json!({ "indicator": name, "reason": reason }))
}

fn parse_line(name: &str) -> Result<Named, ApiError> {
    Named::parse(name).map_err(|e| invalid_line(name, e.0))
}

/// A name that must be one line (compared or sorted by).
fn single_line(name: &str) -> Result<crate::screener::term::Term, ApiError> {
    parse_line(name)?
        .single(name.trim())
        .map_err(|e| invalid_line(name, e.0))
}

/// A page's cursor is the position of its first row, as text.
pub fn cursor_at(offset: usize) -> String {
    format!("o{offset}")
}

fn parse_cursor(cursor: &str) -> Result<usize, ApiError> {
    cursor
        .strip_prefix('o')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidCursor)
                .with_details(json!({ "reason": "give next_cursor from the page before" }))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::screener::WhereClause;

    fn request(json: serde_json::Value) -> ScreenRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_screen_reads_each_line_once_and_shows_every_name() {
        let plan = ScreenPlan::try_from((
            &request(json!({
                "indicators": ["rsi:14", "sma:200", "macd:12:26:9"],
                "where": [
                    {"indicator": "rsi:14", "op": "<", "value": 30},
                    {"indicator": "close", "op": ">", "value": "sma:200"},
                    {"indicator": "macd:12:26:9.hist", "op": "crosses_above", "value": 0}
                ],
                "sort": "-rsi:14",
                "signal": "BUY"
            })),
            Tier::Pro,
        ))
        .unwrap();
        let names: Vec<&str> = plan.screen.shown.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "rsi:14",
                "sma:200",
                "macd:12:26:9",
                "close",
                "macd:12:26:9.hist"
            ]
        );
        // rsi, sma, close and the histogram: rsi is read once though named thrice.
        assert_eq!(plan.screen.terms.len(), 4);
        assert_eq!(plan.screen.conditions.len(), 3);
        assert_eq!(plan.screen.signal, Some(Action::Buy));
        assert_eq!(
            plan.screen.sort,
            Sort {
                key: SortKey::Term(0),
                descending: true
            }
        );
        assert_eq!(plan.limit, 50);
        assert!(matches!(plan.scope, Scope::All));
    }

    #[test]
    fn bad_names_are_invalid_indicator_naming_the_culprit() {
        for (clause, culprit) in [
            (json!({"indicators": ["rsi:14", "vwap:3"]}), "vwap:3"),
            (
                json!({"where": [{"indicator": "macd:12:26:9.histo", "op": "<", "value": 0}]}),
                "macd:12:26:9.histo",
            ),
            (
                json!({"where": [{"indicator": "bbands:20:2:2", "op": "<", "value": 0}]}),
                "bbands:20:2:2",
            ),
            (
                json!({"where": [{"indicator": "close", "op": ">", "value": "smaa:20"}]}),
                "smaa:20",
            ),
            (json!({"sort": "-rsi:0"}), "rsi:0"),
        ] {
            let Err(error) = ScreenPlan::try_from((&request(clause), Tier::Free)) else {
                panic!("{culprit} passed");
            };
            assert_eq!(error.code, ErrorCode::InvalidIndicator);
            assert_eq!(error.details["indicator"], culprit);
        }
    }

    #[test]
    fn operators_signals_limits_and_cursors_are_checked() {
        let clause = |op: &str| WhereClause {
            indicator: "rsi:14".into(),
            op: op.into(),
            value: WireOperand::Number(30.0),
        };
        let with = |change: &dyn Fn(&mut ScreenRequest)| {
            let mut r = ScreenRequest::default();
            change(&mut r);
            ScreenPlan::try_from((&r, Tier::Free)).err().map(|e| e.code)
        };
        assert_eq!(
            with(&|r| r.conditions = vec![clause("=>")]),
            Some(ErrorCode::ValidationError)
        );
        assert_eq!(
            with(&|r| r.signal = Some("STRONG_BUY".into())),
            Some(ErrorCode::ValidationError)
        );
        assert_eq!(
            with(&|r| r.limit = Some(101)),
            Some(ErrorCode::ValidationError)
        );
        assert_eq!(with(&|r| r.limit = Some(100)), None);
        assert_eq!(
            with(&|r| r.cursor = Some("50".into())),
            Some(ErrorCode::InvalidCursor)
        );
        assert_eq!(
            with(&|r| r.model = Some("oracle".into())),
            Some(ErrorCode::UnknownModel)
        );
        assert_eq!(
            with(&|r| r.universe = Universe::Symbols(vec![])),
            Some(ErrorCode::EmptySymbolList)
        );
        assert_eq!(
            with(&|r| r.universe = Universe::Named("world".into())),
            Some(ErrorCode::ValidationError)
        );
        let page = ScreenPlan::try_from((
            &ScreenRequest {
                cursor: Some(cursor_at(150)),
                limit: Some(100_000),
                ..Default::default()
            },
            Tier::Enterprise,
        ))
        .unwrap();
        assert_eq!((page.offset, page.limit), (150, 100_000));
    }
}
