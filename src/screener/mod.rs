//! The universe screener's pure part: which lines a screen reads, its conditions,
//! one symbol's reading (indicators on the whole history, so every value equals the
//! last one `/api/v1/indicators` gives; the model's verdict on the same window
//! `/api/v1/run` uses), and the order of the rows.

pub mod condition;
pub mod term;

use std::cmp::Ordering;

use crate::backtest::optimize::parallel_map;
use crate::backtest::Cancel;
use crate::indicators::{Indicator, Ohlcv, Output};
use crate::market::{Bar, Columns};
use crate::signals::{Action, Model};
use condition::{Condition, Pair};
use term::Term;

/// What one row shows under a name: one line's latest value, or every part's.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    Term(usize),
    Parts(Indicator),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SortKey {
    Symbol,
    Confidence,
    ChangePct,
    Price,
    Term(usize),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

/// A checked screen: the distinct lines it reads, what rows show, the conditions,
/// the model and its window, the verdict filter and the order.
#[derive(Clone, Debug, PartialEq)]
pub struct Screen {
    pub terms: Vec<Term>,
    pub shown: Vec<(String, Shown)>,
    pub conditions: Vec<Condition>,
    pub model: Model,
    pub lookback: usize,
    pub signal: Option<Action>,
    pub sort: Sort,
}

impl Screen {
    pub fn new(model: Model, lookback: usize) -> Screen {
        Screen {
            terms: Vec::new(),
            shown: Vec::new(),
            conditions: Vec::new(),
            model,
            lookback,
            signal: None,
            sort: Sort {
                key: SortKey::Symbol,
                descending: false,
            },
        }
    }

    /// The index of `term` among the lines read, added once.
    pub fn term(&mut self, term: Term) -> usize {
        match self.terms.iter().position(|t| *t == term) {
            Some(index) => index,
            None => {
                self.terms.push(term);
                self.terms.len() - 1
            }
        }
    }

    /// Every indicator to compute, once each.
    fn indicators(&self) -> Vec<Indicator> {
        let mut all: Vec<Indicator> = Vec::new();
        let shown = self.shown.iter().filter_map(|(_, s)| match s {
            Shown::Parts(indicator) => Some(*indicator),
            Shown::Term(_) => None,
        });
        for indicator in self.terms.iter().filter_map(Term::indicator).chain(shown) {
            if !all.contains(&indicator) {
                all.push(indicator);
            }
        }
        all
    }
}

/// A shown value on the latest bar.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Parts(Vec<(&'static str, f64)>),
}

/// One symbol that passed the screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// Its position in the universe given to [`read_all`].
    pub index: usize,
    pub price: f64,
    /// Change of the latest close over the one before, in percent (NaN with one bar).
    pub change_pct: f64,
    /// The model's action and confidence (`None`: too few bars for the model).
    pub verdict: Option<(Action, f64)>,
    /// Each term's latest value, for sorting.
    pub last: Vec<f64>,
    /// In the order of [`Screen::shown`].
    pub shown: Vec<Value>,
}

/// The reading of one symbol's bars, or `None` when a condition or the verdict
/// filter rejects it (the model is only asked once the conditions hold).
pub fn read(screen: &Screen, index: usize, bars: &Ohlcv) -> Option<Reading> {
    let close = bars.close;
    let price = *close.last()?;
    let indicators = screen.indicators();
    let outputs: Vec<Output> = indicators.iter().map(|i| i.compute(bars)).collect();
    let pairs: Vec<Pair> = screen
        .terms
        .iter()
        .map(|t| Pair::of(term::line(t, bars, &indicators, &outputs)))
        .collect();
    if !screen.conditions.iter().all(|c| c.holds(&pairs)) {
        return None;
    }
    let verdict = screen
        .model
        .evaluate(&bars.last(screen.lookback))
        .map(|e| (e.action, e.confidence));
    if let Some(wanted) = screen.signal {
        if verdict.map(|(action, _)| action) != Some(wanted) {
            return None;
        }
    }
    let shown = screen
        .shown
        .iter()
        .map(|(_, what)| match what {
            Shown::Term(t) => Some(Value::Number(pairs[*t].last)),
            Shown::Parts(indicator) => {
                let at = indicators.iter().position(|i| i == indicator)?;
                match &outputs[at] {
                    Output::Parts(parts) => Some(Value::Parts(
                        parts
                            .iter()
                            .map(|(name, line)| (*name, Pair::of(line).last))
                            .collect(),
                    )),
                    Output::Line(line) => Some(Value::Number(Pair::of(line).last)),
                }
            }
        })
        .collect::<Option<Vec<Value>>>()?;
    let before = close.len().checked_sub(2).map_or(f64::NAN, |i| close[i]);
    Some(Reading {
        index,
        price,
        change_pct: (price / before - 1.0) * 100.0,
        verdict,
        last: pairs.iter().map(|p| p.last).collect(),
        shown,
    })
}

/// Every symbol's reading on up to `threads` threads, in universe order, the
/// rejected ones left out; `None` when cancelled.
pub fn read_all(
    screen: &Screen,
    universe: &[&[Bar]],
    threads: usize,
    cancel: &Cancel,
) -> Option<Vec<Reading>> {
    // One symbol's columns at a time: the universe is never copied whole.
    let all = parallel_map(universe.len(), threads, cancel, |i| {
        let columns = Columns::of(universe[i]);
        Some(read(screen, i, &columns.ohlcv()))
    })?;
    Some(all.into_iter().flatten().collect())
}

/// Orders readings by the screen's key; missing values (NaN, no verdict) come last
/// in either direction, and ties go by symbol.
pub fn sort(readings: &mut [Reading], symbols: &[&str], sort: Sort) {
    let key = |r: &Reading| -> f64 {
        match sort.key {
            SortKey::Symbol => 0.0,
            SortKey::Confidence => r.verdict.map_or(f64::NAN, |(_, c)| c),
            SortKey::ChangePct => r.change_pct,
            SortKey::Price => r.price,
            SortKey::Term(t) => r.last[t],
        }
    };
    readings.sort_by(|a, b| {
        let by_symbol = || symbols[a.index].cmp(symbols[b.index]);
        if sort.key == SortKey::Symbol {
            let order = by_symbol();
            return if sort.descending {
                order.reverse()
            } else {
                order
            };
        }
        let (x, y) = (key(a), key(b));
        let order = match (x.is_nan(), y.is_nan()) {
            (true, true) => Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) if sort.descending => y.total_cmp(&x),
            (false, false) => x.total_cmp(&y),
        };
        order.then_with(by_symbol)
    });
}

#[cfg(test)]
mod tests;
